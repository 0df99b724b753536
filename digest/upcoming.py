"""The "akan datang" part of a branch digest: the largest planned construction (SiRUP) in the
branch's kab/kota that has no tender or purchase yet, with its expected procurement month.

Plans are early warning, never leads (no contractor yet). A plan stops being "akan datang" once a
package carrying its RUP code is stored (an SPSE tender or an e-Katalog purchase): the plan then
links to that package (`plan_packages`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, exists, select

from digest.formatting import SHORT_MONTHS, rupiah
from leads.models import BranchKabkota
from pipeline.models import Package, PackageRupCode, Plan, Site

#: Plans shown per branch e-mail.
UPCOMING_ITEMS = 3
#: SiRUP categories of construction (works and construction consultancy).
PLAN_CATEGORIES = ("Pekerjaan Konstruksi", "Jasa Konsultansi Badan Usaha Konstruksi")


@dataclass(frozen=True, slots=True)
class UpcomingView:
    """One planned package as the e-mail shows it."""

    name: str
    agency: str
    work_unit: str
    location: str
    budget: str
    month: str  # "Jul 2026"
    method: str
    rup_code: str


def _month(value: str | None) -> str:
    """`2026-07` → `Jul 2026`; unknown → `–`."""
    if not value or len(value) != 7:
        return "–"
    return f"{SHORT_MONTHS[int(value[5:7]) - 1]} {value[:4]}"


def upcoming_plans(
    connection: Connection, branch_code: str, today: dt.date, limit: int = UPCOMING_ITEMS
) -> list[UpcomingView]:
    """The branch's largest construction plans from this month on that no stored package carries yet."""
    areas = select(BranchKabkota.kabkota_code).where(BranchKabkota.branch_code == branch_code)
    carried = exists().where(PackageRupCode.rup_code == Plan.rup_code)
    columns = (
        Plan.name,
        Plan.agency,
        Plan.work_unit,
        Plan.kabkota_name,
        Plan.location,
        Plan.budget_value,
        Plan.planned_month,
        Plan.method,
        Plan.rup_code,
    )
    query = (
        select(*columns)
        .where(
            Plan.kabkota_code.in_(areas),
            Plan.category.in_(PLAN_CATEGORIES),
            Plan.planned_month >= f"{today.year:04d}-{today.month:02d}",
            ~carried,
        )
        .order_by(Plan.budget_value.desc(), Plan.rup_code)
        .limit(limit)
    )
    return [
        UpcomingView(
            name=row.name,
            agency=row.agency or "–",
            work_unit=row.work_unit or "–",
            location=row.kabkota_name or row.location or "–",
            budget=rupiah(row.budget_value),
            month=_month(row.planned_month),
            method=row.method or "–",
            rup_code=row.rup_code,
        )
        for row in connection.execute(query)
    ]


def plan_packages(connection: Connection, rup_code: str) -> list[tuple[str, str, str | None]]:
    """(site, code, source) of every stored package carrying this RUP code: the plan's tender/purchase."""
    query = (
        select(Site.url, Package.code, Package.source)
        .join(Package, Package.site_id == Site.id)
        .join(PackageRupCode, PackageRupCode.package_id == Package.id)
        .where(PackageRupCode.rup_code == rup_code)
        .order_by(Site.url, Package.code)
    )
    return [(url, code, source) for url, code, source in connection.execute(query)]
