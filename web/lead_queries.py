"""The lead list as the workbench reads it: ``leads list`` columns plus ``id``, limited to a scope.

Same columns and names as the ``lead_list`` view (``LEAD_COLUMNS``), selected from the tables
so the scope (which uses the lead's Kanwil) and the id are at hand. Tabs are the officer's
work queues; search looks in package, agency, contractor and NPWP.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from leads.lead_row import LEAD_COLUMNS
from leads.models import CLOSED_STATUSES, OPEN_STATUSES, STATUSES, Lead
from pipeline.models import Package, Site

#: The list's tabs in page order: key → condition on Lead.
TABS: dict[str, ColumnElement[bool]] = {
    "new": Lead.status == "new",
    "sent": Lead.status == "sent",
    "contacted": Lead.status == "contacted",
    "overdue": and_(Lead.status.in_(OPEN_STATUSES), Lead.days_overdue > 0),
    "closed": Lead.status.in_(CLOSED_STATUSES),
}
TAB_LABELS: dict[str, str] = {
    "new": "Baru",
    "sent": "Terkirim",
    "contacted": "Dihubungi",
    "overdue": "Lewat tenggat",
    "closed": "Selesai",
}
#: API `status` values besides a single status (as `leads list --status`).
API_STATUS_CHOICES: tuple[str, ...] = ("open", "all", *STATUSES)

_COLUMN_SOURCES: dict[str, Any] = {
    "site": Site.url,
    "code": Package.code,
    "name": Package.name,
    "category": Package.category,
    "agency": Package.agency,
    "work_unit": Package.work_unit,
    "kabkota_code": Lead.kabkota_code,
    "kabkota": Lead.kabkota_name,
    "province": Lead.province_name,
    "branch": Lead.branch_code,
    "route_basis": Lead.route_basis,
    "route_distance_km": Lead.route_distance_km,
    "contractor_name": Lead.contractor_name,
    "contractor_npwp": Lead.contractor_npwp,
    "value": Lead.value,
    "value_basis": Lead.value_basis,
    "jkk": Lead.jkk,
    "jkm": Lead.jkm,
    "estimated_contribution": Lead.total,
    "contract_signed_on": Lead.signed_on,
    "deadline": Lead.deadline,
    "days_overdue": Lead.days_overdue,
    "score": Lead.score,
    "status": Lead.status,
    "url": Lead.url,
    "source": func.coalesce(Package.source, "spse"),
}
assert tuple(_COLUMN_SOURCES) == LEAD_COLUMNS, "the workbench must list the `leads list` columns in order"
_DIGITS = re.compile(r"\D")


@dataclass(frozen=True)
class LeadFilter:
    """What a list shows: the scope (SQL), a tab or status, search text, kab/kota, branch, since."""

    scope: ColumnElement[bool]
    tab: str | None = None
    status: str | None = None  # API: one status, "open" or "all"
    q: str = ""
    kabkota: str | None = None
    branch: str | None = None
    since: dt.datetime | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        """The WHERE conditions (scope first)."""
        where = [self.scope]
        if self.tab:
            where.append(TABS[self.tab])
        if self.status == "open":
            where.append(Lead.status.in_(OPEN_STATUSES))
        elif self.status and self.status != "all":
            where.append(Lead.status == self.status)
        if self.kabkota:
            where.append(Lead.kabkota_code == self.kabkota)
        if self.branch:
            where.append(Lead.branch_code == self.branch)
        if self.since is not None:
            where.append(Lead.first_built >= self.since)
        text = self.q.strip()
        if text:
            terms = [
                Package.name.icontains(text, autoescape=True),
                Package.agency.icontains(text, autoescape=True),
                Package.work_unit.icontains(text, autoescape=True),
                Lead.contractor_name.icontains(text, autoescape=True),
                Package.code == text,
            ]
            digits = _DIGITS.sub("", text)
            if len(digits) >= 6:  # an NPWP typed with or without dots and dashes
                terms.append(
                    func.replace(func.replace(Lead.contractor_npwp, ".", ""), "-", "").contains(digits)
                )
            else:
                terms.append(Lead.contractor_npwp.icontains(text, autoescape=True))
            where.append(or_(*terms))
        return where


def _base(columns: Sequence[Any]) -> Select:
    return (
        select(*columns)
        .select_from(Lead)
        .join(Package, Package.id == Lead.package_id)
        .join(Site, Site.id == Package.site_id)
    )


def lead_select(where: LeadFilter) -> Select:
    """``id`` + ``LEAD_COLUMNS`` of the leads matching ``where``, highest score first."""
    columns = [Lead.id.label("id"), *(source.label(name) for name, source in _COLUMN_SOURCES.items())]
    return _base(columns).where(*where.conditions()).order_by(Lead.score.desc(), Lead.id)


def page_of_leads(session: Session, where: LeadFilter, page: int, size: int) -> list[dict[str, Any]]:
    """One page (1-based) of leads as dicts (``id`` + ``LEAD_COLUMNS``)."""
    query = lead_select(where).limit(size).offset((max(page, 1) - 1) * size)
    return [dict(row._mapping) for row in session.execute(query)]


def count_leads(session: Session, where: LeadFilter) -> int:
    """How many leads match."""
    return session.execute(_base([func.count()]).where(*where.conditions())).scalar_one()


def tab_counts(session: Session, scope: ColumnElement[bool]) -> dict[str, int]:
    """Leads per tab within the scope, in one query over the scope's leads."""
    counts = [func.count().filter(condition).label(name) for name, condition in TABS.items()]
    row = session.execute(select(*counts).select_from(Lead).where(scope)).one()
    return dict(row._mapping)


def kabkota_choices(session: Session, scope: ColumnElement[bool]) -> list[tuple[str, str]]:
    """(code, name) of every kab/kota with a lead in the scope, by name."""
    query = (
        select(Lead.kabkota_code, func.min(Lead.kabkota_name))
        .where(scope, Lead.kabkota_code.is_not(None))
        .group_by(Lead.kabkota_code)
        .order_by(func.min(Lead.kabkota_name))
    )
    return [(code, name or code) for code, name in session.execute(query)]


def export_rows(session: Session, where: LeadFilter) -> Iterator[list[Any]]:
    """Every matching lead as a ``LEAD_COLUMNS`` row (for CSV / XLSX)."""
    for row in session.execute(lead_select(where)):
        yield [row._mapping[name] for name in LEAD_COLUMNS]


def lead_in_scope(session: Session, lead_id: int, scope: ColumnElement[bool]) -> dict[str, Any] | None:
    """One lead (``id`` + ``LEAD_COLUMNS``) when it exists and is in the scope, else None."""
    row = session.execute(lead_select(LeadFilter(scope)).where(Lead.id == lead_id)).first()
    return None if row is None else dict(row._mapping)


def ids_in_scope(session: Session, ids: Sequence[int], scope: ColumnElement[bool]) -> set[int]:
    """Which of ``ids`` are leads in the scope."""
    if not ids:
        return set()
    return set(session.scalars(select(Lead.id).where(Lead.id.in_(list(ids)), scope)))
