"""The store of SiRUP plans: one row per (site, RUP code), its location resolved to kab/kota, with
first/last seen and last changed; a batch is one transaction.

When a plan is stored for the first time, packages already linked to its RUP code whose location
was only the satker's region get the plan's location instead (and a new `last_changed`, so the
next lead build routes them again).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, delete, select, update

from crawler.parsers.inaproc import sirup_location_query
from pipeline.bulkio import bulk_insert, chunks
from pipeline.contractors import dialect_insert
from pipeline.locations import resolve_location
from pipeline.models import Package, PackageLocation, PackageRupCode, Plan, Site
from pipeline.writer import LOCATION_COLUMNS

#: Plan record keys stored as columns, compared to tell a change.
PLAN_FIELDS = (
    "name",
    "category",
    "method",
    "fiscal_year",
    "funding_source",
    "budget_value",
    "agency",
    "agency_code",
    "work_unit",
    "location",
    "planned_month",
)


@dataclass
class PlanBatch:
    """What one batch of plans did."""

    inserted: int = 0
    changed: int = 0
    unchanged: int = 0
    relinked: int = 0


def _row(record: Mapping[str, Any]) -> dict[str, Any]:
    """The plans-row values of a plan record (location resolved)."""
    row = {name: record.get(name) for name in PLAN_FIELDS if name != "location"}
    location = (record.get("locations") or [None])[0]
    row["location"] = location
    m = resolve_location(sirup_location_query(location) if location else "", record.get("agency"))
    row.update(
        kabkota_code=m.kabkota_code,
        kabkota_name=m.kabkota_name,
        province_code=m.province_code,
        province_name=m.province_name,
        location_confidence=m.confidence,
    )
    return row


class PlanWriter:
    """Writes batches of plan records; `site_ids(connection, urls, now)` is the package writer's."""

    def __init__(
        self,
        engine: Engine,
        site_ids: Callable[[Connection, set[str], dt.datetime], dict[str, int]],
        *,
        run_id: int | None = None,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        self.engine = engine
        self.site_ids = site_ids
        self.run_id = run_id
        self.clock = clock

    def write(self, records: Sequence[Mapping[str, Any]]) -> PlanBatch:
        """Store the plans in one transaction."""
        result = PlanBatch()
        if not records:
            return result
        now = self.clock()
        with self.engine.begin() as connection:
            latest = {(r["site"], r["code"]): r for r in records}
            sites = self.site_ids(connection, {site for site, _ in latest}, now)
            stored = self._stored(connection, sites, latest)
            new: list[dict[str, Any]] = []
            for (site, code), record in latest.items():
                row = _row(record)
                old = stored.get((sites[site], code))
                if old is None:
                    result.inserted += 1
                    new.append({**row, "site_id": sites[site], "rup_code": code, "first_seen": now})
                    continue
                changed = any(old[name] != row[name] for name in PLAN_FIELDS)
                values = {**row, "last_seen": now, "last_run_id": self.run_id}
                if changed:
                    result.changed += 1
                    values["last_changed"] = now
                else:
                    result.unchanged += 1
                connection.execute(update(Plan).where(Plan.id == old["id"]).values(**values))
            if new:
                connection.execute(
                    dialect_insert(connection, Plan),
                    [{**r, "last_seen": now, "last_changed": now, "last_run_id": self.run_id} for r in new],
                )
                result.relinked = self._relink(connection, [r["rup_code"] for r in new], now)
        return result

    @staticmethod
    def _stored(
        connection: Connection, sites: Mapping[str, int], latest: Mapping[tuple[str, str], Any]
    ) -> dict[tuple[int, str], dict[str, Any]]:
        """(site_id, rup_code) → stored plan values, for the batch's keys."""
        out: dict[tuple[int, str], dict[str, Any]] = {}
        columns = (Plan.id, Plan.site_id, Plan.rup_code, *(getattr(Plan, n) for n in PLAN_FIELDS))
        for chunk in chunks(sorted({code for _, code in latest})):
            for row in connection.execute(select(*columns).where(Plan.rup_code.in_(chunk))):
                if row.site_id in sites.values():
                    out[(row.site_id, row.rup_code)] = dict(row._mapping)
        return out

    @staticmethod
    def _relink(connection: Connection, rup_codes: Iterable[str], now: dt.datetime) -> int:
        """Packages linked to these new plans whose location was the satker's: take the plan's."""
        from pipeline.derived import plan_locations

        plans = plan_locations(connection, rup_codes)
        if not plans:
            return 0
        linked = select(PackageRupCode.package_id, PackageRupCode.rup_code).where(
            PackageRupCode.rup_code.in_(sorted(plans)),
            PackageRupCode.package_id.in_(
                select(PackageLocation.package_id).where(PackageLocation.derived_from == "satker")
            ),
        )
        targets = {pid: code for pid, code in connection.execute(linked)}
        if not targets:
            return 0
        ids = sorted(targets)
        for chunk in chunks(ids):
            connection.execute(delete(PackageLocation).where(PackageLocation.package_id.in_(chunk)))
        rows = [(pid, 0, *plans[targets[pid]]) for pid in ids]
        bulk_insert(connection, PackageLocation.__table__, LOCATION_COLUMNS, rows)
        stmt = update(Package.__table__).where(Package.id == bindparam("b_id")).values(last_changed=now)
        connection.execute(stmt, [{"b_id": pid} for pid in ids])
        return len(ids)


def plan_records(connection: Connection) -> list[dict[str, Any]]:
    """Every stored plan as a plan record (docs/package-format.md), in site and RUP code order."""
    columns = (Site.url, Plan.rup_code, *(getattr(Plan, n) for n in PLAN_FIELDS))
    query = select(*columns).join(Site, Site.id == Plan.site_id).order_by(Site.url, Plan.rup_code)
    out = []
    for row in connection.execute(query):
        record: dict[str, Any] = {"source": "sirup", "site": row.url, "code": row.rup_code}
        for name in PLAN_FIELDS:
            value = getattr(row, name)
            if name == "location":
                record["locations"] = [value] if value else []
            elif value is not None:
                record[name] = value
        out.append(record)
    return out
