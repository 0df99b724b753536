"""Building leads in a real database: which packages, estimate, deadline, routing, matches, lifecycle."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import func, select, text

from leads.branches_file import example_table, read_branches
from leads.branches_store import import_branches
from leads.build import build_leads
from leads.lead_row import LEAD_COLUMNS
from leads.lifecycle import mark_lead
from leads.listing import lead_rows
from leads.models import Branch, Lead, LeadEvent, RegistryMatch
from leads.registry_file import Registration
from leads.registry_store import import_registrations
from tests.leads.conftest import NOW, SITE, TODAY, package, write_packages


def build(session_maker, today: dt.date = TODAY):
    """One build in its own transaction."""
    with session_maker.begin() as session:
        return build_leads(session, today, now=NOW)


def leads_by_code(engine) -> dict:
    """code → LeadRow of every lead (all statuses)."""
    with engine.connect() as connection:
        return {r.code: r for r in lead_rows(connection, status="all")}


def setup_world(engine, session_maker, *, replace: bool = False) -> None:
    """Branches (the example table over the starter table, or alone: ``replace``), and packages: in
    scope with winner/contract, out of scope, no winner, several regions."""
    write_packages(
        engine,
        [
            package("1"),  # Balikpapan → KC-BALIKPAPAN
            package(
                "2",
                locations=["Desa X - Bontang (Kota)"],  # no office: nearest (starter) or fallback
                contract_winners=[
                    {"name": "CV Dua", "npwp": "023456789012345", "contract_value": Decimal(2_500_000_000)}
                ],
            ),
            package("3", locations=["Kantor - Samarinda (Kota)", "Gudang - Banjarmasin (Kota)"]),
            package(
                "4", locations=["Lokasi tidak jelas"], agency="Kementerian PUPR"
            ),  # unresolved → unrouted
            package("5", category="Pengadaan Barang"),  # out of scope
            package("6", winners=[]),  # no winner yet
            package("7", list="non_tender", category="Jasa Konsultansi Badan Usaha Konstruksi"),
        ],
    )
    with session_maker.begin() as session:
        import_branches(session, read_branches(example_table()), NOW, replace=replace)


def test_leads_are_the_in_scope_packages_with_winners_routed(engine, session_maker) -> None:
    setup_world(engine, session_maker, replace=True)
    summary = build(session_maker)
    leads = leads_by_code(engine)
    assert sorted(leads) == ["1", "2", "3", "4", "7"]
    assert summary.routes == {"branch": 3, "fallback": 1, "unrouted": 1}
    assert (leads["1"].branch, leads["1"].kabkota_code, leads["1"].route_basis) == (
        "KC-BALIKPAPAN",
        "64.71",
        "evidence",
    )
    assert (leads["2"].branch, leads["2"].kabkota_code, leads["2"].province, leads["2"].route_basis) == (
        None,
        "64.74",
        "Kalimantan Timur",
        "fallback",
    )
    assert (leads["4"].route_basis, leads["4"].route_distance_km) == (None, None)
    assert leads["3"].branch == "KC-SAMARINDA"
    assert (leads["4"].branch, leads["4"].kabkota_code) == (None, None)
    assert leads["1"].url == f"{SITE}/lelang/1/pengumumanlelang"
    assert leads["7"].url == f"{SITE}/nontender/7/pengumumanpl"
    with engine.connect() as connection:
        others = connection.execute(select(Lead.other_branches).where(Lead.branch_code == "KC-SAMARINDA"))
        assert others.scalar_one() == "KC-BANJARMASIN"
        fallback = connection.execute(select(Lead.route, Lead.kanwil).where(Lead.kabkota_code == "64.74"))
        assert fallback.one() == ("fallback", "Kalimantan")


def test_starter_table_routes_where_the_imported_table_stops(engine, session_maker) -> None:
    setup_world(engine, session_maker)
    summary = build(session_maker)
    leads = leads_by_code(engine)
    assert summary.routes == {"branch": 4, "fallback": 0, "unrouted": 1}
    # Bontang: no office known there; the nearest office of Kalimantan Timur by centroid distance.
    assert (leads["2"].branch, leads["2"].route_basis, leads["2"].route_distance_km) == (
        "KC-SAMARINDA",
        "inferred_nearest",
        73.0,
    )
    assert (leads["1"].branch, leads["1"].route_basis) == ("KC-BALIKPAPAN", "evidence")
    with engine.connect() as connection:
        origins = dict(connection.execute(select(Branch.code, Branch.origin)).all())
        assert origins["KC-BALIKPAPAN"] == "import"  # the imported row wins over the starter's
        assert origins["KC-SEMARANG-PEMUDA"] == "starter"


def test_value_basis_contribution_and_deadline_over_the_holiday_week(engine, session_maker) -> None:
    setup_world(engine, session_maker)
    build(session_maker)
    leads = leads_by_code(engine)
    one, two = leads["1"], leads["2"]
    assert (one.value, one.value_basis) == (Decimal("1000000000.00"), "offer_value")
    assert (one.jkk, one.jkm, one.estimated_contribution) == (
        Decimal(1_540_000),
        Decimal(210_000),
        Decimal(1_750_000),
    )
    assert (two.value_basis, two.estimated_contribution) == ("contract_value", Decimal(3_550_000))
    # Signed Mon 16 Mar 2026; Nyepi, Idulfitri and cuti bersama (18-24 Mar) and Good Friday are off.
    assert one.contract_signed_on == dt.date(2026, 3, 16)
    assert one.deadline == dt.date(2026, 4, 13)
    assert one.days_overdue == 7
    assert two.score > one.score  # bigger contract, same lateness, contract signed


def test_build_is_idempotent_and_today_moves_days_overdue(engine, session_maker) -> None:
    setup_world(engine, session_maker)
    build(session_maker)
    again = build(session_maker)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 5)
    later = build(session_maker, TODAY + dt.timedelta(days=3))
    assert later.updated == 5
    assert leads_by_code(engine)["1"].days_overdue == 10


def test_view_has_exactly_the_lead_columns(engine, session_maker) -> None:
    setup_world(engine, session_maker)
    build(session_maker)
    with engine.connect() as connection:
        result = connection.execute(text("SELECT * FROM lead_list"))
        assert tuple(result.keys()) == LEAD_COLUMNS
        assert len(result.all()) == 5


def test_matched_package_leaves_the_list_with_the_match_stored(engine, session_maker) -> None:
    setup_world(engine, session_maker)
    build(session_maker)
    with session_maker.begin() as session:
        import_registrations(
            session,
            [
                Registration(
                    "JK-1",
                    "Pemb. Jl. Desa Sukamaju 1",
                    contractor_name="Karya Mahakam, PT",
                    npwp="0015448632009000",
                    contract_value=Decimal(1_000_000_000),
                ),
                Registration("JK-2", "anything", tender_code="2"),
            ],
            NOW,
        )
    summary = build(session_maker)
    assert (summary.matches, summary.registered_by_match) == (2, 2)
    with engine.connect() as connection:
        open_codes = {r.code for r in lead_rows(connection)}
        assert open_codes == {"3", "4", "7"}
        stored = (
            connection.execute(select(RegistryMatch.explanation).order_by(RegistryMatch.score))
            .scalars()
            .all()
        )
        assert stored[0].startswith("NPWP + name")
        assert stored[1] == "tender code"
        events = connection.execute(
            select(func.count()).select_from(LeadEvent).where(LeadEvent.by == "match")
        )
        assert events.scalar_one() == 2
    assert build(session_maker).registered_by_match == 0


def test_closed_lead_comes_back_only_after_a_material_change(engine, session_maker) -> None:
    setup_world(engine, session_maker)
    build(session_maker)
    with session_maker.begin() as session:
        assert mark_lead(session, SITE, "3", "dismissed", by="officer", note="swakelola", now=NOW)
    # A change that is not material (the budget) keeps it dismissed.
    write_packages(
        engine,
        [
            package(
                "3",
                budget_value=Decimal(1_300_000_000),
                locations=["Kantor - Samarinda (Kota)", "Gudang - Banjarmasin (Kota)"],
            )
        ],
        at=NOW + dt.timedelta(hours=1),
    )
    assert build(session_maker).reopened == 0
    assert leads_by_code(engine)["3"].status == "dismissed"
    # A new winner is material: the lead reopens as new, with an event.
    write_packages(
        engine,
        [
            package(
                "3",
                winners=[{"name": "CV Baru", "offer_value": Decimal(900_000_000)}],
                locations=["Kantor - Samarinda (Kota)", "Gudang - Banjarmasin (Kota)"],
            )
        ],
        at=NOW + dt.timedelta(hours=2),
    )
    assert build(session_maker).reopened == 1
    assert leads_by_code(engine)["3"].status == "new"
    with engine.connect() as connection:
        history = connection.execute(
            select(LeadEvent.old_status, LeadEvent.new_status, LeadEvent.by).order_by(LeadEvent.id)
        ).all()
    assert history == [("new", "dismissed", "officer"), ("dismissed", "new", "build")]
