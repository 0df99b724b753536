"""Build the lead list from the stored packages, the registry and the branch table (idempotent, incremental).

Run after every crawl and every registry or branch import. Every construction package with a named
winner or a contract gets a lead row (value basis, JKK/JKM, signing date, deadline, days overdue,
route, score); every such package is matched against the registry and matched leads are closed as
``registered`` (by ``match``).

Incremental: each lead remembers the package ``last_changed`` it was built from
(``source_changed``), and ``lead_build_state`` what the last build saw (``leads.build_state``):

- only packages that are new or changed since their lead was built are read and recomputed, and
  only they are re-matched (their best registration goes to ``match_candidates``; the
  one-registration-one-project decision is then re-taken from that table, see ``leads.match_store``);
- a registry import (its content fingerprint changed) re-matches every package;
- a branch table import or a new ``BUILD_VERSION`` recomputes every lead;
- a new day only moves days overdue and scores, in one pass over the leads with a deadline.

The large passes read plain tuples from the driver and write in bulk (``leads.bulk``): packages are
taken in id ranges, so memory stays bounded. Registry matching runs in a second process
(``leads.match_worker``) while this one computes and writes leads.

Lifecycle: a lead starts ``new``; officers move it (``leads mark`` / ``leads feedback``); a
``registered`` or ``dismissed`` lead stays closed until its material fingerprint (winner identity
and contract value) changes, when the build reopens it as ``new`` with an event saying why.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update
from sqlalchemy.orm import Session

from domain.contribution import VALUE_BASIS_ORDER
from domain.dates import JAKARTA
from leads import match_store
from leads.build_state import BUILD_VERSION, branch_fingerprint, digest, read_state, write_state
from leads.bulk import Bulk, cents, grouped, parts
from leads.estimate import SIGNING_STAGE, contribution_sen, deadline_of
from leads.match_worker import Matcher, Wire, start_matcher
from leads.matching import cached_npwp_key as npwp_key_cached
from leads.models import CLOSED_STATUSES, Branch, BranchKabkota, Lead, LeadEvent
from leads.names import company_key
from leads.routing import BranchTable, ResolvedLocation, route
from leads.score import lead_score
from leads.urls import announcement_url

#: Jenis pengadaan in scope (bpjs-jakon-rules.md §2), compared as whole values.
CONSTRUCTION_CATEGORIES: tuple[str, ...] = (
    "Pekerjaan Konstruksi",
    "Pekerjaan Konstruksi Terintegrasi",
    "Jasa Konsultansi Badan Usaha Konstruksi",
)
#: Package ids per range read in a full pass.
CHUNK = 20_000
#: SQLite page cache for the build's connection (KiB): holds the randomly written index pages (the
#: score index above all) of a million leads, so they are not spilled to the WAL again and again.
SQLITE_CACHE_KIB = 65_536
#: Rows written after which PostgreSQL's planner statistics are refreshed within the build.
ANALYZE_AFTER = 10_000
_CENT = Decimal("0.01")
#: Stands for the package code in a cached announcement URL template.
_CODE_SLOT = "CODESLOT0"
#: Lead columns the build computes (compared with the stored row to decide whether to write).
COMPUTED: tuple[str, ...] = (
    "route",
    "branch_code",
    "other_branches",
    "kanwil",
    "kabkota_code",
    "kabkota_name",
    "province_code",
    "province_name",
    "contractor_name",
    "contractor_npwp",
    "value",
    "value_basis",
    "jkk",
    "jkm",
    "total",
    "signed_on",
    "deadline",
    "days_overdue",
    "stage",
    "score",
    "fingerprint",
    "url",
)
_INSERTED = (
    *COMPUTED,
    "package_id",
    "status",
    "status_changed_at",
    "first_built",
    "last_built",
    "source_changed",
)
_UPDATED = (*COMPUTED, "last_built", "source_changed")
_FINGERPRINT = COMPUTED.index("fingerprint")
#: Stored lead rows are read as (package_id, id, status, source_changed, *COMPUTED).
_OLD_FINGERPRINT = 4 + _FINGERPRINT
#: Winner rows as read: (package_id, kind, contractor_id, name, npwp, offer, corrected, negotiated, contract).
_WINNER_VALUE_COLUMN = {"offer_value": 5, "corrected_value": 6, "negotiated_value": 7, "contract_value": 8}
_PACKAGE_VALUE_COLUMN = {"budget_value": 6, "estimate_value": 7, "contract_value": 8}


@dataclass
class BuildSummary:
    """What a build did: counts for the command's output and for tests."""

    candidates: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    reopened: int = 0
    registered_by_match: int = 0
    matches: int = 0
    routes: dict[str, int] = field(default_factory=lambda: {"branch": 0, "fallback": 0, "unrouted": 0})
    #: Leads recomputed because their package was new or changed (or everything, on a full pass).
    recomputed: int = 0
    #: Packages whose registry match was recomputed.
    rematched: int = 0
    #: Why the whole set was recomputed or re-matched ("" for an incremental build).
    full_reason: str = ""


def utcnow() -> dt.datetime:
    """The current moment, UTC-aware."""
    return dt.datetime.now(dt.UTC)


def jakarta_today() -> dt.date:
    """Today's date in Indonesia (WIB), the calendar deadlines are counted in."""
    return dt.datetime.now(JAKARTA).date()


def _cents(value: Decimal | None) -> Decimal | None:
    """Money as stored (two decimals), so computed and stored values compare equal."""
    return None if value is None else value.quantize(_CENT)


def _identity(contractor_id: int | None, npwp: str | None, name: str | None) -> str:
    """Who a winner row is: its resolved contractor, else its NPWP key, else its normalised name."""
    if contractor_id:
        return f"c{contractor_id}"
    key = npwp_key_cached(npwp) if npwp and "*" not in npwp else None
    return f"k{key}" if key else f"n{company_key(name)}"


def fingerprint(winners: Sequence[Mapping[str, Any]], contract_value: Decimal | None) -> str:
    """The material facts of a lead: who won / holds the contract, and the contract value."""
    return _fingerprint(
        [_identity(w.get("contractor_id"), w.get("npwp"), w.get("name")) for w in winners],
        None if contract_value is None else int(_cents(contract_value).scaleb(2)),  # type: ignore[union-attr]
    )


def _fingerprint(identities: list[str], contract_sen: int | None) -> str:
    """``fingerprint`` from winner identities and the contract value in sen."""
    value = format(Decimal(contract_sen).scaleb(-2), "f") if contract_sen is not None else ""
    text = "|".join(sorted(set(identities))) + "#" + value
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def load_branch_table(connection: Connection) -> BranchTable:
    """The branch table as stored (kab/kota → branch, branch → Kanwil)."""
    coverage = dict(connection.execute(select(BranchKabkota.kabkota_code, BranchKabkota.branch_code)).all())
    kanwil = dict(connection.execute(select(Branch.code, Branch.kanwil)).all())
    return BranchTable(coverage, kanwil)


_REGISTRY_SQL = (
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
_UNCHANGED_SQL = (
    "SELECT l.route, count(*) FROM leads l JOIN packages p ON p.id = l.package_id "
    "WHERE l.source_changed = p.last_changed GROUP BY l.route"
)


@dataclass
class _Chunk:
    """The rows of one slice of packages: packages, winners, signing stages, locations, existing leads."""

    packages: list[tuple]
    winners: dict[int, list[tuple]]
    stages: dict[int, list[tuple]]
    locations: dict[int, list[tuple]]
    leads: dict[int, tuple]


class _Builder:
    """One build: dialect forms, caches and the summary shared by the passes."""

    def __init__(self, session: Session, today: dt.date, now: dt.datetime) -> None:
        self.connection = session.connection()
        self.bulk = Bulk(self.connection)
        self.today = today
        self.now = now
        self.table = load_branch_table(self.connection)
        self.summary = BuildSummary()
        table = Lead.__table__
        self.db_now = self.bulk.db_form(table, "last_built")(now)
        self._date_form = self.bulk.db_form(table, "deadline")
        self._dates: dict[dt.date, Any] = {}
        self._routes: dict[tuple, tuple] = {}
        self._signed: dict[str, dt.date] = {}
        self._identities: dict[tuple, str] = {}
        self._urls: dict[tuple, str] = {}
        self.sites = dict(self.bulk.rows("SELECT id, url FROM sites"))
        self._leads_columns = ", ".join(f'"{c}"' if c == "value" else c for c in COMPUTED)

    # --- reading -------------------------------------------------------------------------------

    def ranges(self) -> Iterator[_Chunk]:
        """Every in-scope package, by id range."""
        bounds = self.bulk.rows("SELECT min(id), max(id) FROM packages")[0]
        if bounds[0] is None:
            return
        low = bounds[0] - 1
        while low < bounds[1]:
            high = low + CHUNK
            yield self._read("{col} > ? AND {col} <= ?", (low, high), in_scope=True)
            low = high

    def listed(self, ids: Sequence[int]) -> Iterator[_Chunk]:
        """The packages ``ids`` (any scope), in slices."""
        for part in parts(ids):
            yield self._read("{col} IN " + self.bulk.in_list(part), tuple(part), in_scope=False)

    def _read(self, where: str, params: tuple, *, in_scope: bool) -> _Chunk:
        """One slice: the packages first (their ``last_changed`` is never newer than the rows after)."""
        rows = self.bulk.rows
        package_where = where.format(col="p.id")
        package_params: tuple = params
        if in_scope:
            package_where += " AND p.category IN " + self.bulk.in_list(CONSTRUCTION_CATEGORIES)
            package_params = (*params, *CONSTRUCTION_CATEGORIES)
        packages = rows(_PACKAGES_SQL.format(where=package_where), package_params)
        child = where.format(col="package_id")
        return _Chunk(
            packages=packages,
            winners=grouped(rows(_WINNERS_SQL.format(where=child), params)),
            stages=grouped(rows(_STAGES_SQL.format(where=child), (*params, "%kontrak%"))),
            locations=grouped(rows(_LOCATIONS_SQL.format(where=child), params)),
            leads={
                r[0]: r for r in rows(_LEADS_SQL.format(columns=self._leads_columns, where=child), params)
            },
        )

    # --- computing -----------------------------------------------------------------------------

    def _date(self, day: dt.date | None) -> Any:
        """A date in the stored form (cached: few distinct days)."""
        if day is None:
            return None
        form = self._dates.get(day)
        if form is None:
            form = self._dates[day] = self._date_form(day)
        return form

    def _route(self, locations: list[tuple]) -> tuple:
        """Route columns (kind, branch, others, kanwil, kabkota code/name, province code/name), cached."""
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
            ";".join(where.others) or None,
            where.kanwil,
            where.kabkota_code,
            first[2] if first is not None else None,
            where.province_code,
            province_name,
        )
        return found

    def _identity(self, contractor_id: int | None, npwp: str | None, name: str | None) -> str:
        """``_identity``, cached: contractors recur across packages."""
        key = (contractor_id, npwp, name)
        found = self._identities.get(key)
        if found is None:
            found = self._identities[key] = _identity(contractor_id, npwp, name)
        return found

    def _url(self, package: tuple) -> str:
        """The announcement URL: one template per (site, list), the code put in when it needs no quoting."""
        code = package[2]
        key = (package[1], package[3])
        template = self._urls.get(key)
        if template is None:
            template = self._urls[key] = announcement_url(self.sites[package[1]], package[3], _CODE_SLOT)
        if code.isascii() and code.isalnum():
            return template.replace(_CODE_SLOT, code)
        return announcement_url(self.sites[package[1]], package[3], code)

    def _signed_on(self, stages: list[tuple]) -> dt.date | None:
        """Start date of the "Penandatanganan Kontrak" stage."""
        for _, name, start in stages:
            if " ".join(str(name or "").split()).lower() == SIGNING_STAGE:
                if not start:
                    return None
                day = self._signed.get(start[:10])
                if day is None:
                    day = self._signed[start[:10]] = dt.date.fromisoformat(start[:10])
                return day
        return None

    def compute(
        self, package: tuple, winners: list[tuple], stages: list[tuple], locations: list[tuple]
    ) -> tuple:
        """The computed lead columns of one package in stored form (``COMPUTED`` order)."""
        value, basis = _value(package, winners)
        value_sen = cents(value)
        jkk = jkm = total = None
        if value_sen is not None and value_sen >= 0:
            jkk, jkm, total = contribution_sen(value_sen)
        signed_on = self._signed_on(stages)
        deadline = deadline_of(signed_on) if signed_on else None
        days = max((self.today - deadline).days, 0) if deadline else None
        # Winner rows come contract holders first (ORDER BY kind: "contract" < "winner").
        has_contract = package[8] is not None or (bool(winners) and winners[0][1] == "contract")
        stage = "contract" if has_contract else "winner" if winners else "pre_award"
        holder = winners[0] if winners else None
        money = self.bulk.money
        return (
            *self._route(locations),
            holder[3] if holder else None,
            holder[4] if holder else None,
            money(value_sen),
            basis,
            money(jkk),
            money(jkm),
            money(total),
            self._date(signed_on),
            self._date(deadline),
            days,
            stage,
            lead_score(None if total is None else total / 100, days, stage),
            _fingerprint(
                [self._identity(w[2], w[4], w[3]) for w in winners],
                value_sen if basis == "contract_value" else None,
            ),
            self._url(package),
        )

    def for_match(self, package: tuple, winners: list[tuple]) -> Wire:
        """The matching form of a package (``match_worker.Wire``: a plain tuple, cheap to send)."""
        values = [package[8]]
        for w in winners:
            values += (w[8], w[5])
        if len(winners) == 1:
            only = winners[0]
            names: tuple = (only[3],) if only[3] else ()
            npwps: tuple = (only[4],) if only[4] else ()
        else:
            names = tuple(dict.fromkeys(w[3] for w in winners if w[3]))
            npwps = tuple(dict.fromkeys(w[4] for w in winners if w[4]))
        return (
            package[0],
            self.sites[package[1]],
            package[2],
            package[4],
            package[5],
            names,
            npwps,
            tuple([float(v) for v in values if v is not None]),
        )

    # --- the lead pass -------------------------------------------------------------------------

    def process(
        self, chunk: _Chunk, *, recompute_all: bool, matcher: Matcher | None, rematch_all: bool
    ) -> None:
        """Compute, compare and write the leads of one slice; feed the matcher what it must (re)match."""
        inserts: list[tuple] = []
        updates: list[tuple] = []
        touched: list[tuple] = []
        reopened: list[tuple[int, str]] = []
        detached: list[int] = []
        feed: list[Wire] = []
        summary = self.summary
        for package in chunk.packages:
            pid = package[0]
            winners = chunk.winners.get(pid, [])
            old = chunk.leads.get(pid)
            if package[10] not in CONSTRUCTION_CATEGORIES or (package[8] is None and not winners):
                if old is not None and old[3] is not None:
                    detached.append(pid)  # out of scope now: the lead stays as it was, unmatched
                continue
            summary.candidates += 1
            stale = recompute_all or old is None or old[3] != package[9]
            if stale:
                summary.recomputed += 1
                columns = self.compute(
                    package, winners, chunk.stages.get(pid, []), chunk.locations.get(pid, [])
                )
                summary.routes[columns[0]] += 1
                if old is None:
                    inserts.append((*columns, pid, "new", self.db_now, self.db_now, self.db_now, package[9]))
                elif tuple(old[4:]) == columns:
                    summary.unchanged += 1
                    if old[3] != package[9]:
                        touched.append((package[9], old[1]))
                else:
                    updates.append((*columns, self.db_now, package[9], old[1]))
                    summary.updated += 1
                    if old[2] in CLOSED_STATUSES and old[_OLD_FINGERPRINT] != columns[_FINGERPRINT]:
                        reopened.append((old[1], old[2]))
            else:
                summary.unchanged += 1
                summary.routes[old[4]] += 1
            if matcher is not None and (stale or rematch_all):
                feed.append(self.for_match(package, winners))
        if feed:
            matcher.feed(feed)  # type: ignore[union-attr]
            summary.rematched += len(feed)
        self.bulk.update("leads", "id", ("source_changed",), touched)
        self._write(inserts, updates, reopened, detached)

    def _write(
        self, inserts: list[tuple], updates: list[tuple], reopened: list[tuple[int, str]], detached: list[int]
    ) -> None:
        """Insert new leads, update changed ones, reopen closed ones whose material facts changed."""
        self.bulk.insert("leads", _INSERTED, inserts)
        self.summary.new += len(inserts)
        self.bulk.update("leads", "id", _UPDATED, updates)
        if detached:
            self.bulk.delete_in("match_candidates", "package_id", detached)
            for part in parts(detached):
                self.bulk.execute(
                    f"UPDATE leads SET source_changed = NULL WHERE package_id IN {self.bulk.in_list(part)}",
                    part,
                )
        if not reopened:
            return
        self.connection.execute(
            update(Lead)
            .where(Lead.id == bindparam("lead_id"))
            .values(status="new", status_changed_at=bindparam("at")),
            [{"lead_id": lead_id, "at": self.now} for lead_id, _ in reopened],
        )
        self.connection.execute(
            insert(LeadEvent),
            [
                {
                    "lead_id": lead_id,
                    "at": self.now,
                    "old_status": status,
                    "new_status": "new",
                    "by": "build",
                    "note": "reopened: winner or contract value changed",
                }
                for lead_id, status in reopened
            ],
        )
        self.summary.reopened += len(reopened)

    def analyze(self) -> None:
        """Refresh PostgreSQL's statistics after a large write, before the joins of the match step.

        A first build fills ``leads`` inside one transaction; the planner would still believe it is
        empty and join it with nested loops over a million rows. ANALYZE is allowed in a transaction.
        """
        written = self.summary.new + self.summary.updated
        if self.bulk.postgresql and written > ANALYZE_AFTER:
            self.bulk.execute("ANALYZE leads")
            self.bulk.execute("ANALYZE match_candidates")

    @contextmanager
    def indexes_deferred(self) -> Iterator[None]:
        """While filling an empty ``leads`` table: its secondary indexes dropped, then built once.

        Inserting a million rows into the random-order indexes (score, branch, kab/kota) costs more
        than sorting them once afterwards. Only when the table starts empty (a first build), so no
        other reader waits on an index-less table of real leads; DDL is transactional in SQLite and
        PostgreSQL, so a failed build rolls the drop back with everything else.
        """
        if self.bulk.rows("SELECT id FROM leads LIMIT 1"):
            yield
            return
        indexes = sorted(Lead.__table__.indexes, key=lambda index: index.name or "")
        for index in indexes:
            index.drop(self.connection)
        yield
        for index in indexes:
            index.create(self.connection)

    # --- incremental helpers -------------------------------------------------------------------

    def count_unchanged(self) -> None:
        """Count the leads whose package did not change (they are not read again) by route."""
        for kind, count in self.bulk.rows(_UNCHANGED_SQL):
            self.summary.routes[kind] = self.summary.routes.get(kind, 0) + count
            self.summary.candidates += count
            self.summary.unchanged += count

    def changed_ids(self) -> list[int]:
        """Packages that are new candidates or changed since their lead was built."""
        sql = _CHANGED_SQL.format(categories=self.bulk.in_list(CONSTRUCTION_CATEGORIES))
        return [r[0] for r in self.bulk.rows(sql, CONSTRUCTION_CATEGORIES)]

    def move_day(self, previous: dt.date) -> None:
        """Days overdue and scores for ``today`` on the leads a day change can touch (deadline passed)."""
        until = self._date(max(previous, self.today))
        parsed: dict[Any, dt.date] = {}
        last = 0
        while True:
            rows = self.bulk.rows(
                "SELECT id, total, deadline, stage, days_overdue, score FROM leads "
                "WHERE id > ? AND deadline IS NOT NULL AND deadline < ? ORDER BY id LIMIT ?",
                (last, until, CHUNK),
            )
            if not rows:
                return
            last = rows[-1][0]
            changed: list[tuple] = []
            for lead_id, total, deadline, stage, old_days, old_score in rows:
                day = parsed.get(deadline)
                if day is None:
                    day = parsed[deadline] = (
                        deadline if isinstance(deadline, dt.date) else dt.date.fromisoformat(deadline)
                    )
                days = max((self.today - day).days, 0)
                score = lead_score(None if total is None else float(total), days, stage)
                if days != old_days or score != old_score:
                    changed.append((days, score, self.db_now, lead_id))
            self.bulk.update("leads", "id", ("days_overdue", "score", "last_built"), changed)
            self.summary.updated += len(changed)
            self.summary.unchanged -= len(changed)


def _value(package: tuple, winners: list[tuple]) -> tuple[Any, str | None]:
    """The best value of ``VALUE_BASIS_ORDER`` (package contract value before the winners') and its key."""
    for key in VALUE_BASIS_ORDER:
        column = _PACKAGE_VALUE_COLUMN.get(key)
        if column is not None and package[column] is not None:
            return package[column], key
        column = _WINNER_VALUE_COLUMN.get(key)
        if column is not None:
            for w in winners:
                if w[column] is not None:
                    return w[column], key
    return None, None


def _matcher(bulk: Bulk) -> Matcher | None:
    """A matcher over the stored registry (None when it is empty)."""
    rows = bulk.rows(_REGISTRY_SQL)
    return start_matcher(rows) if rows else None


def build_leads(
    session: Session,
    today: dt.date | None = None,
    *,
    now: dt.datetime | None = None,
    full: bool = False,
) -> BuildSummary:
    """Bring the leads up to date with packages, registry and branch table; idempotent.

    Runs in the session's transaction (the caller commits). ``today`` (default: today in WIB) is the
    day deadlines and days overdue are counted against. ``full`` recomputes and re-matches every
    package even when nothing changed (the result is the same; for after a manual database edit).
    """
    collecting = gc.isenabled()
    gc.disable()  # millions of short-lived row tuples: the cyclic collector would rescan them for nothing
    try:
        return _build(session, today or jakarta_today(), now or utcnow(), full)
    finally:
        if collecting:
            gc.enable()


def _build(session: Session, today: dt.date, now: dt.datetime, full: bool) -> BuildSummary:
    """``build_leads`` without the collector switch."""
    builder = _Builder(session, today, now)
    bulk = builder.bulk
    if not bulk.postgresql:
        bulk.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    state = read_state(builder.connection)
    wanted_state = {
        "version": BUILD_VERSION,
        "branches": branch_fingerprint(builder.table),
        "registry": digest(bulk.stream(_REGISTRY_SQL)),
        "today": builder.today.isoformat(),
    }
    reason = ""
    if full:
        reason = "asked"
    elif state.get("version") != BUILD_VERSION:
        reason = "first build" if not state else "new build version"
    elif state.get("branches") != wanted_state["branches"]:
        reason = "branch table changed"
    recompute_all = bool(reason)
    rematch_all = recompute_all or state.get("registry") != wanted_state["registry"]
    if rematch_all and not reason:
        reason = "registry changed"
    builder.summary.full_reason = reason
    matcher: Matcher | None = None
    fed: list[int] | None = None
    candidates_before = -1
    try:
        if rematch_all:
            matcher = _matcher(bulk)
            with builder.indexes_deferred():
                for chunk in builder.ranges():
                    builder.process(chunk, recompute_all=recompute_all, matcher=matcher, rematch_all=True)
        else:
            candidates_before = match_store.count_candidates(bulk)
            builder.count_unchanged()
            changed = builder.changed_ids()
            fed = changed
            if changed:
                matcher = _matcher(bulk)
            for chunk in builder.listed(changed):
                builder.process(chunk, recompute_all=False, matcher=matcher, rematch_all=False)
            previous = state.get("today")
            if previous and previous != wanted_state["today"]:
                builder.move_day(dt.date.fromisoformat(previous))
        found = matcher.results() if matcher is not None else []
    finally:
        if matcher is not None:
            matcher.close()
    builder.analyze()
    if rematch_all or builder.summary.rematched:
        # ``fed`` (None: every package) covers the packages just re-matched; a changed package
        # found out of scope has had its candidate removed already.
        match_store.replace_candidates(bulk, fed, found)
    # Re-decide when candidates changed, or when some vanished since the last build (a deleted
    # package's candidate goes with it, and the registration it held may now belong to another).
    if rematch_all or builder.summary.rematched or state.get("candidates") != str(candidates_before):
        every = found if fed is None else match_store.load_candidates(bulk)
        match_store.apply(bulk, match_store.resolve(every), builder.now)
    wanted_state["candidates"] = str(match_store.count_candidates(bulk))
    if bulk.postgresql and (rematch_all or builder.summary.rematched > ANALYZE_AFTER):
        bulk.execute("ANALYZE matches")
    builder.summary.registered_by_match = match_store.close_matched(bulk, builder.now)
    builder.summary.matches = match_store.count_matches(bulk)
    write_state(builder.connection, wanted_state)
    return builder.summary
