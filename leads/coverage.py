"""How every kab/kota of Indonesia is routed today, per Kanwil and route basis (``branches coverage``).

Each of the 514 kab/kota is routed exactly as a lead located there would be (``leads.routing`` over
the stored table): to a branch (basis ``evidence``, ``office_location`` or ``inferred_nearest``), or
to its Kanwil's fallback queue (``fallback``); ``unrouted`` counts kab/kota that reach neither (a
province without a Kanwil). The KCP check of the starter table's nearest-office rule comes along.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection

from domain.regions import all_kabkota
from leads.route_apply import load_branch_table
from leads.routing import ResolvedLocation, route
from leads.starter import kcp_check
from leads.starter_rules import ROUTE_BASES


@dataclass
class KanwilCoverage:
    """Kab/kota counts of one Kanwil (or of all: the total) by route basis."""

    kabkota: int = 0
    by_basis: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ROUTE_BASES, 0))
    unrouted: int = 0
    imported: int = 0

    def add(self, basis: str | None, imported: bool) -> None:
        """Count one kab/kota."""
        self.kabkota += 1
        if basis is None:
            self.unrouted += 1
        else:
            self.by_basis[basis] += 1
        self.imported += imported


@dataclass
class Coverage:
    """Per Kanwil and in total; ``kcp_check`` is (checked, agree)."""

    kanwil: dict[str, KanwilCoverage]
    total: KanwilCoverage
    kcp_check: tuple[int, int]

    def as_json(self) -> dict[str, object]:
        """``{"kabkota_total", "unrouted", "by_basis", "kcp_check"}`` (the issue 13 shape)."""
        return {
            "kabkota_total": self.total.kabkota,
            "unrouted": self.total.unrouted,
            "by_basis": dict(self.total.by_basis),
            "kcp_check": {"checked": self.kcp_check[0], "agree": self.kcp_check[1]},
        }


def coverage(connection: Connection) -> Coverage:
    """Route every kab/kota of the master list with the stored branch table."""
    table = load_branch_table(connection)
    imported = set(
        connection.exec_driver_sql(
            "SELECT kabkota_code FROM branch_kabkota WHERE origin = 'import'"
        ).scalars()
    )
    per: dict[str, KanwilCoverage] = {}
    total = KanwilCoverage()
    for k in all_kabkota():
        where = route([ResolvedLocation(k.code, k.province_code)], table)
        routed = where.kind == "branch" or (where.kind == "fallback" and where.kanwil is not None)
        basis = where.basis if routed else None
        name = where.kanwil or "(no Kanwil)"
        per.setdefault(name, KanwilCoverage()).add(basis, k.code in imported)
        total.add(basis, k.code in imported)
    return Coverage(dict(sorted(per.items())), total, kcp_check())
