"""How the channels link in the store: an SPSE tender carrying a plan's RUP code takes it off the
"akan datang" list and links to it; an API contract's NPWP-16 becomes the contractor key a masked
SPSE winner of the same firm joins (one contractor, matchable by NPWP)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from digest.upcoming import plan_packages, upcoming_plans
from domain.npwp import npwp_key
from leads.models import Branch, BranchKabkota
from pipeline.models import Contractor, PackageWinner
from pipeline.plan_writer import PlanWriter
from pipeline.writer import PackageWriter
from tests.db.conftest import SITE, make_record

NOW = dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
PLAN = {
    "source": "sirup",
    "site": "https://sirup.inaproc.id",
    "code": "66073387",
    "name": "Pembukaan Jalan Kute Pirak",
    "category": "Pekerjaan Konstruksi",
    "method": "Tender",
    "budget_value": Decimal("950000000"),
    "agency": "Kab. Aceh Tengah",
    "work_unit": "Dinas PUPR",
    "locations": ["Aceh, Aceh Tengah (Kab.)"],
    "planned_month": "2026-04",
    "fiscal_year": 2026,
}


def test_spse_tender_with_the_rup_code_links_to_the_plan(engine):
    writer = PackageWriter(engine, clock=lambda: NOW)
    PlanWriter(engine, writer.site_ids, clock=lambda: NOW).write([PLAN])
    with engine.begin() as connection:
        connection.execute(
            Branch.__table__.insert().values(code="KC-X", name="KC X", emails="", updated_at=NOW)
        )
        connection.execute(BranchKabkota.__table__.insert().values(kabkota_code="11.04", branch_code="KC-X"))
    with engine.connect() as connection:
        before = [p.rup_code for p in upcoming_plans(connection, "KC-X", NOW.date())]
    writer.write([(make_record(code="10133757000", rup_codes=["66073387"]), None)])
    with engine.connect() as connection:
        after = [p.rup_code for p in upcoming_plans(connection, "KC-X", NOW.date())]
        links = plan_packages(connection, "66073387")
    assert (before, after, links) == (
        ["66073387"],
        [],
        [(SITE, "10133757000", None)],
    )


def test_api_npwp16_is_the_key_a_masked_spse_winner_joins(engine):
    full = "0820710333425000"
    key = npwp_key(full)
    masked = "".join(c if i in {0, 1, 3, 6, 11, 12, 15} else "*" for i, c in enumerate(key))
    writer = PackageWriter(engine, clock=lambda: NOW)
    api = make_record(
        site="https://data.inaproc.id",
        source="inaproc-api",
        list="kontrak",
        code="10005990000",
        locations=[],
        contract_winners=[{"name": "CV. RK UTAMA", "npwp": full, "contract_value": Decimal("5380803707.15")}],
    )
    writer.write([(api, None)])
    spse = make_record(code="10005990000", winners=[{"name": "CV RK Utama", "npwp": masked}])
    writer.write([(spse, None)])
    with engine.connect() as connection:
        contractors = connection.execute(select(PackageWinner.contractor_id)).scalars().all()
        keys = connection.execute(select(Contractor.npwp_key)).scalars().all()
    assert (len(set(contractors)), keys) == (1, [key])
