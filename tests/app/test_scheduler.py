"""The scheduler: cron time in Asia/Jakarta, misfires dropped, backlogs coalesced, overlaps skipped.

The clock is moved with time-machine (it patches the wall clock in every thread), so a job
"at 06:00" fires within a second of real time; a `BackgroundScheduler` stands in for the
blocking one so the test thread can watch. The real `lpse-leads schedule` process and its
SIGTERM handling are exercised in test_schedule_process.py.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Iterator
from dataclasses import replace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from apscheduler.events import EVENT_JOB_EXECUTED, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.schedulers.background import BackgroundScheduler

from lpse_leads.config import AppConfig, ScheduleConfig, load_config
from lpse_leads.lock import BUSY_MESSAGE, try_acquire
from lpse_leads.scheduler import DAILY_JOB_ID, REIMPORT_JOB_ID, TIMEZONE, build_scheduler, guarded

WIB = ZoneInfo("Asia/Jakarta")
WAIT = 15  # seconds of real time a test waits for an event before failing


class Recorder:
    """A job that counts its calls, and a listener that keeps the scheduler's job events."""

    def __init__(self) -> None:
        self.calls = 0
        self.events: list[JobExecutionEvent] = []
        self.event_seen = threading.Event()

    def job(self) -> None:
        self.calls += 1

    def listen(self, event: JobExecutionEvent) -> None:
        self.events.append(event)
        self.event_seen.set()


def config_with(tmp_path, **schedule) -> AppConfig:
    """Defaults with the data folder in tmp_path and the given [schedule] values."""
    base = load_config(None, env={"LPSE_LEADS_HOME": str(tmp_path)})
    return replace(base, schedule=replace(ScheduleConfig(), **schedule))


@pytest.fixture
def background() -> Iterator[list[BackgroundScheduler]]:
    """Schedulers created by a test, shut down afterwards whatever happens."""
    made: list[BackgroundScheduler] = []
    yield made
    for scheduler in made:
        if scheduler.running:
            scheduler.shutdown(wait=True)


def start(config: AppConfig, recorder: Recorder, made: list, reimport=None) -> BackgroundScheduler:
    scheduler = build_scheduler(config, recorder.job, reimport, BackgroundScheduler(timezone=TIMEZONE))
    scheduler.add_listener(recorder.listen, EVENT_JOB_EXECUTED | EVENT_JOB_MISSED)
    made.append(scheduler)
    scheduler.start()
    return scheduler


def test_jobs_have_explicit_ids_coalesce_grace_and_wib_times(tmp_path, background):
    config = config_with(tmp_path, time="06:30", misfire_grace_minutes=45, registry_reimport="15 5 * * mon")
    with time_machine.travel(dt.datetime(2026, 3, 4, 7, 0, tzinfo=WIB), tick=False):  # a Wednesday
        scheduler = start(config, Recorder(), background, reimport=lambda: None)
        daily = scheduler.get_job(DAILY_JOB_ID)
        reimport = scheduler.get_job(REIMPORT_JOB_ID)
        assert daily.next_run_time == dt.datetime(2026, 3, 5, 6, 30, tzinfo=WIB)
        assert reimport.next_run_time == dt.datetime(2026, 3, 9, 5, 15, tzinfo=WIB)
        assert (daily.coalesce, daily.misfire_grace_time, daily.max_instances) == (True, 45 * 60, 1)
        assert (reimport.coalesce, reimport.misfire_grace_time) == (True, 45 * 60)


def test_replace_existing_keeps_one_copy_per_job_id(tmp_path, background):
    config = config_with(tmp_path)
    scheduler = start(config, Recorder(), background)
    build_scheduler(config, Recorder().job, scheduler=scheduler)  # the same jobs added again
    assert [job.id for job in scheduler.get_jobs()] == [DAILY_JOB_ID]


def test_daily_job_fires_at_its_time_in_jakarta(tmp_path, background):
    recorder = Recorder()
    with time_machine.travel(dt.datetime(2026, 3, 4, 5, 59, 59, tzinfo=WIB), tick=True):
        start(config_with(tmp_path, time="06:00"), recorder, background)
        assert recorder.event_seen.wait(WAIT)
    assert recorder.calls == 1
    assert recorder.events[0].code == EVENT_JOB_EXECUTED
    assert recorder.events[0].scheduled_run_time == dt.datetime(2026, 3, 4, 6, 0, tzinfo=WIB)


def test_run_later_than_the_grace_time_is_missed_not_run(tmp_path, background):
    recorder = Recorder()
    with time_machine.travel(dt.datetime(2026, 3, 4, 5, 59, 59, tzinfo=WIB), tick=True) as clock:
        start(config_with(tmp_path, misfire_grace_minutes=30), recorder, background)
        clock.move_to(dt.datetime(2026, 3, 4, 7, 0, tzinfo=WIB))  # "the machine slept" past 06:30
        assert recorder.event_seen.wait(WAIT)
    assert recorder.calls == 0
    assert [event.code for event in recorder.events] == [EVENT_JOB_MISSED]


def test_missed_days_within_grace_are_coalesced_into_one_run(tmp_path, background):
    recorder = Recorder()
    four_days = 4 * 24 * 60
    with time_machine.travel(dt.datetime(2026, 3, 2, 5, 59, 59, tzinfo=WIB), tick=True) as clock:
        scheduler = start(config_with(tmp_path, misfire_grace_minutes=four_days), recorder, background)
        clock.move_to(dt.datetime(2026, 3, 5, 6, 10, tzinfo=WIB))  # 06:00 on the 2nd..5th all passed
        assert recorder.event_seen.wait(WAIT)
        assert scheduler.get_job(DAILY_JOB_ID).next_run_time == dt.datetime(2026, 3, 6, 6, 0, tzinfo=WIB)
    assert recorder.calls == 1
    assert [event.scheduled_run_time for event in recorder.events] == [
        dt.datetime(2026, 3, 5, 6, 0, tzinfo=WIB)
    ]


def test_guarded_job_skips_and_logs_while_another_run_holds_the_lock(tmp_path, caplog):
    config = config_with(tmp_path)
    recorder = Recorder()
    job = guarded("daily run", config, recorder.job)
    held = try_acquire(config.db_url, config.data.home)
    assert held is not None
    try:
        with caplog.at_level(logging.INFO, logger="lpse_leads.scheduler"):
            assert job() is False
    finally:
        held.release()
    assert recorder.calls == 0
    assert f"daily run skipped: {BUSY_MESSAGE}" in caplog.text
    assert job() is True
    assert recorder.calls == 1
    again = try_acquire(config.db_url, config.data.home)  # released after the run
    assert again is not None
    again.release()


def test_scheduled_run_during_a_held_lock_is_skipped(tmp_path, background, caplog):
    config = config_with(tmp_path, time="06:00")
    recorder = Recorder()
    ran = Recorder()
    held = try_acquire(config.db_url, config.data.home)
    assert held is not None
    try:
        with (
            caplog.at_level(logging.INFO, logger="lpse_leads.scheduler"),
            time_machine.travel(dt.datetime(2026, 3, 4, 5, 59, 59, tzinfo=WIB), tick=True),
        ):
            job = guarded("daily run", config, ran.job)
            scheduler = build_scheduler(config, job, scheduler=BackgroundScheduler(timezone=TIMEZONE))
            scheduler.add_listener(recorder.listen, EVENT_JOB_EXECUTED | EVENT_JOB_MISSED)
            background.append(scheduler)
            scheduler.start()
            assert recorder.event_seen.wait(WAIT)
    finally:
        held.release()
    assert ran.calls == 0
    assert recorder.events[0].retval is False
    assert BUSY_MESSAGE in caplog.text
