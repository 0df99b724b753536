"""What the leads build reads: slices of packages with their winners, stages, locations and leads.

Plain tuples straight from the driver (``leads.bulk``), one id range or id list at a time, so memory
stays bounded at a million packages. Column orders are fixed by the SQL here; ``leads.lead_compute``
indexes into them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from leads.bulk import Bulk, grouped, parts

#: Jenis pengadaan in scope (bpjs-jakon-rules.md §2), compared as whole values.
CONSTRUCTION_CATEGORIES: tuple[str, ...] = (
    "Pekerjaan Konstruksi",
    "Pekerjaan Konstruksi Terintegrasi",
    "Jasa Konsultansi Badan Usaha Konstruksi",
)
#: Package ids per range read in a full pass.
CHUNK = 20_000

REGISTRY_SQL = (
    "SELECT id, registration_no, project_name, contractor_name, npwp, contract_value, registered_on, "
    "tender_code FROM registrations ORDER BY id"
)
_PACKAGES_SQL = (
    "SELECT p.id, p.site_id, p.code, p.list, p.name, p.fiscal_year, p.budget_value, p.estimate_value, "
    "p.contract_value, p.last_changed, p.category FROM packages p WHERE {where} ORDER BY p.id"
)
_WINNERS_SQL = (
    "SELECT package_id, kind, contractor_id, name, npwp, offer_value, corrected_value, negotiated_value, "
    "contract_value FROM package_winners WHERE {where} ORDER BY package_id, kind, position"
)
_STAGES_SQL = (
    "SELECT package_id, name, start FROM package_stages WHERE {where} AND lower(name) LIKE ? "
    "ORDER BY package_id, position"
)
_LOCATIONS_SQL = (
    "SELECT package_id, kabkota_code, kabkota_name, province_code, province_name FROM package_locations "
    "WHERE {where} ORDER BY package_id, position"
)
_LEADS_SQL = "SELECT package_id, id, status, source_changed, {columns} FROM leads WHERE {where}"
_CHANGED_SQL = (
    "SELECT p.id FROM packages p LEFT JOIN leads l ON l.package_id = p.id WHERE "
    "(l.id IS NOT NULL AND (l.source_changed IS NULL OR l.source_changed != p.last_changed)) OR "
    "(l.id IS NULL AND p.category IN {categories} AND (p.contract_value IS NOT NULL OR "
    "EXISTS (SELECT 1 FROM package_winners w WHERE w.package_id = p.id))) ORDER BY p.id"
)
UNCHANGED_SQL = (
    "SELECT l.route, count(*) FROM leads l JOIN packages p ON p.id = l.package_id "
    "WHERE l.source_changed = p.last_changed GROUP BY l.route"
)


@dataclass
class Slice:
    """The rows of one slice of packages: packages, winners, signing stages, locations, existing leads.

    Stored leads are (package_id, id, status, source_changed, *computed columns).
    """

    packages: list[tuple]
    winners: dict[int, list[tuple]]
    stages: dict[int, list[tuple]]
    locations: dict[int, list[tuple]]
    leads: dict[int, tuple]


class SliceReader:
    """Reads slices of packages and the stored leads' ``columns`` with one ``Bulk``."""

    def __init__(self, bulk: Bulk, columns: Sequence[str]) -> None:
        self.bulk = bulk
        self._leads_columns = ", ".join(f'"{c}"' if c == "value" else c for c in columns)

    def ranges(self) -> Iterator[Slice]:
        """Every in-scope package, by id range."""
        bounds = self.bulk.rows("SELECT min(id), max(id) FROM packages")[0]
        if bounds[0] is None:
            return
        low = bounds[0] - 1
        while low < bounds[1]:
            high = low + CHUNK
            yield self._read("{col} > ? AND {col} <= ?", (low, high), in_scope=True)
            low = high

    def listed(self, ids: Sequence[int]) -> Iterator[Slice]:
        """The packages ``ids`` (any scope), in slices."""
        for part in parts(ids):
            yield self._read("{col} IN " + self.bulk.in_list(part), tuple(part), in_scope=False)

    def _read(self, where: str, params: tuple, *, in_scope: bool) -> Slice:
        """One slice: the packages first (their ``last_changed`` is never newer than the rows after)."""
        rows = self.bulk.rows
        package_where = where.format(col="p.id")
        package_params: tuple = params
        if in_scope:
            package_where += " AND p.category IN " + self.bulk.in_list(CONSTRUCTION_CATEGORIES)
            package_params = (*params, *CONSTRUCTION_CATEGORIES)
        packages = rows(_PACKAGES_SQL.format(where=package_where), package_params)
        child = where.format(col="package_id")
        return Slice(
            packages=packages,
            winners=grouped(rows(_WINNERS_SQL.format(where=child), params)),
            stages=grouped(rows(_STAGES_SQL.format(where=child), (*params, "%kontrak%"))),
            locations=grouped(rows(_LOCATIONS_SQL.format(where=child), params)),
            leads={
                r[0]: r for r in rows(_LEADS_SQL.format(columns=self._leads_columns, where=child), params)
            },
        )

    def changed_ids(self) -> list[int]:
        """Packages that are new candidates or changed since their lead was built."""
        sql = _CHANGED_SQL.format(categories=self.bulk.in_list(CONSTRUCTION_CATEGORIES))
        return [r[0] for r in self.bulk.rows(sql, CONSTRUCTION_CATEGORIES)]
