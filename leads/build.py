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

Modules: this one orchestrates (what to redo, in which order); ``leads.build_read`` reads slices,
``leads.lead_compute`` assembles a lead's columns, ``leads.route_apply`` applies the branch table,
``leads.build_pass`` compares and writes.

Lifecycle: a lead starts ``new``; officers move it (``leads mark`` / ``leads feedback``); a
``registered`` or ``dismissed`` lead stays closed until its material fingerprint (winner identity
and contract value) changes, when the build reopens it as ``new`` with an event saying why.
"""

from __future__ import annotations

import datetime as dt
import gc

from sqlalchemy.orm import Session

from domain.dates import JAKARTA
from leads import match_store
from leads.branches_store import ensure_starter
from leads.build_pass import ANALYZE_AFTER, BuildSummary, LeadPass
from leads.build_read import REGISTRY_SQL
from leads.build_state import BUILD_VERSION, branch_fingerprint, digest, read_state, write_state
from leads.bulk import Bulk
from leads.lead_compute import fingerprint
from leads.match_worker import Matcher, start_matcher

__all__ = ["BuildSummary", "build_leads", "fingerprint", "jakarta_today", "utcnow"]

#: SQLite page cache for the build's connection (KiB): holds the randomly written index pages (the
#: score index above all) of a million leads, so they are not spilled to the WAL again and again.
SQLITE_CACHE_KIB = 65_536


def utcnow() -> dt.datetime:
    """The current moment, UTC-aware."""
    return dt.datetime.now(dt.UTC)


def jakarta_today() -> dt.date:
    """Today's date in Indonesia (WIB), the calendar deadlines are counted in."""
    return dt.datetime.now(JAKARTA).date()


def _matcher(bulk: Bulk) -> Matcher | None:
    """A matcher over the stored registry (None when it is empty)."""
    rows = bulk.rows(REGISTRY_SQL)
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
    ensure_starter(session, now)  # a fresh database routes by the starter table from the first build
    builder = LeadPass(session, today, now)
    bulk = builder.bulk
    if not bulk.postgresql:
        bulk.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    state = read_state(builder.connection)
    wanted_state = {
        "version": BUILD_VERSION,
        "branches": branch_fingerprint(builder.table),
        "registry": digest(bulk.stream(REGISTRY_SQL)),
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
                for chunk in builder.reader.ranges():
                    builder.process(chunk, recompute_all=recompute_all, matcher=matcher, rematch_all=True)
        else:
            candidates_before = match_store.count_candidates(bulk)
            builder.count_unchanged()
            changed = builder.reader.changed_ids()
            fed = changed
            if changed:
                matcher = _matcher(bulk)
            for chunk in builder.reader.listed(changed):
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
