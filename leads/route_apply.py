"""Routing applied in the leads build: the stored branch table, and a package's route columns.

``leads.routing`` decides where one package goes; this module loads the table it decides with and
turns the decision into the lead's route columns, cached per distinct set of locations (a million
packages share a few thousand location sets).
"""

from __future__ import annotations

from sqlalchemy import Connection, select

from leads.models import Branch, BranchKabkota
from leads.routing import BranchTable, ResolvedLocation, route


def load_branch_table(connection: Connection) -> BranchTable:
    """The branch table as stored (kab/kota → branch with its basis, branch → Kanwil)."""
    coverage: dict[str, str] = {}
    basis: dict[str, tuple[str, float | None]] = {}
    for kab, branch, how, km in connection.execute(
        select(
            BranchKabkota.kabkota_code,
            BranchKabkota.branch_code,
            BranchKabkota.route_basis,
            BranchKabkota.distance_km,
        )
    ):
        coverage[kab] = branch
        basis[kab] = (how, km)
    kanwil = dict(connection.execute(select(Branch.code, Branch.kanwil)).all())
    return BranchTable(coverage, kanwil, basis=basis)


class RouteCache:
    """Route columns of a package's locations, computed once per distinct location set."""

    #: The lead columns a route fills, in this order.
    COLUMNS: tuple[str, ...] = (
        "route",
        "branch_code",
        "route_basis",
        "route_distance_km",
        "other_branches",
        "kanwil",
        "kabkota_code",
        "kabkota_name",
        "province_code",
        "province_name",
    )

    def __init__(self, table: BranchTable) -> None:
        self.table = table
        self._routes: dict[tuple, tuple] = {}

    def columns(self, locations: list[tuple]) -> tuple:
        """``COLUMNS`` of locations read as (package_id, kab/kota code and name, province code and name)."""
        key = tuple(loc[1:] for loc in locations)
        found = self._routes.get(key)
        if found is not None:
            return found
        where = route([ResolvedLocation(loc[1], loc[3]) for loc in locations], self.table)
        first = next((loc for loc in locations if loc[1] == where.kabkota_code and loc[1]), None)
        province_name = next((loc[4] for loc in locations if loc[3] == where.province_code), None)
        found = self._routes[key] = (
            where.kind,
            where.branch_code,
            where.basis,
            where.distance_km,
            ";".join(where.others) or None,
            where.kanwil,
            where.kabkota_code,
            first[2] if first is not None else None,
            where.province_code,
            province_name,
        )
        return found
