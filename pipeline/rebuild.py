"""Rebuild package records (docs/package-format.md) from the typed columns and child rows.

Used by the writer (to compare a new crawl with the stored state) and by the export, so what
is exported is exactly what the diff saw. Nothing here reads a stored copy of the record.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Row, select

from pipeline.models import (
    Package,
    PackageFlag,
    PackageLocation,
    PackageRupCode,
    PackageStage,
    PackageWinner,
    Site,
)
from pipeline.record import SCALAR_FIELDS, STAGE_FIELDS, WINNER_FIELDS, Record

_CHUNK = 500
#: Record key of each winner kind.
WINNER_KINDS = {"winner": "winners", "contract": "contract_winners"}

#: Columns selected for rebuilding a package (its id and site URL first).
PACKAGE_COLUMNS = (
    Package.id,
    Site.url.label("site"),
    Package.code,
    *(getattr(Package, name) for name in SCALAR_FIELDS),
)


def package_query() -> Any:
    """SELECT of the columns `rebuild_records` needs, joined to the site URL; add WHERE/ORDER as needed."""
    return select(*PACKAGE_COLUMNS).join(Site, Site.id == Package.site_id)


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    """Id slices below every database's bound-parameter limit."""
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def _children(connection: Connection, model: Any, ids: Sequence[int]) -> dict[int, list[Row[Any]]]:
    """Child rows of `model` for the package ids, grouped by package and in position order."""
    grouped: dict[int, list[Row[Any]]] = {}
    order = (
        [model.package_id, model.kind, model.position]
        if model is PackageWinner
        else [
            model.package_id,
            model.position,
        ]
    )
    for chunk in _chunks(ids):
        for row in connection.execute(
            select(model.__table__).where(model.package_id.in_(chunk)).order_by(*order)
        ):
            grouped.setdefault(row.package_id, []).append(row)
    return grouped


def _present(row: Row[Any], keys: Sequence[str]) -> dict[str, Any]:
    """The keys of `row` that hold a value (absent values are left out, never null)."""
    mapping = row._mapping
    return {key: mapping[key] for key in keys if mapping[key] is not None}


def rebuild_records(connection: Connection, packages: Sequence[Row[Any]]) -> dict[int, Record]:
    """Package id → record, for rows selected with `package_query()`."""
    ids = [row.id for row in packages]
    flags = _children(connection, PackageFlag, ids)
    locations = _children(connection, PackageLocation, ids)
    stages = _children(connection, PackageStage, ids)
    winners = _children(connection, PackageWinner, ids)
    rup_codes = _children(connection, PackageRupCode, ids)
    out: dict[int, Record] = {}
    for row in packages:
        record: Record = {"site": row.site, "code": row.code, **_present(row, SCALAR_FIELDS)}
        record["flags"] = [f.flag for f in flags.get(row.id, [])]
        # Derived locations (from the plan or the satker) were not shown by the channel.
        record["locations"] = [loc.raw for loc in locations.get(row.id, []) if loc.derived_from is None]
        record["stages"] = [_present(s, STAGE_FIELDS) for s in stages.get(row.id, [])]
        record["winners"] = []
        record["contract_winners"] = []
        for w in winners.get(row.id, []):
            record[WINNER_KINDS[w.kind]].append(_present(w, WINNER_FIELDS))
        if row.id in rup_codes:
            record["rup_codes"] = [r.rup_code for r in rup_codes[row.id]]
        out[row.id] = record
    return out


def records_by_key(connection: Connection, packages: Sequence[Row[Any]]) -> Mapping[tuple[str, str], Record]:
    """(site, code) → record, for rows selected with `package_query()`."""
    by_id = rebuild_records(connection, packages)
    return {(r["site"], r["code"]): r for r in by_id.values()}
