"""The real processes: `lpse-leads schedule` stops cleanly on SIGTERM, `run` refuses a held lock,
and a crawl child is stopped when the run is asked to stop."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from fake_spse import FakeSpse
from lpse_leads.config import load_config
from lpse_leads.crawl_process import CrawlRequest, run_crawl
from lpse_leads.lock import BUSY_MESSAGE, try_acquire

ROOT = Path(__file__).resolve().parents[2]
WAIT = 60  # seconds of real time before a test gives up on a process


def write_config(tmp_path: Path, site: str = "http://127.0.0.1:9/nowhere") -> Path:
    """A configuration with one site (never crawled at 06:00 in a test); the data folder comes from env."""
    path = tmp_path / "lpse-leads.toml"
    path.write_text(f'[crawl]\nsites = ["{site}"]\n', encoding="utf-8")
    return path


def env_for(tmp_path: Path) -> dict[str, str]:
    """The child's environment: its data folder (and so its lock) is tmp_path."""
    return {**os.environ, "LPSE_LEADS_HOME": str(tmp_path)}


def lines_of(stream) -> queue.Queue[str]:
    """Lines of a child's stream, read by a thread so the test can wait with a timeout."""
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        for line in iter(stream.readline, ""):
            lines.put(line)
        lines.put("")

    threading.Thread(target=pump, daemon=True).start()
    return lines


def wait_for(lines: queue.Queue[str], text: str, seen: list[str]) -> bool:
    """Read lines until one contains `text` (True) or the stream ends / time runs out (False)."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=deadline - time.monotonic())
        except queue.Empty:
            return False
        if line == "":
            return False
        seen.append(line)
        if text in line:
            return True
    return False


def test_schedule_exits_zero_on_sigterm_and_releases_the_lock(tmp_path):
    config_file = write_config(tmp_path)
    child = subprocess.Popen(
        [sys.executable, "-m", "lpse_leads", "schedule", "--config", str(config_file)],
        cwd=ROOT,
        env=env_for(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen: list[str] = []
    try:
        lines = lines_of(child.stderr)
        assert wait_for(lines, "scheduled daily run (lpse-leads-daily-run): next run", seen), "".join(seen)
        assert "06:00:00+07:00" in seen[-1]
        child.send_signal(signal.SIGTERM)
        assert child.wait(WAIT) == 0
        assert wait_for(lines, "scheduler stopped", seen), "".join(seen)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert "Traceback" not in "".join(seen)
    config = load_config(config_file, env=env_for(tmp_path))
    held = try_acquire(config.db_url, config.data.home)
    assert held is not None
    held.release()


def test_schedule_with_a_bad_config_is_one_error_line(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[schedule]\ntime = "6 am"\n', encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "lpse_leads", "schedule", "--config", str(bad)],
        cwd=ROOT,
        env=env_for(tmp_path),
        capture_output=True,
        text=True,
        timeout=WAIT,
    )
    assert done.returncode == 2
    assert done.stderr == "lpse-leads: error: schedule.time: '6 am' is not a time of day like 06:00\n"


def test_manual_run_while_the_lock_is_held_is_refused_cleanly(tmp_path):
    config_file = write_config(tmp_path)
    config = load_config(config_file, env=env_for(tmp_path))
    held = try_acquire(config.db_url, config.data.home)
    assert held is not None
    try:
        done = subprocess.run(
            [sys.executable, "-m", "lpse_leads", "run", "--config", str(config_file)],
            cwd=ROOT,
            env=env_for(tmp_path),
            capture_output=True,
            text=True,
            timeout=WAIT,
        )
    finally:
        held.release()
    assert done.returncode == 75
    assert BUSY_MESSAGE in done.stderr
    assert "Traceback" not in done.stderr


def test_crawl_child_is_stopped_when_the_run_is_asked_to_stop(tmp_path):
    stop = threading.Event()
    with FakeSpse(slugs=["lambat"], packages=30, seed=3, year=2026) as fake:
        request = CrawlRequest(
            [fake.base_url("lambat")],
            2026,
            f"sqlite:///{tmp_path / 'lpse-leads.sqlite'}",
            settings={"DOWNLOAD_DELAY": 30, "AUTOTHROTTLE_ENABLED": False},  # it would take many minutes
        )
        timer = threading.Timer(3.0, stop.set)
        timer.start()
        try:
            result = run_crawl(request, tmp_path / "logs", timeout_seconds=600, stop=stop, terminate_grace=2)
        finally:
            timer.cancel()
    assert result.failure == "crawl stopped: the process was asked to shut down"
    assert result.returncode != 0 or result.stats.get("finish_reason") == "shutdown"
    assert result.log_file.is_file()
