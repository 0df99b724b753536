"""The realisation table as a cross-check: what flows through which channel, which construction
transactions the store has not got (missed), and what reading winners and values from the table
instead of SPSE detail tabs would save.

The table (data.inaproc.id `realisasi/table`, ../shared/docs/inaproc-sources.md §3) has one row per
transaction of a government — tender, non-tender and e-Katalog v6 — with `kode_paket` equal to the
SPSE kode or the e-Katalog id, the provider's name and the value. It has no NPWP, no location and no
contract date, so it cannot replace the announcement and jadwal pages (location, deadline); it can
replace the winner tabs (pemenang, pemenang berkontrak) of packages whose row names a provider.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, select

from crawler.parsers.inaproc import transaction_is_construction
from pipeline.bulkio import chunks
from pipeline.models import Package

#: Rows per realisation page (the most the host is known to honour).
ROWS_PER_REQUEST = 100
#: Detail requests per package the table's provider + value make unnecessary: the winner tab and
#: the contract-winner tab (announcement and jadwal stay: location and signing date are not in it).
WINNER_TABS_PER_PACKAGE = 2


@dataclass
class ChannelFigures:
    """Rows and value of one (channel, construction?) cell."""

    rows: int = 0
    value: Decimal = Decimal(0)


@dataclass
class CrossCheck:
    """What the table says and how the store compares."""

    cells: dict[tuple[str, bool], ChannelFigures] = field(default_factory=lambda: defaultdict(ChannelFigures))
    missed: list[dict[str, Any]] = field(default_factory=list)
    stored: int = 0
    table_requests: int = 0
    detail_requests_saved: int = 0

    def as_json(self) -> dict[str, Any]:
        """JSON-ready figures (money as exact strings)."""
        return {
            "channels": [
                {"channel": ch, "construction": c, "rows": f.rows, "value": str(f.value)}
                for (ch, c), f in sorted(self.cells.items())
            ],
            "construction_stored": self.stored,
            "construction_missed": len(self.missed),
            "missed": [
                {k: str(v) if isinstance(v, Decimal) else v for k, v in m.items()} for m in self.missed
            ],
            "table_requests": self.table_requests,
            "detail_requests_saved": self.detail_requests_saved,
        }


def _plain(value: Any) -> Any:
    """Money as an exact string for JSON."""
    return str(value) if isinstance(value, Decimal) else value


def stored_codes(connection: Connection, codes: Iterable[str]) -> set[str]:
    """The codes among `codes` that some stored package has (any site, any channel)."""
    found: set[str] = set()
    for chunk in chunks(sorted(set(codes))):
        found.update(connection.execute(select(Package.code).where(Package.code.in_(chunk))).scalars())
    return found


def cross_check(rows: Sequence[Mapping[str, Any]], connection: Connection | None = None) -> CrossCheck:
    """Figures per channel; with a database, the construction transactions it has not stored."""
    result = CrossCheck()
    construction = []
    for row in rows:
        is_construction = transaction_is_construction(row)
        cell = result.cells[(row["channel"], is_construction)]
        cell.rows += 1
        cell.value += row.get("value") or Decimal(0)
        if is_construction:
            construction.append(row)
    result.table_requests = -(-len(rows) // ROWS_PER_REQUEST) if rows else 0
    named = [r for r in construction if r["channel"] != "ekatalog" and r.get("provider_name")]
    result.detail_requests_saved = WINNER_TABS_PER_PACKAGE * len(named)
    if connection is not None:
        have = stored_codes(connection, (r["code"] for r in construction))
        result.stored = sum(1 for r in construction if r["code"] in have)
        keys = ("code", "channel", "name", "agency", "provider_name", "value", "rup_codes")
        result.missed = [{k: r[k] for k in keys if k in r} for r in construction if r["code"] not in have]
    return result
