"""A crawl child never outlives the run that started it (SIGKILL of the run, `kill -9`, OOM killer).

Found by the crash test of `lpse-leads run` (tests/reliability/test_run_crash.py): the run's lock
is released by the kernel when the run dies, but its crawl child went on crawling and storing
while the next run held the lock. Real processes here: a parent calling `run_crawl` against a
fake SPSE slowed to one request at a time, killed with SIGKILL while its crawl runs.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from fake_spse import FakeSpse
from lpse_leads.crawl_process import PARENT_ENV
from tests.reliability.crashkit import alive, children

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]

PARENT = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from lpse_leads.crawl_process import CrawlRequest, run_crawl

    site, db_url, work = sys.argv[1:4]
    settings = {"DOWNLOAD_DELAY": 0.5, "AUTOTHROTTLE_ENABLED": False, "CONCURRENT_REQUESTS": 1}
    run_crawl(CrawlRequest([site], 2026, db_url, settings=settings), Path(work), timeout_seconds=600)
    """
)


def wait_for(condition, seconds: float) -> bool:
    """Poll `condition` until true or `seconds` passed."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_the_crawl_child_is_killed_with_its_run(tmp_path):
    with FakeSpse(slugs=["kota-a"], packages=60, seed=3, year=2026) as fake:
        parent = subprocess.Popen(
            [sys.executable, "-c", PARENT, fake.base_url("kota-a"), f"sqlite:///{tmp_path / 'db.sqlite'}",
             str(tmp_path / "logs")],
            cwd=ROOT,
        )  # fmt: skip
        try:
            assert wait_for(lambda: children(parent.pid), 30), "the crawl child never started"
            (crawl,) = children(parent.pid)
            crawl_requests = fake.stats()["total"]
            assert wait_for(lambda: fake.stats()["total"] > crawl_requests, 30), "the crawl is not crawling"
            os.kill(parent.pid, signal.SIGKILL)
            parent.wait(timeout=10)
            assert wait_for(lambda: not alive(crawl), 10), "the crawl child outlived its run"
        finally:
            for pid in [parent.pid, *children(parent.pid)]:
                if alive(pid):
                    os.kill(pid, signal.SIGKILL)


def test_a_child_whose_run_is_already_gone_kills_itself(tmp_path):
    """The race: the run died between starting the child and the child's prctl request."""
    code = "from lpse_leads.crawl_process import die_with_parent; die_with_parent(); print('still here')"
    not_my_parent = str(os.getpid() + 1_000_000)
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, PARENT_ENV: not_my_parent},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == -signal.SIGKILL
    assert "still here" not in done.stdout


def test_without_the_variable_nothing_happens(tmp_path):
    code = "from lpse_leads.crawl_process import die_with_parent; die_with_parent(); print('still here')"
    env = {k: v for k, v in os.environ.items() if k != PARENT_ENV}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0
    assert done.stdout.strip() == "still here"
