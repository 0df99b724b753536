"""Bring the dashboard summary up to date for a view, without making anyone wait for a rebuild.

Status changes since the last look are folded in before the page is drawn (a partial refresh:
the kab/kota partitions concerned). After a leads build (or thousands of changes at once, as a
digest run marking leads sent) the whole summary is recomputed, which
takes tens of seconds at a million leads: that runs in a background thread (one per process;
the database lock keeps processes from doing it twice) while pages show the previous summary
with its time and a notice. With no summary at all the first view computes it. A database kept
busy by another writer (a leads build on SQLite) also leaves the previous summary on the page.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from leads.summary import ensure_fresh, needed, pending_events
from web.dashboard.queries import summary_time

log = logging.getLogger(__name__)
_RUNNING = threading.Lock()
#: More new events than this (a digest run marking thousands of leads sent) also go to the background.
MANY_EVENTS = 5_000


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
        if wanted == "partial" and pending_events(connection) > MANY_EVENTS:
            wanted = "full"
    if wanted is None:
        return False
    if wanted == "full" and has_summary:
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
