"""The incremental build: only changed packages are recomputed, and the result equals a full rebuild.

Each scenario ends with ``full=True``: recomputing everything from scratch must find nothing to
change, so the incremental path can never drift from the full one.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import delete, select

from leads.branches_file import example_table, read_branches
from leads.branches_store import import_branches
from leads.build import build_leads
from leads.match_worker import _Local, _Worker, start_matcher
from leads.models import Lead
from leads.registry_file import Registration
from leads.registry_store import import_registrations
from leads.synthetic import make_packages, noisy_registry
from pipeline.models import Package
from tests.leads.conftest import NOW, TODAY, package, write_packages
from tests.leads.test_build import leads_by_code, setup_world

LATER = NOW + dt.timedelta(hours=6)


def build(session_maker, today: dt.date = TODAY, *, now: dt.datetime = NOW, full: bool = False):
    """One build in its own transaction."""
    with session_maker.begin() as session:
        return build_leads(session, today, now=now, full=full)


def last_built(engine) -> dict[str, dt.datetime]:
    """code → last_built of every lead."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(Package.code, Lead.last_built).join(Lead, Lead.package_id == Package.id)
        )
        return dict(rows.all())


def world(engine, session_maker) -> None:
    """``setup_world`` plus a registry with one registration of some other project."""
    setup_world(engine, session_maker)
    with session_maker.begin() as session:
        import_registrations(
            session, [Registration("JK-0", "Pengadaan Alat Tulis Kantor", tender_code="999")], NOW
        )


def assert_full_rebuild_changes_nothing(session_maker, today: dt.date = TODAY) -> None:
    """A from-scratch recompute agrees with what the incremental builds stored."""
    summary = build(session_maker, today, now=LATER + dt.timedelta(days=1), full=True)
    assert (summary.new, summary.updated, summary.reopened, summary.registered_by_match) == (0, 0, 0, 0)


def test_no_change_build_reads_no_package(engine, session_maker) -> None:
    world(engine, session_maker)
    first = build(session_maker)
    assert (first.full_reason, first.recomputed, first.rematched) == ("first build", 5, 5)
    again = build(session_maker, now=LATER)
    assert (again.full_reason, again.recomputed, again.rematched) == ("", 0, 0)
    assert (again.candidates, again.unchanged, again.routes) == (5, 5, first.routes)
    assert set(last_built(engine).values()) == {NOW}


def test_changed_package_is_rebuilt_and_the_others_are_not_touched(engine, session_maker) -> None:
    world(engine, session_maker)
    build(session_maker)
    write_packages(
        engine,
        [
            package(
                "1",
                winners=[
                    {
                        "name": "PT. Karya Mahakam",
                        "npwp": "015448632009000",
                        "offer_value": Decimal(2_000_000_000),
                    }
                ],
            )
        ],
        at=NOW + dt.timedelta(hours=1),
    )
    summary = build(session_maker, now=LATER)
    assert (summary.recomputed, summary.rematched, summary.updated, summary.unchanged) == (1, 1, 1, 4)
    assert leads_by_code(engine)["1"].value == Decimal("2000000000.00")
    built = last_built(engine)
    assert built.pop("1") == LATER
    assert set(built.values()) == {NOW}
    assert_full_rebuild_changes_nothing(session_maker)


def test_rewritten_but_equal_package_is_read_once_and_not_updated(engine, session_maker) -> None:
    world(engine, session_maker)
    build(session_maker)
    write_packages(engine, [package("1", budget_value=Decimal(5))], at=NOW + dt.timedelta(hours=1))
    summary = build(session_maker, now=LATER)
    assert (summary.recomputed, summary.updated) == (1, 0)
    assert build(session_maker, now=LATER).recomputed == 0
    assert last_built(engine)["1"] == NOW


def test_new_registration_closes_the_lead_it_matches(engine, session_maker) -> None:
    world(engine, session_maker)
    build(session_maker)
    with session_maker.begin() as session:
        import_registrations(
            session,
            [
                Registration(
                    "JK-9",
                    "Pemb. Jl. Desa Sukamaju 3",
                    npwp="015448632009000",
                    contract_value=Decimal(1_000_000_000),
                )
            ],
            LATER,
        )
    summary = build(session_maker, now=LATER)
    assert (summary.full_reason, summary.recomputed, summary.rematched) == ("registry changed", 0, 5)
    assert (summary.matches, summary.registered_by_match) == (1, 1)
    leads = leads_by_code(engine)
    assert leads["3"].status == "registered"
    assert {code for code, lead in leads.items() if lead.status == "new"} == {"1", "2", "4", "7"}
    assert build(session_maker, now=LATER).rematched == 0
    assert_full_rebuild_changes_nothing(session_maker)


def test_new_day_updates_days_overdue_and_scores_only(engine, session_maker) -> None:
    world(engine, session_maker)
    build(session_maker)
    before = leads_by_code(engine)["1"]
    summary = build(session_maker, TODAY + dt.timedelta(days=1), now=LATER)
    assert (summary.recomputed, summary.rematched, summary.updated) == (0, 0, 5)
    after = leads_by_code(engine)["1"]
    assert (before.days_overdue, after.days_overdue) == (7, 8)
    assert after.score > before.score
    assert_full_rebuild_changes_nothing(session_maker, TODAY + dt.timedelta(days=1))
    # Going back a day (a rerun for an earlier date) is the same cheap pass.
    assert build(session_maker, TODAY, now=LATER).updated == 5
    assert leads_by_code(engine)["1"].days_overdue == 7


def test_branch_table_change_reroutes_every_lead(engine, session_maker) -> None:
    world(engine, session_maker)
    build(session_maker)
    rows = [r for r in read_branches(example_table()) if r.branch_code != "KC-BALIKPAPAN"]
    with session_maker.begin() as session:
        import_branches(session, rows, LATER, replace=True)  # the starter table would route 64.71 too
    summary = build(session_maker, now=LATER)
    assert (summary.full_reason, summary.recomputed) == ("branch table changed", 5)
    lead = leads_by_code(engine)["1"]
    assert (lead.branch, lead.kabkota_code) == (None, "64.71")
    assert_full_rebuild_changes_nothing(session_maker)


def test_match_worker_finds_what_matching_here_finds() -> None:
    packages = list(make_packages(300, seed=3, contractors=40))
    registry = noisy_registry(packages[:120], fraction=1.0, decoys=0.25, seed=4)
    rows = [
        (i + 1, r.registration_no, r.project_name, r.contractor_name, r.npwp, r.contract_value,
         r.registered_on, r.tender_code)
        for i, r in enumerate(registry.registrations)
    ]  # fmt: skip
    wires = [
        (i, p["site"], p["code"], p["name"], p["fiscal_year"],
         tuple(w["name"] for w in p["winners"]), tuple(w["npwp"] for w in p["winners"] if w["npwp"]),
         tuple(float(w["offer_value"]) for w in p["winners"] if w.get("offer_value")))
        for i, p in enumerate(packages)
    ]  # fmt: skip
    local, worker = _Local(rows), _Worker(rows)
    try:
        for part in (wires[:150], wires[150:]):
            local.feed(part)
            worker.feed(part)
        here = local.results()
        assert len(here) > 60
        assert worker.results() == here
    finally:
        worker.close()


def test_deleted_package_hands_its_registration_to_the_next_best(engine, session_maker) -> None:
    world(engine, session_maker)
    with session_maker.begin() as session:
        import_registrations(
            session,
            [
                Registration(
                    "JK-9",
                    "Pembangunan Jalan Desa Sukamaju 3",
                    npwp="015448632009000",
                    contract_value=Decimal(1_000_000_000),
                )
            ],
            NOW,
        )
    build(session_maker)
    assert leads_by_code(engine)["3"].status == "registered"
    assert leads_by_code(engine)["1"].status == "new"
    with engine.begin() as connection:
        connection.execute(delete(Package).where(Package.code == "3"))
    summary = build(session_maker, now=LATER)
    assert (summary.recomputed, summary.matches, summary.registered_by_match) == (0, 1, 1)
    assert leads_by_code(engine)["1"].status == "registered"  # same evidence as 2, 4 and 7; lowest id
    assert_full_rebuild_changes_nothing(session_maker)


def test_matching_in_this_process_when_the_worker_is_switched_off(engine, session_maker, monkeypatch) -> None:
    monkeypatch.setenv("LPSE_LEADS_MATCH_WORKER", "0")
    assert isinstance(start_matcher([(1, "JK-0", "x", None, None, None, None, None)]), _Local)
    world(engine, session_maker)
    with session_maker.begin() as session:
        import_registrations(session, [Registration("JK-3", "x", tender_code="3")], NOW)
    summary = build(session_maker)
    assert (summary.matches, summary.registered_by_match) == (1, 1)
    assert leads_by_code(engine)["3"].status == "registered"
