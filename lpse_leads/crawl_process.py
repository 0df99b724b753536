"""Run `lpse-leads crawl` as a child process and read back its stats.

Why a child process: Scrapy's Twisted reactor cannot be restarted inside one process
(scrapy/scrapy#5026), and the scheduler runs a crawl every day in the same long-lived
process. The child writes its stats as JSON; its output goes to a log file beside the data
so an operator can read what happened. The parent can stop the child early (SIGTERM to the
scheduler) or after a wall-clock limit, and says which in the failure text. A parent that
dies without a chance to stop it (SIGKILL, the OOM killer) takes the child with it
(`die_with_parent`), so no orphaned crawl goes on writing after the run lock is released.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: How long a child gets to close its spider after the first SIGTERM (Scrapy's graceful stop).
TERMINATE_GRACE_SECONDS = 15.0
#: After the second SIGTERM (Scrapy's forced stop), how long before SIGKILL.
FORCE_GRACE_SECONDS = 5.0
#: In the child's environment: the pid of the run process the crawl must not outlive.
PARENT_ENV = "LPSE_LEADS_CRAWL_PARENT"
#: prctl(2) option: the signal the kernel sends when the creating thread's process dies.
_PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class CrawlRequest:
    """One crawl: sites of one fiscal year into one database, with Scrapy setting overrides."""

    sites: Sequence[str]
    year: int
    db_url: str
    full: bool = False
    settings: Mapping[str, Any] = field(default_factory=dict)
    #: The channel (`crawl --source`); the API token travels in the child's environment, never argv.
    source: str = "spse"
    instansi: tuple[str, ...] = ()

    def argv(self, stats_file: Path) -> list[str]:
        """The child's command line (the same CLI a person would type)."""
        argv = [sys.executable, "-m", "lpse_leads", "crawl", "--year", str(self.year)]
        argv += ["--source", self.source]
        if self.instansi:
            argv += ["--instansi", ",".join(self.instansi)]
        for site in self.sites:
            argv += ["--site", site]
        # The run tells the operator itself, once, after all its crawls (lpse_leads/run.py).
        argv += ["--stats", str(stats_file), "--no-notify"]
        if self.full:
            argv.append("--full")
        for name, value in self.settings.items():
            argv += ["-s", f"{name}={_setting_text(value)}"]
        return argv


@dataclass(frozen=True)
class CrawlResult:
    """How a crawl child ended: exit status, its stats (empty when none were written), why it failed."""

    returncode: int
    stats: dict[str, Any]
    log_file: Path
    failure: str | None


def _setting_text(value: Any) -> str:
    """A setting value as `-s` expects it (booleans as Scrapy reads them)."""
    if isinstance(value, bool):
        return "True" if value else "False"
    return str(value)


def run_crawl(
    request: CrawlRequest,
    work_dir: Path,
    *,
    timeout_seconds: float,
    stop: threading.Event | None = None,
    env: Mapping[str, str] | None = None,
    terminate_grace: float = TERMINATE_GRACE_SECONDS,
) -> CrawlResult:
    """Start the crawl child, wait for it (or stop it), and return its exit status and stats."""
    work_dir.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    stats_file = work_dir / f"crawl-{stamp}-{request.year}.stats.json"
    log_file = work_dir / f"crawl-{stamp}-{request.year}.log"
    stop = stop or threading.Event()
    with log_file.open("wb") as log:
        child = subprocess.Popen(
            request.argv(stats_file),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={
                **os.environ,
                **(env or {}),
                "LPSE_LEADS_DB": request.db_url,
                PARENT_ENV: str(os.getpid()),
            },
        )
        failure = _wait(child, timeout_seconds, stop, terminate_grace)
    stats = _read_stats(stats_file)
    if failure is None and child.returncode != 0:
        failure = f"crawl of {request.year} exited with status {child.returncode} (log: {log_file})"
    return CrawlResult(child.returncode, stats, log_file, failure)


def die_with_parent(env: Mapping[str, str] = os.environ) -> None:
    """In a crawl child started by `run_crawl`: be SIGKILLed by the kernel when the run dies.

    Why: the run holds the run lock (flock / advisory lock), which the kernel or PostgreSQL
    releases the moment the run process dies. A crawl child left running would go on crawling
    and storing while the next run — now holding the lock — crawls, builds leads and sends
    digests from a database still being written. The crawl's store survives SIGKILL (batches
    are transactions, the next crawl resumes), so dying at once is the safe choice. Linux only
    (`prctl(PR_SET_PDEATHSIG)`); elsewhere, and when not started by `run_crawl`, nothing happens.
    """
    parent = env.get(PARENT_ENV, "")
    if not parent.isdigit() or not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        return
    if os.getppid() != int(parent):  # the run died before the request took effect
        os.kill(os.getpid(), signal.SIGKILL)


def _wait(
    child: subprocess.Popen[bytes], timeout_seconds: float, stop: threading.Event, grace: float
) -> str | None:
    """Wait for the child; on stop or timeout terminate it and say why."""
    deadline = time.monotonic() + timeout_seconds
    while child.poll() is None:
        if stop.is_set():
            _terminate(child, grace)
            return "crawl stopped: the process was asked to shut down"
        if time.monotonic() >= deadline:
            _terminate(child, grace)
            return f"crawl stopped after the {timeout_seconds / 60:.0f}-minute limit (crawl.timeout_minutes)"
        stop.wait(0.2)
    return None


def _terminate(child: subprocess.Popen[bytes], grace: float) -> None:
    """SIGTERM (Scrapy closes the spider, flushing the store), a second SIGTERM (Scrapy's forced
    stop) if that takes longer than `grace`, and SIGKILL as the last resort."""
    for signal_child, wait in ((child.terminate, grace), (child.terminate, FORCE_GRACE_SECONDS)):
        signal_child()
        try:
            child.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue
    child.kill()
    child.wait()


def _read_stats(path: Path) -> dict[str, Any]:
    """The child's stats, or an empty dict when it wrote none (crashed before the end)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
