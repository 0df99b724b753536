"""The lead pass of a build: compute each package's lead, compare with the stored one, write in bulk.

Also the passes around it: the secondary indexes deferred while an empty table is filled, the
planner statistics refreshed after a large write, and the new-day pass that only moves days
overdue and scores. Reading is ``leads.build_read``, the columns come from ``leads.lead_compute``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlalchemy.orm import Session

from leads.build_read import CHUNK, CONSTRUCTION_CATEGORIES, UNCHANGED_SQL, Slice, SliceReader
from leads.bulk import Bulk, cents, parts
from leads.lead_compute import COMPUTED, FINGERPRINT, LeadComputer
from leads.match_worker import Matcher, Wire
from leads.models import CLOSED_STATUSES, Lead, LeadEvent
from leads.route_apply import RouteCache, load_branch_table
from leads.score import lead_score

#: Rows written after which PostgreSQL's planner statistics are refreshed within the build.
ANALYZE_AFTER = 10_000
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
#: Stored lead rows are read as (package_id, id, status, source_changed, *COMPUTED).
_OLD_FINGERPRINT = 4 + FINGERPRINT


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


class LeadPass:
    """One build's lead writing: the computer, the reader and the summary shared by the passes."""

    def __init__(self, session: Session, today: dt.date, now: dt.datetime) -> None:
        self.connection = session.connection()
        self.bulk = Bulk(self.connection)
        self.today = today
        self.now = now
        self.table = load_branch_table(self.connection)
        self.summary = BuildSummary()
        table = Lead.__table__
        self.db_now = self.bulk.db_form(table, "last_built")(now)
        self.reader = SliceReader(self.bulk, COMPUTED)
        self.computer = LeadComputer(
            today,
            RouteCache(self.table),
            dict(self.bulk.rows("SELECT id, url FROM sites")),
            self.bulk.db_form(table, "deadline"),
            self.bulk.money,
            cents,
        )

    def process(
        self, chunk: Slice, *, recompute_all: bool, matcher: Matcher | None, rematch_all: bool
    ) -> None:
        """Compute, compare and write the leads of one slice; feed the matcher what it must (re)match."""
        inserts: list[tuple] = []
        updates: list[tuple] = []
        touched: list[tuple] = []
        reopened: list[tuple[int, str]] = []
        detached: list[int] = []
        feed: list[Wire] = []
        summary = self.summary
        compute = self.computer.compute
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
                columns = compute(package, winners, chunk.stages.get(pid, []), chunk.locations.get(pid, []))
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
                    if old[2] in CLOSED_STATUSES and old[_OLD_FINGERPRINT] != columns[FINGERPRINT]:
                        reopened.append((old[1], old[2]))
            else:
                summary.unchanged += 1
                summary.routes[old[4]] += 1
            if matcher is not None and (stale or rematch_all):
                feed.append(self.computer.for_match(package, winners))
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

    def count_unchanged(self) -> None:
        """Count the leads whose package did not change (they are not read again) by route."""
        for kind, count in self.bulk.rows(UNCHANGED_SQL):
            self.summary.routes[kind] = self.summary.routes.get(kind, 0) + count
            self.summary.candidates += count
            self.summary.unchanged += count

    def move_day(self, previous: dt.date) -> None:
        """Days overdue and scores for ``today`` on the leads a day change can touch (deadline passed)."""
        until = self.computer.date(max(previous, self.today))
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
