"""The `[health]` thresholds reach the crawl that judges: `lpse-leads crawl` and the child `run` starts.

A fake SPSE where one detail page in five answers HTTP 500 once before it recovers: every
package is read (a retry succeeds), and about 9 % of detail requests failed (8 of 90 with the
lead-first crawler) — `ok` at the default `failed_share` (25 %), `degraded` at 2 %. Each crawl
gets a fresh fake (a broken tab recovers for good once hit), so both crawls see the same failures.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from fake_spse import FakeSpse
from fake_spse.faults import Profile
from tests.crawler.e2e import FAST, ROOT
from tests.health.test_health_crawl import crawl, health
from tests.health.test_health_run import run

pytestmark = pytest.mark.slow

SLUG = "kota-a"
#: One (package, tab) page in five answers 500 once, then recovers; nothing else goes wrong.
TABS_FAIL_ONCE = Profile("tabs fail once", tab_error=0.2, tab_error_hits=1)


def fake() -> FakeSpse:
    return FakeSpse(slugs=[SLUG], packages=60, seed=12, year=2026, faults=TABS_FAIL_ONCE)


def crawl_env(db_url: str, **extra: str) -> dict[str, str]:
    own = ("LPSE_LEADS_HEALTH_", "LPSE_LEADS_CONFIG")
    env = {k: v for k, v in os.environ.items() if not k.startswith(own)}
    return {**env, "LPSE_LEADS_DB": db_url, "LPSE_LEADS_OPS_TO": "", **extra}


def test_the_crawl_command_judges_with_the_configured_thresholds(migrated):
    with fake() as default_fake:
        site = default_fake.base_url(SLUG)
        done = crawl([site], crawl_env(migrated))
        assert done.returncode == 0, done.stdout + done.stderr
    _, rows = health(crawl_env(migrated))
    assert rows[site]["verdict"] == "ok"
    assert default_fake.stats()["faults"]["tab_error"] > 0  # there were failures, below 25 %

    strict = crawl_env(migrated, LPSE_LEADS_HEALTH_FAILED_SHARE="0.02")
    with fake() as strict_fake:
        site = strict_fake.base_url(SLUG)
        done = crawl([site], strict)
        assert done.returncode == 0, done.stdout + done.stderr  # degraded is not a failed crawl
    _, rows = health(strict)
    assert rows[site]["verdict"] == "degraded"
    [reason] = rows[site]["reasons"]
    assert reason.startswith("detail requests failing: ")
    failed = strict_fake.stats()["faults"]["tab_error"]
    assert reason.endswith(f"(server error (5xx) ×{failed}; threshold 2%)")


def test_run_passes_the_health_table_of_its_configuration_to_the_crawl(migrated, tmp_path):
    values = dict(s.split("=", 1) for s in FAST) | {"RETRY_TIMES": "1"}
    settings = "\n".join(f'{name} = "{value}"' for name, value in values.items())
    with fake() as strict_fake:
        site = strict_fake.base_url(SLUG)
        config = tmp_path / "run.toml"
        config.write_text(
            f"""[data]
home = "{tmp_path / "home"}"
database_url = "{migrated}"

[crawl]
sites = ["{site}"]
years = [2026]

[crawl.settings]
{settings}

[health]
failed_share = 0.02
""",
            encoding="utf-8",
        )
        done = run(config)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{site} (2026): detail requests failing:" in done.stdout
    assert "threshold 2%" in done.stdout


@pytest.mark.parametrize(
    ("extra", "setting", "message"),
    [
        ({"LPSE_LEADS_HEALTH_FAILED_SHARE": "1.5"}, None, "health.failed_share: expected a fraction"),
        ({}, 'LPSE_HEALTH_THRESHOLDS={"min_rows": 0}', "THRESHOLDS: expected a whole number of at least 1"),
        ({}, "LPSE_HEALTH_THRESHOLDS={oops", "-s LPSE_HEALTH_THRESHOLDS:"),
    ],
)
def test_a_bad_threshold_stops_the_crawl_before_it_starts(tmp_path, extra, setting, message):
    cmd = [sys.executable, "-m", "lpse_leads", "crawl", "--year", "2026", "--site", "http://127.0.0.1:9/x"]
    cmd += ["-s", setting] if setting else []
    env = crawl_env(f"sqlite:///{tmp_path / 'crawl.db'}", **extra)
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stdout + done.stderr
    assert message in done.stderr
    assert "Traceback" not in done.stderr
