"""Bring the dashboard summary up to date for a view, without making anyone wait for a rebuild.

Status changes since the last look are folded in before the page is drawn (a partial refresh:
the kab/kota partitions concerned) when that is quick. A change in a big city's kab/kota (more
than ``MANY_LEADS`` leads to recompute), thousands of changes at once (a digest run marking
leads sent) and a leads build (the whole summary, tens of seconds at a million leads) are done by
a background thread instead (one per process; the database lock keeps processes from doing it
twice) while pages show the previous summary with its time and a notice. With no summary at all
the first view computes it. A database kept busy by another writer (a leads build on SQLite)
also leaves the previous summary on the page.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from leads.summary import ensure_fresh, needed, partial_size, pending_events
from web.dashboard.queries import summary_time

log = logging.getLogger(__name__)
_RUNNING = threading.Lock()
#: More new events than this (a digest run marking thousands of leads sent) also go to the background,
MANY_EVENTS = 5_000
#: and so does a partial refresh of more leads than this (a big city's kab/kota: ~1 s per 75,000).
MANY_LEADS = 20_000


def _background(engine: Engine) -> None:
    try:
        ensure_fresh(engine)
    except Exception:  # the next view tries again; the page keeps showing the older summary
        log.exception("dashboard summary refresh failed")
    finally:
        _RUNNING.release()


def freshen(engine: Engine) -> bool:
    """Make the summary current enough for a view; True while an older one is shown (rebuild running)."""
    with engine.connect() as connection:
        wanted = needed(connection)
        has_summary = summary_time(connection) is not None
        later = wanted == "full" or (
            wanted == "partial"
            and (pending_events(connection) > MANY_EVENTS or partial_size(connection) > MANY_LEADS)
        )
    if wanted is None:
        return False
    if later and has_summary:
        if _RUNNING.acquire(blocking=False):
            threading.Thread(
                target=_background, args=(engine,), name="dashboard-summary", daemon=True
            ).start()
        return True
    try:
        ensure_fresh(engine)
    except OperationalError:  # the database stayed locked (a leads build writing): show what we have
        if not has_summary:
            raise
        log.warning("dashboard summary not refreshed: database busy", exc_info=True)
        return True
    return False


def wait_idle(timeout: float = 60.0) -> bool:
    """Wait for a background refresh of this process to finish (tests, benchmarks); True when idle."""
    if _RUNNING.acquire(timeout=timeout):
        _RUNNING.release()
        return True
    return False
