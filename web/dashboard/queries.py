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
from leads.summary_models import SummaryCell, SummaryContractor, SummaryRegDays, SummaryState

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

    def where(self, table: Any = SummaryCell) -> ColumnElement[bool]:
        """SQL condition on a summary table's rows (its ``kanwil`` and ``branch_code``) of this scope."""
        if self.level == "kanwil":
            return table.kanwil == self.key
        if self.level == "branch":
            return table.branch_code == self.key
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
MEASURE_KEYS = ("leads", "open", "registered", "overdue", "open_contribution", "registered_contribution")
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
        key: _money(getattr(row, key)) if key.endswith("contribution") else int(getattr(row, key))
        for key in MEASURE_KEYS
    }


def _add(into: dict[str, Any], row: dict[str, Any]) -> None:
    for key in MEASURE_KEYS:
        into[key] = into.get(key, 0) + row[key]


def areas(connection: Connection, scope: Scope) -> list[dict[str, Any]]:
    """The scope's figures per (branch, Kanwil, route, kab/kota): one grouped read of the cells."""
    dims = (SummaryCell.branch_code, SummaryCell.kanwil, SummaryCell.route, SummaryCell.kabkota_code)
    rows = connection.execute(select(*dims, *_MEASURES).where(scope.where()).group_by(*dims)).all()
    return [
        {
            "branch_code": r.branch_code,
            "kanwil": r.kanwil,
            "route": r.route,
            "kabkota_code": r.kabkota_code,
            **_measures(r),
        }
        for r in rows
    ]


def totals(area_rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Headline figures of the scope."""
    out: dict[str, Any] = {
        key: Decimal("0.00") if key.endswith("contribution") else 0 for key in MEASURE_KEYS
    }
    for row in area_rows:
        _add(out, row)
    return out


def by_branch(area_rows: Sequence[dict[str, Any]], names: dict[str, str]) -> Table:
    """Leads and estimated contribution per branch; fallback queues per Kanwil; unrouted apart."""
    groups: dict[tuple, dict[str, Any]] = {}
    for row in area_rows:
        key = (row["branch_code"], row["kanwil"] if row["branch_code"] is None else None, row["route"])
        group = groups.setdefault(key, {"kanwil": row["kanwil"]})
        _add(group, row)
    out = []
    for (branch, _, route), group in groups.items():
        if branch is not None:
            label = f"{branch} {names.get(branch, '')}".strip()
        elif route == "fallback":
            label = f"Antrian provinsi, Kanwil {group['kanwil'] or '?'}"
        else:
            label = "Lokasi belum dikenali"
        measures = {key: group[key] for key in MEASURE_KEYS}
        out.append({"branch": branch or "", "label": label, "kanwil": group["kanwil"] or "", **measures})
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


def branch_names(connection: Connection) -> dict[str, str]:
    """Branch code → name."""
    return dict(connection.execute(select(Branch.code, Branch.name)).all())


def by_kabkota(area_rows: Sequence[dict[str, Any]], names: dict[str, str]) -> Table:
    """Leads and estimated contribution per kab/kota (``names``: code → name, from the map asset)."""
    groups: dict[str, dict[str, Any]] = {}
    for row in area_rows:
        _add(groups.setdefault(row["kabkota_code"] or "", {}), row)
    out = [
        {"kabkota_code": code, "kabkota": names.get(code, "Lokasi belum dikenali"), **group}
        for code, group in groups.items()
    ]
    out.sort(key=lambda r: (-r["open_contribution"], -r["open"], r["kabkota_code"]))
    return Table(
        "kabkota",
        "Lead dan estimasi iuran per kabupaten/kota",
        (("kabkota_code", "Kode"), ("kabkota", "Kabupaten/kota"), *_MEASURE_COLUMNS),
        out,
    )


def stages(connection: Connection, scope: Scope) -> list[tuple[int, int, int, Decimal]]:
    """(furthest stage reached, overdue bucket, leads, contribution) of the scope."""
    rows = connection.execute(
        select(
            SummaryCell.reached,
            SummaryCell.overdue,
            func.sum(SummaryCell.leads),
            func.sum(SummaryCell.contribution),
        )
        .where(scope.where())
        .group_by(SummaryCell.reached, SummaryCell.overdue)
    ).all()
    return [(int(r[0]), int(r[1]), int(r[2]), _money(r[3])) for r in rows]


def reg_days(connection: Connection, scope: Scope) -> list[tuple[int, int]]:
    """(whole days from first build to registration, registered leads), by days."""
    rows = connection.execute(
        select(SummaryRegDays.days, func.sum(SummaryRegDays.leads))
        .where(scope.where(SummaryRegDays))
        .group_by(SummaryRegDays.days)
        .order_by(SummaryRegDays.days)
    ).all()
    return [(int(d), int(n)) for d, n in rows]


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


def _share(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(100.0 * part / whole, 1)


def funnel(
    stage_rows: Sequence[tuple[int, int, int, Decimal]], histogram: Sequence[tuple[int, int]]
) -> tuple[Table, float | None]:
    """Leads that reached each stage (a later stage counts the earlier ones), conversions, median days.

    The median is over registered leads: whole days from the lead's first build to registration.
    """
    total = sum(n for _, _, n, _ in stage_rows)
    rows = []
    previous = None
    for status, label in FUNNEL:
        rank = FUNNEL_RANK[status]
        count = total if rank == 0 else sum(n for r, _, n, _ in stage_rows if r >= rank)
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
    return table, _median(histogram)


def overdue(stage_rows: Sequence[tuple[int, int, int, Decimal]]) -> Table:
    """Open leads past their registration deadline, by how late."""
    out = []
    for bucket, label in OVERDUE_LABELS.items():
        out.append(
            {
                "bucket": label,
                "leads": sum(n for _, b, n, _ in stage_rows if b == bucket),
                "contribution": sum((m for _, b, _, m in stage_rows if b == bucket), Decimal("0.00")),
            }
        )
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
