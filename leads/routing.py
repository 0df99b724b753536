"""Which branch gets a lead: the first resolved location's kab/kota, else the province's fallback queue.

Rules (bpjs-jakon-rules.md §6.3 step 7 and §8.3, as the project settled them); each route carries
its basis (``evidence``, ``office_location``, ``inferred_nearest`` with the distance — from the
branch table's kab/kota row — or ``fallback``; None when unrouted):

- the first location (in page order) with a resolved kab/kota decides: the branch serving that
  kab/kota gets the lead; branches serving the package's other locations are listed as ``others``;
- a kab/kota no branch serves → the **fallback** queue of its province (with the province's Kanwil
  when known), flagged as routed by fallback; never dropped;
- no kab/kota resolved but a province known → that province's fallback queue;
- nothing resolved at all → the **unrouted** queue, for an administrator.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from leads.branches_file import BranchRow, Kanwil, province_kanwil

RouteKind = Literal["branch", "fallback", "unrouted"]


@dataclass(frozen=True, slots=True)
class ResolvedLocation:
    """One location of a package as the pipeline stored it (codes None when not resolved)."""

    kabkota_code: str | None
    province_code: str | None


@dataclass(frozen=True, slots=True)
class Route:
    """Where a lead goes. ``branch_code`` is set for kind ``branch``; ``province_code`` for ``fallback``."""

    kind: RouteKind
    branch_code: str | None
    kabkota_code: str | None
    province_code: str | None
    kanwil: str | None
    others: tuple[str, ...] = ()
    basis: str | None = None
    distance_km: float | None = None


class BranchTable:
    """kab/kota → branch (with the basis of each row) and branch → Kanwil, plus province → Kanwil.

    ``basis``: kab/kota → (route basis, distance km); a kab/kota missing there is ``evidence``.
    """

    def __init__(
        self,
        coverage: Mapping[str, str],
        branch_kanwil: Mapping[str, str | None] | None = None,
        provinces: Mapping[str, Kanwil] | None = None,
        basis: Mapping[str, tuple[str, float | None]] | None = None,
    ) -> None:
        self.coverage = dict(coverage)
        self.branch_kanwil = dict(branch_kanwil or {})
        self.provinces = dict(province_kanwil() if provinces is None else provinces)
        self.basis = dict(basis or {})

    @classmethod
    def from_rows(cls, rows: Iterable[BranchRow]) -> BranchTable:
        """Build from the rows of a branch table file."""
        coverage: dict[str, str] = {}
        kanwil: dict[str, str | None] = {}
        for row in rows:
            kanwil[row.branch_code] = row.kanwil
            for code in row.kabkota_codes:
                coverage[code] = row.branch_code
        return cls(coverage, kanwil)


def route(locations: Sequence[ResolvedLocation], table: BranchTable) -> Route:
    """The route of a package from its locations in page order (see the module rules)."""
    codes = [(loc.kabkota_code, loc.province_code) for loc in locations if loc.kabkota_code]
    if codes:
        kabkota, province_code = codes[0]
        province = province_code or kabkota[:2]
        branch = table.coverage.get(kabkota)
        others = tuple(
            dict.fromkeys(
                b for b in (table.coverage.get(c) for c, _ in codes[1:]) if b is not None and b != branch
            )
        )
        if branch is not None:
            kanwil = table.branch_kanwil.get(branch) or _province_kanwil(table, province)
            basis, km = table.basis.get(kabkota, ("evidence", None))
            return Route("branch", branch, kabkota, province, kanwil, others, basis, km)
        kanwil = _province_kanwil(table, province)
        return Route("fallback", None, kabkota, province, kanwil, others, "fallback")
    province = next((loc.province_code for loc in locations if loc.province_code), None)
    if province is not None:
        return Route("fallback", None, None, province, _province_kanwil(table, province), (), "fallback")
    return Route("unrouted", None, None, None, None)


def _province_kanwil(table: BranchTable, province: str | None) -> str | None:
    """The Kanwil name of a province, or None when the table has none."""
    kanwil = table.provinces.get(province or "")
    return kanwil.name if kanwil else None
