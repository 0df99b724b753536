"""The dashboard's figures for one scope (national, a Kanwil, a branch), read from the lead summary.

Every figure comes from ``leads.summary`` tables, which ``ensure_fresh`` brings up to date first,
so a view costs a few small indexed reads whatever the number of leads. Each function returns a
``Table`` (columns + rows): the page draws a chart from it, shows it, and offers it as CSV.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, case, func, select, true
from sqlalchemy.sql.elements import ColumnElement

from leads.models import Branch
from leads.summary import FUNNEL_RANK, OPEN
from leads.summary_models import SummaryCell, SummaryContractor, SummaryState

LEVELS = ("national", "kanwil", "branch")
#: Funnel stages in order, with their Indonesian names.
FUNNEL = (("new", "Baru"), ("sent", "Terkirim"), ("contacted", "Dihubungi"), ("registered", "Terdaftar"))
OVERDUE_LABELS = {1: "1-7 hari", 2: "8-30 hari", 3: "> 30 hari"}
TOP_CONTRACTORS = 15


@dataclass(frozen=True)
class Scope:
    """Whose leads: ``national`` (key ''), a ``kanwil`` (its name) or a ``branch`` (its code)."""

    level: str
    key: str = ""

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"unknown scope level {self.level!r}")
        if (self.level == "national") != (self.key == ""):
            raise ValueError("a national scope has no key; a Kanwil or branch scope needs one")

    @property
    def label(self) -> str:
        """The scope in Indonesian, for page titles."""
        return {
            "national": "Nasional",
            "kanwil": f"Kanwil {self.key}",
            "branch": f"Kantor cabang {self.key}",
        }[self.level]

    def cells(self) -> ColumnElement[bool]:
        """SQL condition on ``SummaryCell`` rows of this scope."""
        if self.level == "kanwil":
            return SummaryCell.kanwil == self.key
        if self.level == "branch":
            return SummaryCell.branch_code == self.key
        return true()


@dataclass
class Table:
    """A chart's data: ``columns`` are (key, Indonesian label); rows are dicts by key."""

    name: str
    title: str
    columns: Sequence[tuple[str, str]]
    rows: list[dict[str, Any]] = field(default_factory=list)

    def csv_rows(self) -> list[list[Any]]:
        """Header (labels) then values, in column order."""
        return [[label for _, label in self.columns]] + [
            [row.get(k) for k, _ in self.columns] for row in self.rows
        ]


def _sum_if(condition: ColumnElement[bool], measure: ColumnElement) -> ColumnElement:
    return func.coalesce(func.sum(case((condition, measure), else_=0)), 0)


_OPEN = SummaryCell.status.in_(OPEN)
_MEASURES = (
    func.coalesce(func.sum(SummaryCell.leads), 0).label("leads"),
    _sum_if(_OPEN, SummaryCell.leads).label("open"),
    _sum_if(SummaryCell.status == "registered", SummaryCell.leads).label("registered"),
    _sum_if(SummaryCell.overdue > 0, SummaryCell.leads).label("overdue"),
    _sum_if(_OPEN, SummaryCell.contribution).label("open_contribution"),
    _sum_if(SummaryCell.status == "registered", SummaryCell.contribution).label("registered_contribution"),
)
_MEASURE_COLUMNS = (
    ("leads", "Lead"),
    ("open", "Terbuka"),
    ("overdue", "Lewat tenggat"),
    ("registered", "Terdaftar"),
    ("open_contribution", "Estimasi iuran terbuka (Rp)"),
    ("registered_contribution", "Iuran terdaftar (Rp)"),
)


def _money(value: Any) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def _measures(row: Any) -> dict[str, Any]:
    return {
        "leads": int(row.leads),
        "open": int(row.open),
        "registered": int(row.registered),
        "overdue": int(row.overdue),
        "open_contribution": _money(row.open_contribution),
        "registered_contribution": _money(row.registered_contribution),
    }


def totals(connection: Connection, scope: Scope) -> dict[str, Any]:
    """Headline figures of the scope."""
    return _measures(connection.execute(select(*_MEASURES).where(scope.cells())).one())


def by_branch(connection: Connection, scope: Scope) -> Table:
    """Leads and estimated contribution per branch; fallback queues per Kanwil; unrouted apart."""
    rows = connection.execute(
        select(SummaryCell.branch_code, SummaryCell.kanwil, SummaryCell.route, *_MEASURES)
        .where(scope.cells())
        .group_by(SummaryCell.branch_code, SummaryCell.kanwil, SummaryCell.route)
    ).all()
    names = dict(connection.execute(select(Branch.code, Branch.name)).all())
    out = []
    for row in rows:
        if row.branch_code is not None:
            label = f"{row.branch_code} {names.get(row.branch_code, '')}".strip()
        elif row.route == "fallback":
            label = f"Antrian provinsi, Kanwil {row.kanwil or '?'}"
        else:
            label = "Lokasi belum dikenali"
        out.append(
            {"branch": row.branch_code or "", "label": label, "kanwil": row.kanwil or "", **_measures(row)}
        )
    out.sort(key=lambda r: (-r["open_contribution"], -r["open"], r["label"]))
    return Table(
        "cabang",
        "Lead dan estimasi iuran per kantor cabang",
        (
            ("branch", "Kode cabang"),
            ("label", "Kantor cabang / antrian"),
            ("kanwil", "Kanwil"),
            *_MEASURE_COLUMNS,
        ),
        out,
    )


def by_kabkota(connection: Connection, scope: Scope, names: dict[str, str]) -> Table:
    """Leads and estimated contribution per kab/kota (``names``: code → name, from the map asset)."""
    rows = connection.execute(
        select(SummaryCell.kabkota_code, *_MEASURES).where(scope.cells()).group_by(SummaryCell.kabkota_code)
    ).all()
    out = [
        {
            "kabkota_code": row.kabkota_code or "",
            "kabkota": names.get(row.kabkota_code or "", "Lokasi belum dikenali"),
            **_measures(row),
        }
        for row in rows
    ]
    out.sort(key=lambda r: (-r["open_contribution"], -r["open"], r["kabkota_code"]))
    return Table(
        "kabkota",
        "Lead dan estimasi iuran per kabupaten/kota",
        (("kabkota_code", "Kode"), ("kabkota", "Kabupaten/kota"), *_MEASURE_COLUMNS),
        out,
    )


def _median(histogram: Sequence[tuple[int, int]]) -> float | None:
    """Median of values given as (value, count) pairs sorted by value."""
    total = sum(n for _, n in histogram)
    if total == 0:
        return None
    wanted = [(total - 1) // 2, total // 2]
    found: list[int] = []
    seen = 0
    for value, count in histogram:
        while wanted and wanted[0] < seen + count:
            found.append(value)
            wanted.pop(0)
        seen += count
    return (found[0] + found[1]) / 2


def funnel(connection: Connection, scope: Scope) -> tuple[Table, float | None]:
    """Leads that reached each stage (a later stage counts the earlier ones), conversions, median days.

    The median is over registered leads: whole days from the lead's first build to registration.
    """
    reached = dict(
        connection.execute(
            select(SummaryCell.reached, func.sum(SummaryCell.leads))
            .where(scope.cells())
            .group_by(SummaryCell.reached)
        ).all()
    )
    total = sum(int(n) for n in reached.values())
    rows = []
    previous = None
    for status, label in FUNNEL:
        rank = FUNNEL_RANK[status]
        count = total if rank == 0 else sum(int(n) for r, n in reached.items() if r >= rank)
        rows.append(
            {
                "stage": status,
                "label": label,
                "leads": count,
                "from_previous": None if previous is None else _share(count, previous),
                "from_start": _share(count, total),
            }
        )
        previous = count
    histogram = connection.execute(
        select(SummaryCell.reg_days, func.sum(SummaryCell.leads))
        .where(scope.cells(), SummaryCell.reg_days.is_not(None))
        .group_by(SummaryCell.reg_days)
        .order_by(SummaryCell.reg_days)
    ).all()
    table = Table(
        "corong",
        "Corong lead: baru → terkirim → dihubungi → terdaftar",
        (
            ("label", "Tahap"),
            ("leads", "Lead yang mencapai tahap ini"),
            ("from_previous", "Konversi dari tahap sebelumnya (%)"),
            ("from_start", "Dari semua lead (%)"),
        ),
        rows,
    )
    return table, _median([(int(d), int(n)) for d, n in histogram])


def _share(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(100.0 * part / whole, 1)


def overdue(connection: Connection, scope: Scope) -> Table:
    """Open leads past their registration deadline, by how late."""
    rows = dict(
        (r.overdue, r)
        for r in connection.execute(
            select(
                SummaryCell.overdue,
                func.sum(SummaryCell.leads).label("leads"),
                func.sum(SummaryCell.contribution).label("contribution"),
            )
            .where(scope.cells(), SummaryCell.overdue > 0)
            .group_by(SummaryCell.overdue)
        ).all()
    )
    out = [
        {
            "bucket": label,
            "leads": int(rows[b].leads) if b in rows else 0,
            "contribution": _money(rows[b].contribution if b in rows else 0),
        }
        for b, label in OVERDUE_LABELS.items()
    ]
    return Table(
        "tunggakan",
        "Lead terbuka yang lewat tenggat pendaftaran",
        (("bucket", "Terlambat"), ("leads", "Lead"), ("contribution", "Estimasi iuran (Rp)")),
        out,
    )


def top_contractors(connection: Connection, scope: Scope, limit: int = TOP_CONTRACTORS) -> Table:
    """Contractors with the most open (unregistered, not dismissed) leads in the scope."""
    rows = connection.execute(
        select(SummaryContractor.__table__)
        .where(SummaryContractor.level == scope.level, SummaryContractor.scope_key == scope.key)
        .order_by(SummaryContractor.leads.desc(), SummaryContractor.contribution.desc())
        .limit(limit)
    ).all()
    out = [
        {
            "contractor": r.contractor_name or "(tanpa nama)",
            "npwp": r.contractor_npwp or "",
            "leads": r.leads,
            "contribution": _money(r.contribution),
        }
        for r in rows
    ]
    return Table(
        "kontraktor",
        "Kontraktor dengan proyek belum terdaftar terbanyak",
        (
            ("contractor", "Kontraktor"),
            ("npwp", "NPWP"),
            ("leads", "Lead terbuka"),
            ("contribution", "Estimasi iuran (Rp)"),
        ),
        out,
    )


def summary_time(connection: Connection) -> dt.datetime | None:
    """When the summary was last brought up to date."""
    return connection.execute(select(SummaryState.refreshed_at).where(SummaryState.id == 1)).scalar()
