"""Dashboard figures from the lead summary, checked against the hand-made world (SQLite and PostgreSQL).

Expected values are computed by hand from tests/dashboard/world.py (see the comments).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import update

from dbschema import upgrade
from leads.lifecycle import mark_lead
from leads.models import Lead
from leads.summary import ensure_fresh
from pipeline.db import make_engine
from pipeline.models import Package
from tests.dashboard.world import T0, build_world
from web.dashboard import queries as q

NOW = T0 + dt.timedelta(days=30)


@pytest.fixture
def engine(db_url):
    engine = make_engine(db_url)
    upgrade(engine)
    build_world(engine)
    yield engine
    engine.dispose()


def read(engine, function, scope, *args):
    """A figure of ``scope`` the way the page computes it."""
    with engine.connect() as connection:
        if function is q.totals:
            return q.totals(q.areas(connection, scope))
        if function is q.by_branch:
            return q.by_branch(q.areas(connection, scope), q.branch_names(connection))
        if function is q.by_kabkota:
            return q.by_kabkota(q.areas(connection, scope), *args)
        if function is q.funnel:
            return q.funnel(q.stages(connection, scope), q.reg_days(connection, scope))
        if function is q.overdue:
            return q.overdue(q.stages(connection, scope))
        return function(connection, scope, *args)


NATIONAL = q.Scope("national")
KALIMANTAN = q.Scope("kanwil", "Kalimantan")
SUMBAGSEL = q.Scope("kanwil", "Sumbagsel")
B1 = q.Scope("branch", "B1")


def test_totals_per_scope(engine):
    assert ensure_fresh(engine, NOW) == "full"
    # open = leads 1, 2, 3, 7, 9 (100 + 200 + 300 + 700 + 900); registered = 4, 5, 8 (400 + 500 + 800)
    assert read(engine, q.totals, NATIONAL) == {
        "leads": 9, "open": 5, "registered": 3, "overdue": 3,
        "open_contribution": Decimal("2200.00"), "registered_contribution": Decimal("1700.00"),
    }  # fmt: skip
    # Kalimantan: leads 1-6 (branches B1, B2)
    assert read(engine, q.totals, KALIMANTAN) == {
        "leads": 6, "open": 3, "registered": 2, "overdue": 2,
        "open_contribution": Decimal("600.00"), "registered_contribution": Decimal("900.00"),
    }  # fmt: skip
    # Sumbagsel: its fallback queue (lead 7) and branch B3 (lead 8)
    assert read(engine, q.totals, SUMBAGSEL)["leads"] == 2
    assert read(engine, q.totals, SUMBAGSEL)["open_contribution"] == Decimal("700.00")
    assert read(engine, q.totals, B1)["leads"] == 3
    assert read(engine, q.totals, q.Scope("branch", "NOPE"))["leads"] == 0
    assert ensure_fresh(engine, NOW) is None


def test_by_branch_and_kabkota(engine):
    ensure_fresh(engine, NOW)
    rows = {r["label"]: r for r in read(engine, q.by_branch, NATIONAL).rows}
    assert set(rows) == {
        "B1 Balikpapan", "B2 Samarinda", "B3 Palembang",
        "Antrian provinsi, Kanwil Sumbagsel", "Lokasi belum dikenali",
    }  # fmt: skip
    assert (rows["B1 Balikpapan"]["open"], rows["B1 Balikpapan"]["open_contribution"]) == (
        3,
        Decimal("600.00"),
    )
    assert (rows["B2 Samarinda"]["registered"], rows["B2 Samarinda"]["registered_contribution"]) == (
        2,
        Decimal("900.00"),
    )
    assert rows["Antrian provinsi, Kanwil Sumbagsel"]["overdue"] == 1
    # sorted by open contribution: unrouted 900, fallback 700, B1 600, then B2 / B3 with none open
    assert [r["label"] for r in read(engine, q.by_branch, NATIONAL).rows][:3] == [
        "Lokasi belum dikenali", "Antrian provinsi, Kanwil Sumbagsel", "B1 Balikpapan",
    ]  # fmt: skip
    assert {r["branch"] for r in read(engine, q.by_branch, KALIMANTAN).rows} == {"B1", "B2"}
    kab = {
        r["kabkota_code"]: r for r in read(engine, q.by_kabkota, NATIONAL, {"64.71": "Kota Balikpapan"}).rows
    }
    assert kab["64.71"]["kabkota"] == "Kota Balikpapan"
    assert kab["64.72"]["leads"] == 3 and kab["64.72"]["open"] == 0
    assert kab[""]["kabkota"] == "Lokasi belum dikenali"
    assert set(kab) == {"64.71", "64.72", "16.03", "16.71", ""}


def test_funnel_and_median_days(engine):
    ensure_fresh(engine, NOW)
    table, median = read(engine, q.funnel, NATIONAL)
    # reached: 1→0, 2→1, 3→2, 4→3, 5→3 (matched straight from new), 6→1 (sent, then dismissed), 7→0, 8→3, 9→0
    assert [(r["stage"], r["leads"], r["from_previous"]) for r in table.rows] == [
        ("new", 9, None), ("sent", 6, 66.7), ("contacted", 4, 66.7), ("registered", 3, 75.0),
    ]  # fmt: skip
    assert median == 6  # registered after 2, 6 and 10 days
    table, median = read(engine, q.funnel, KALIMANTAN)
    assert [r["leads"] for r in table.rows] == [6, 5, 3, 2]
    assert median == 6.0  # 2 and 10
    assert read(engine, q.funnel, B1)[1] is None


def test_overdue_and_contractors(engine):
    ensure_fresh(engine, NOW)
    assert [(r["bucket"], r["leads"], r["contribution"]) for r in read(engine, q.overdue, NATIONAL).rows] == [
        ("1-7 hari", 1, Decimal("200.00")),
        ("8-30 hari", 1, Decimal("700.00")),
        ("> 30 hari", 1, Decimal("300.00")),
    ]  # fmt: skip
    # PT A: open leads 1, 2, 3, 7 (one NPWP, spelled two ways); CV B: lead 9 (masked NPWP: keyed by name)
    top = read(engine, q.top_contractors, NATIONAL).rows
    assert [(r["npwp"], r["leads"], r["contribution"]) for r in top] == [
        ("0123456789012345", 4, Decimal("1300.00")), ("01*3**", 1, Decimal("900.00")),
    ]  # fmt: skip
    assert [(r["leads"], r["contribution"]) for r in read(engine, q.top_contractors, KALIMANTAN).rows] == [
        (3, Decimal("600.00"))
    ]
    assert [r["leads"] for r in read(engine, q.top_contractors, SUMBAGSEL).rows] == [1]
    assert [r["leads"] for r in read(engine, q.top_contractors, B1).rows] == [3]


def test_status_changes_refresh_only_their_partitions(engine):
    assert ensure_fresh(engine, NOW) == "full"
    later = NOW + dt.timedelta(minutes=5)
    from sqlalchemy.orm import Session

    with Session(engine) as session, session.begin():
        mark_lead(
            session, "http://127.0.0.1:8081/kaltim", "P1", "contacted", by="officer", note=None, now=later
        )
        mark_lead(
            session, "http://127.0.0.1:8081/kaltim", "P9", "dismissed", by="officer", note="x", now=later
        )
    assert ensure_fresh(engine, later) == "partial"
    table, _ = read(engine, q.funnel, NATIONAL)
    assert [r["leads"] for r in table.rows] == [9, 7, 5, 3]  # lead 1 now reached contacted
    assert [r["leads"] for r in read(engine, q.top_contractors, NATIONAL).rows] == [4]  # CV B dismissed
    assert read(engine, q.totals, NATIONAL)["open"] == 4
    assert ensure_fresh(engine, later) is None
    # a build (last_built moves) that changed a lead's contribution: everything is recomputed
    with engine.begin() as c:
        c.execute(update(Lead).where(Lead.id == 2).values(total=Decimal(250), last_built=later))
    assert ensure_fresh(engine, later) == "full"
    assert read(engine, q.totals, B1)["open_contribution"] == Decimal("650.00")


def test_a_change_committed_late_is_still_seen(engine):
    """An event whose time is older than the last refresh (a long transaction) is inside the look-back."""
    ensure_fresh(engine, NOW)
    with engine.begin() as c:
        c.execute(update(Package).where(Package.id == 1).values(name="x"))
    from sqlalchemy.orm import Session

    with Session(engine) as session, session.begin():
        earlier = NOW - dt.timedelta(minutes=10)
        mark_lead(session, "http://127.0.0.1:8081/kaltim", "P7", "contacted", by="o", note=None, now=earlier)
    assert ensure_fresh(engine, NOW + dt.timedelta(minutes=1)) == "partial"
    assert read(engine, q.totals, SUMBAGSEL)["leads"] == 2
    assert [r["leads"] for r in read(engine, q.funnel, SUMBAGSEL)[0].rows] == [2, 2, 2, 1]
