"""One lead as officers and analysts see it: the columns of `leads list` and the `lead_list` view.

Digests, exports and the SQL view all use these names in this order, so an officer's Excel,
an analyst's query and the e-mail table say the same thing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from decimal import Decimal

LEAD_COLUMNS: tuple[str, ...] = (
    "site",
    "code",
    "name",
    "category",
    "agency",
    "work_unit",
    "kabkota_code",
    "kabkota",
    "province",
    "branch",
    "route_basis",
    "route_distance_km",
    "contractor_name",
    "contractor_npwp",
    "value",
    "value_basis",
    "jkk",
    "jkm",
    "estimated_contribution",
    "contract_signed_on",
    "deadline",
    "days_overdue",
    "score",
    "status",
    "url",
    "source",
)


@dataclass(frozen=True, slots=True)
class LeadRow:
    """A lead in its reading form. Money is exact rupiah; absent facts are None, never guessed."""

    site: str
    code: str
    name: str
    category: str
    agency: str | None
    work_unit: str | None
    kabkota_code: str | None
    kabkota: str | None
    province: str | None
    branch: str | None  # branch code; None while in a province fallback queue
    route_basis: str | None  # evidence, office_location, inferred_nearest, fallback (None: unrouted)
    route_distance_km: float | None  # inferred_nearest: km from the kab/kota to the office's kab/kota
    contractor_name: str | None
    contractor_npwp: str | None  # normalised; masked NPWPs stay masked
    value: Decimal | None
    value_basis: str | None  # which value was used: contract_value, corrected_value, …, budget_value
    jkk: Decimal | None
    jkm: Decimal | None
    estimated_contribution: Decimal | None
    contract_signed_on: dt.date | None
    deadline: dt.date | None
    days_overdue: int | None
    score: float
    status: str  # new, sent, contacted, registered, dismissed
    url: str  # the package's announcement page on its SPSE site (e-Katalog: data.inaproc.id/realisasi)
    source: str = "spse"  # the channel the package came from: spse, ekatalog (docs/package-format.md)

    def as_dict(self) -> dict[str, object]:
        """The row as an ordered mapping of LEAD_COLUMNS (for JSON lines, CSV and XLSX)."""
        return {name: getattr(self, name) for name in LEAD_COLUMNS}


assert tuple(f.name for f in fields(LeadRow)) == LEAD_COLUMNS, "LeadRow must follow LEAD_COLUMNS"
