"""`lpse-leads schedule`: the daily run (and an optional registry re-import) under APScheduler 3.11.

Why this shape: one long-lived `BlockingScheduler` in Asia/Jakarta time with an in-memory
job store (the configuration, not a database, says what is scheduled, so a restart simply
re-adds the jobs; explicit ids and `replace_existing=True` keep it at one copy each anyway).
`coalesce=True` turns a backlog of missed days into one run, `misfire_grace_time` drops a run
that is too late to be useful, and `max_instances=1` plus the run lock (`lpse_leads.lock`)
keep runs from overlapping — within this process, across schedulers, and against a manual
`lpse-leads run`. SIGTERM stops the scheduler cleanly: the running job is asked to stop,
`shutdown(wait=True)` waits for it, and the lock is released in the job's own `finally`.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

from apscheduler.events import EVENT_SCHEDULER_STARTED
from apscheduler.schedulers.base import STATE_STOPPED, BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from lpse_leads.config import AppConfig
from lpse_leads.errors import UserError
from lpse_leads.lock import BUSY_MESSAGE, try_acquire

TIMEZONE = "Asia/Jakarta"
DAILY_JOB_ID = "lpse-leads-daily-run"
REIMPORT_JOB_ID = "lpse-leads-registry-reimport"

log = logging.getLogger(__name__)


def daily_trigger(time_of_day: str) -> CronTrigger:
    """A cron trigger firing every day at `HH:MM` Asia/Jakarta."""
    hour, minute = time_of_day.split(":")
    return CronTrigger(hour=int(hour), minute=int(minute), timezone=TIMEZONE)


def reimport_trigger(spec: str) -> CronTrigger:
    """The registry re-import trigger: `HH:MM` daily, or a 5-field crontab line (Asia/Jakarta)."""
    if len(spec.split()) == 5:
        return CronTrigger.from_crontab(spec, timezone=TIMEZONE)
    return daily_trigger(spec)


def guarded(name: str, config: AppConfig, job: Callable[[], Any]) -> Callable[[], bool]:
    """Wrap `job` so it runs only while holding the run lock; otherwise log and skip.

    Returns True when the job ran, False when it was skipped because another run (another
    scheduler, or a manual `lpse-leads run`) holds the lock.
    """

    def run_guarded() -> bool:
        held = try_acquire(config.db_url, config.data.home)
        if held is None:
            log.warning("%s skipped: %s", name, BUSY_MESSAGE)
            return False
        try:
            log.info("%s started (%s)", name, held.description)
            job()
            return True
        finally:
            held.release()
            log.info("%s finished; lock released", name)

    run_guarded.__name__ = f"guarded_{name.replace(' ', '_')}"
    return run_guarded


def build_scheduler(
    config: AppConfig,
    daily: Callable[[], Any],
    reimport: Callable[[], Any] | None = None,
    scheduler: BaseScheduler | None = None,
) -> BaseScheduler:
    """A scheduler (Blocking unless one is given) holding the daily job and, if given, the re-import."""
    scheduler = scheduler or BlockingScheduler(timezone=TIMEZONE)
    common: dict[str, Any] = {
        "replace_existing": True,
        "coalesce": True,
        "max_instances": 1,
        "misfire_grace_time": config.schedule.misfire_grace_minutes * 60,
    }
    scheduler.add_job(daily, daily_trigger(config.schedule.time), id=DAILY_JOB_ID, name="daily run", **common)
    if reimport is not None:
        scheduler.add_job(
            reimport,
            reimport_trigger(config.schedule.registry_reimport),
            id=REIMPORT_JOB_ID,
            name="registry re-import",
            **common,
        )
    return scheduler


def serve(
    config: AppConfig,
    daily: Callable[[threading.Event], Any],
    reimport: Callable[[threading.Event], Any] | None = None,
) -> int:
    """Run the blocking scheduler until SIGTERM/SIGINT; return 0 after a clean shutdown.

    `daily` and `reimport` receive a `threading.Event` that is set when the process is asked
    to stop, so a long crawl can end early instead of holding up the shutdown.
    """
    if config.schedule.registry_reimport and reimport is None:
        raise UserError("schedule.registry_reimport is set but leads.registry_file is not")
    stopping = threading.Event()
    scheduler = build_scheduler(
        config,
        guarded("daily run", config, lambda: daily(stopping)),
        guarded("registry re-import", config, lambda: reimport(stopping)) if reimport else None,
    )

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        # Only set a flag here: a signal handler that takes locks (or raises) can deadlock
        # the main thread it interrupts. The stopper thread does the shutting down.
        received.append(signal.Signals(signum).name)
        stopping.set()

    def stopper() -> None:
        stopping.wait()
        log.info("received %s: stopping after the running job", received[0] if received else "stop")
        if scheduler.state != STATE_STOPPED:
            scheduler.shutdown(wait=True)

    received: list[str] = []
    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    stopper_thread = threading.Thread(target=stopper, name="lpse-leads-stopper", daemon=True)
    try:
        scheduler.add_listener(lambda _event: _log_next_runs(scheduler), mask=EVENT_SCHEDULER_STARTED)
        stopper_thread.start()
        scheduler.start()  # blocks until the stopper has shut the scheduler down
    finally:
        stopping.set()
        stopper_thread.join()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    log.info("scheduler stopped")
    return 0


def _log_next_runs(scheduler: BaseScheduler) -> None:
    """Say, once at start, when each job runs next (operators look for this line)."""
    for job in scheduler.get_jobs():
        log.info("scheduled %s (%s): next run %s", job.name, job.id, job.next_run_time)
