"""The store: batched upserts of package records with history, contractors, locations and crawl state.

One call to `PackageWriter.write` is one transaction: every package of the batch, its child
rows (flags, stages, locations, winners), its history rows and its list fingerprint commit
together or not at all, so a crawl killed at any moment leaves no half-written package and
re-fetches exactly what was not committed. Upserts use each dialect's `INSERT … ON CONFLICT`
on the natural key `(site, code)`. On PostgreSQL every row goes in by COPY (packages through a
per-transaction staging table, then one upsert that returns their ids) and a batch's keys are
sent as two arrays, so a batch costs a handful of statements whatever its size (bench/store.py).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Integer,
    any_,
    bindparam,
    column,
    delete,
    select,
    table,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import OperationalError

from pipeline.bulkio import bulk_insert, by_keys, chunks, copy_rows, key_table
from pipeline.contractors import ContractorResolver, dialect_insert
from pipeline.derived import derived_location, needs_derivation, plan_locations
from pipeline.locations import resolve_location
from pipeline.models import (
    Package,
    PackageChange,
    PackageFlag,
    PackageLocation,
    PackageRupCode,
    PackageStage,
    PackageWinner,
    Site,
)
from pipeline.rebuild import WINNER_KINDS, package_query, rebuild_records
from pipeline.record import SCALAR_FIELDS, STAGE_FIELDS, WINNER_FIELDS, Record, changed_fields, value_text

_CHILD_MODELS = (PackageFlag, PackageStage, PackageLocation, PackageWinner, PackageRupCode)
#: Attempts at a batch when SQLite reports a lock that outlasted the busy timeout.
LOCK_ATTEMPTS = 5


def utcnow() -> dt.datetime:
    """The current moment, UTC-aware."""
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class SeenPackage:
    """A package whose list row did not change: only `last_seen` (and its fingerprint) move."""

    site: str
    code: str
    fingerprint: str | None = None


@dataclass
class BatchResult:
    """What one batch did, for stats and tests."""

    inserted: int = 0
    changed: int = 0
    unchanged: int = 0
    seen: int = 0
    changes: int = 0
    changed_keys: list[tuple[str, str]] = field(default_factory=list)


#: Column order of the child rows built in `_replace_children` and `_history`.
_FLAG_COLUMNS = ("package_id", "position", "flag")
_STAGE_COLUMNS = ("package_id", "position", *STAGE_FIELDS)
#: Also written by `plan_writer` (a purchase's location derived from its plan).
LOCATION_COLUMNS = (
    "package_id",
    "position",
    "raw",
    "kabkota_code",
    "kabkota_name",
    "province_code",
    "province_name",
    "confidence",
    "derived_from",
)
_RUP_COLUMNS = ("package_id", "position", "rup_code")
_WINNER_COLUMNS = ("package_id", "kind", "position", "contractor_id", *WINNER_FIELDS)
_CHANGE_COLUMNS = ("package_id", "crawl_run_id", "observed_at", "field", "old_value", "new_value")

#: The per-transaction staging table of the PostgreSQL package upsert (dropped at commit).
_BATCH_TABLE = "lpse_package_batch"


class PackageWriter:
    """Writes batches of records into one database; caches site and contractor ids between batches."""

    def __init__(
        self,
        engine: Engine,
        *,
        run_id: int | None = None,
        clock: Callable[[], dt.datetime] = utcnow,
    ) -> None:
        self.engine = engine
        self.run_id = run_id
        self.clock = clock
        self._sites: dict[str, int] = {}
        self._contractors = ContractorResolver()

    def write(
        self,
        packages: Sequence[tuple[Record, str | None]] = (),
        seen: Sequence[SeenPackage] = (),
    ) -> BatchResult:
        """Store (record, list fingerprint) pairs and bump `last_seen` of seen packages, in one transaction.

        A lock held by another writer is waited for (busy timeout) and, if it outlasts that,
        the whole batch is retried; any other error rolls the batch back and is raised.
        """
        for attempt in range(1, LOCK_ATTEMPTS + 1):
            try:
                with self.engine.begin() as connection:
                    return self._write(connection, packages, seen)
            except OperationalError as exc:
                self._forget()
                if "locked" not in str(exc).lower() or attempt == LOCK_ATTEMPTS:
                    raise
                time.sleep(0.5 * attempt)
            except BaseException:
                self._forget()
                raise
        raise AssertionError("unreachable")

    def _forget(self) -> None:
        """Drop cached ids: the rolled-back transaction may have created some of them."""
        self._sites.clear()
        self._contractors.forget()

    def _write(
        self,
        connection: Connection,
        packages: Sequence[tuple[Record, str | None]],
        seen: Sequence[SeenPackage],
    ) -> BatchResult:
        """The body of one batch transaction."""
        now = self.clock()
        result = BatchResult()
        latest: dict[tuple[str, str], tuple[Record, str | None]] = {}
        for record, fingerprint in packages:
            latest[(record["site"], record["code"])] = (record, fingerprint)
        site_ids = self.site_ids(connection, {site for site, _ in latest} | {s.site for s in seen}, now)
        stored = self._stored(connection, site_ids, list(latest))
        rows: list[dict[str, Any]] = []
        rewrite: list[tuple[tuple[str, str], Record]] = []
        history: list[tuple[tuple[str, str], list[tuple[str, Any, Any]]]] = []
        for key, (record, fingerprint) in latest.items():
            old = stored.get(key)
            last_changed = now
            if old is None:
                result.inserted += 1
                rewrite.append((key, record))
            else:
                diff = changed_fields(old[1], record)
                if diff:
                    result.changed += 1
                    result.changed_keys.append(key)
                    rewrite.append((key, record))
                    history.append((key, diff))
                else:
                    result.unchanged += 1
                    last_changed = old[2]
            rows.append(self._package_row(record, site_ids[key[0]], fingerprint, now, last_changed))
        ids = self._upsert(connection, site_ids, rows, [key for key, _ in rewrite])
        changed_ids = [stored[key][0] for key in result.changed_keys]
        self._replace_children(connection, [(ids[key], record) for key, record in rewrite], changed_ids, now)
        result.changes = self._history(connection, [(ids[key], diff) for key, diff in history], now)
        result.seen = self._bump_seen(connection, site_ids, seen, now)
        return result

    def site_ids(self, connection: Connection, urls: set[str], now: dt.datetime) -> dict[str, int]:
        """Site URL → id, inserting new sites."""
        missing = sorted(urls - self._sites.keys())
        if missing:
            stmt = dialect_insert(connection, Site).on_conflict_do_nothing(index_elements=[Site.url])
            connection.execute(stmt, [{"url": url, "first_seen": now} for url in missing])
            rows = connection.execute(select(Site.url, Site.id).where(Site.url.in_(missing)))
            self._sites.update({url: sid for url, sid in rows})
        return {url: self._sites[url] for url in urls}

    def _stored(
        self, connection: Connection, site_ids: Mapping[str, int], keys: Sequence[tuple[str, str]]
    ) -> dict[tuple[str, str], tuple[int, Record, dt.datetime]]:
        """(site, code) → (id, stored record, last_changed) for the keys already stored."""
        pairs = [(site_ids[site], code) for site, code in keys]
        rows = by_keys(connection, package_query().add_columns(Package.last_changed), pairs)
        records = rebuild_records(connection, rows) if rows else {}
        return {(r.site, r.code): (r.id, records[r.id], r.last_changed) for r in rows}

    def _package_row(
        self,
        record: Record,
        site_id: int,
        fingerprint: str | None,
        now: dt.datetime,
        last_changed: dt.datetime,
    ) -> dict[str, Any]:
        """The `packages` row of a record (first_seen only takes effect on insert)."""
        row = {name: record.get(name) for name in SCALAR_FIELDS}
        row.update(
            site_id=site_id,
            code=record["code"],
            first_seen=now,
            last_seen=now,
            last_changed=last_changed,
            list_fingerprint=fingerprint,
            last_run_id=self.run_id,
        )
        return row

    def _upsert(
        self,
        connection: Connection,
        site_ids: Mapping[str, int],
        rows: Sequence[dict[str, Any]],
        wanted: Sequence[tuple[str, str]],
    ) -> dict[tuple[str, str], int]:
        """INSERT … ON CONFLICT (site_id, code) DO UPDATE every column but first_seen; (site, code) → id.

        The ids of at least the `wanted` keys are returned (PostgreSQL returns every row's).
        """
        if not rows:
            return {}
        urls = {sid: url for url, sid in site_ids.items()}
        columns = [c for c in rows[0] if c not in ("site_id", "code", "first_seen")]
        if connection.dialect.name == "postgresql":
            returned = self._upsert_staged(connection, rows, columns)
            return {(urls[sid], code): pid for sid, code, pid in returned}
        stmt = dialect_insert(connection, Package)
        stmt = stmt.on_conflict_do_update(
            index_elements=[Package.site_id, Package.code],
            set_={c: stmt.excluded[c] for c in columns},
        )
        connection.execute(stmt, list(rows))
        pairs = [(site_ids[site], code) for site, code in wanted]
        found = by_keys(connection, select(Package.site_id, Package.code, Package.id), pairs)
        return {(urls[sid], code): pid for sid, code, pid in found}

    def _upsert_staged(
        self, connection: Connection, rows: Sequence[dict[str, Any]], columns: Sequence[str]
    ) -> list[Any]:
        """PostgreSQL: COPY into a temporary table, then one INSERT … SELECT … ON CONFLICT … RETURNING.

        psycopg sends an executemany upsert one row per statement; this is two statements per
        batch and hands back every id, so no SELECT of the ids follows. The staging table lives
        for this transaction only (ON COMMIT DROP; a rollback drops it too).
        """
        packages = Package.__table__
        names = list(rows[0])
        quoted = ", ".join(connection.dialect.identifier_preparer.quote(name) for name in names)
        connection.exec_driver_sql(
            f"CREATE TEMPORARY TABLE {_BATCH_TABLE} ON COMMIT DROP"
            f" AS SELECT {quoted} FROM packages WITH NO DATA"
        )
        copy_rows(connection, packages, _BATCH_TABLE, names, ([row[name] for name in names] for row in rows))
        stage = table(_BATCH_TABLE, *(column(name, packages.c[name].type) for name in names))
        stmt = dialect_insert(connection, Package).from_select(names, select(*(stage.c[n] for n in names)))
        stmt = stmt.on_conflict_do_update(
            index_elements=[Package.site_id, Package.code],
            set_={c: stmt.excluded[c] for c in columns},
        ).returning(packages.c.site_id, packages.c.code, packages.c.id)
        return list(connection.execute(stmt))

    def _replace_children(
        self,
        connection: Connection,
        packages: Sequence[tuple[int, Record]],
        old_ids: Sequence[int],
        now: dt.datetime,
    ) -> None:
        """Write flags, stages, locations (shown or derived), winners, RUP codes of new/changed packages."""
        if not packages:
            return
        for model in _CHILD_MODELS:
            if not old_ids:
                break
            if connection.dialect.name == "postgresql":
                ids = bindparam("old_ids", list(old_ids), type_=ARRAY(Integer))
                connection.execute(delete(model).where(model.package_id == any_(ids)))
                continue
            for chunk in chunks(old_ids):
                connection.execute(delete(model).where(model.package_id.in_(chunk)))
        flags: list[tuple[Any, ...]] = []
        stages: list[tuple[Any, ...]] = []
        locations: list[tuple[Any, ...]] = []
        winners: list[list[Any]] = []
        winner_objects: list[Mapping[str, Any]] = []
        rup_codes: list[tuple[Any, ...]] = []
        plans = plan_locations(
            connection, (c for _, r in packages if needs_derivation(r) for c in r.get("rup_codes") or [])
        )
        for pid, record in packages:
            flags += [(pid, i, f) for i, f in enumerate(record.get("flags", []))]
            stages += [
                (pid, i, *(s.get(k) for k in STAGE_FIELDS)) for i, s in enumerate(record.get("stages", []))
            ]
            for i, raw in enumerate(record.get("locations", [])):
                m = resolve_location(raw, record.get("agency"))
                region = (m.kabkota_code, m.kabkota_name, m.province_code, m.province_name, m.confidence)
                locations.append((pid, i, raw, *region, None))
            if needs_derivation(record):
                derived = derived_location(record, plans)
                if derived is not None:
                    locations.append((pid, 0, *derived))
            rup_codes += [(pid, i, code) for i, code in enumerate(record.get("rup_codes") or [])]
            for kind, key in WINNER_KINDS.items():
                for i, w in enumerate(record.get(key, [])):
                    winners.append([pid, kind, i, None, *(w.get(k) for k in WINNER_FIELDS)])
                    winner_objects.append(w)
        contractor_ids = self._contractors.resolve(connection, winner_objects, now)
        for row, cid in zip(winners, contractor_ids, strict=True):
            row[3] = cid
        for model, columns, rows in (
            (PackageFlag, _FLAG_COLUMNS, flags),
            (PackageStage, _STAGE_COLUMNS, stages),
            (PackageLocation, LOCATION_COLUMNS, locations),
            (PackageWinner, _WINNER_COLUMNS, winners),
            (PackageRupCode, _RUP_COLUMNS, rup_codes),
        ):
            bulk_insert(connection, model.__table__, columns, rows)

    def _history(
        self,
        connection: Connection,
        changes: Sequence[tuple[int, list[tuple[str, Any, Any]]]],
        now: dt.datetime,
    ) -> int:
        """One package_changes row per changed field."""
        rows = [
            (pid, self.run_id, now, name, value_text(old), value_text(new))
            for pid, diff in changes
            for name, old, new in diff
        ]
        bulk_insert(connection, PackageChange.__table__, _CHANGE_COLUMNS, rows)
        return len(rows)

    def _bump_seen(
        self,
        connection: Connection,
        site_ids: Mapping[str, int],
        seen: Sequence[SeenPackage],
        now: dt.datetime,
    ) -> int:
        """last_seen = now for packages whose list row did not change (their stored fingerprint stays)."""
        if not seen:
            return 0
        if connection.dialect.name == "postgresql":
            keys = key_table([site_ids[s.site] for s in seen], [s.code for s in seen])
            stmt = (
                update(Package.__table__)
                .where(Package.site_id == keys.c.site_id, Package.code == keys.c.code)
                .values(last_seen=now, last_run_id=self.run_id)
            )
            connection.execute(stmt)
            return len(seen)
        stmt = (
            update(Package.__table__)
            .where(Package.site_id == bindparam("b_site"), Package.code == bindparam("b_code"))
            .values(last_seen=bindparam("b_now"), last_run_id=bindparam("b_run"))
        )
        params = [
            {"b_site": site_ids[s.site], "b_code": s.code, "b_now": now, "b_run": self.run_id} for s in seen
        ]
        connection.execute(stmt, params)
        return len(seen)
