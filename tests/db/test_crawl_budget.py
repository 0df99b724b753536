"""A crawl with a request budget reads the lists, then leads first, and the next run resumes (issue 10)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest

from crawler.refetch import is_winner_stage
from domain.dates import JAKARTA
from fake_spse import FakeSpse
from lpse_leads.crawl_budget import seconds_until
from tests.db.test_crawl_store_e2e import (
    ROOT,
    SLUGS,
    assert_equal_to_truth,
    construction_truth,
    crawl_command,
    export,
)

pytestmark = pytest.mark.slow



def _crawl(fake: FakeSpse, db_url: str, tmp_path: Path, *extra: str) -> tuple[int, dict]:
    stats = tmp_path / "stats.json"
    cmd = crawl_command(fake, db_url, stats)
    done = subprocess.run([*cmd, *extra], cwd=ROOT, capture_output=True, text=True, timeout=300)
    return done.returncode, json.loads(stats.read_text(encoding="utf-8"))


def _lead(record: dict) -> bool:
    return "contract_value" in record or bool(record["winners"]) or is_winner_stage(record["stage"])


def test_seconds_until_a_time_of_day_in_jakarta():
    now = dt.datetime(2026, 9, 1, 5, 0, tzinfo=JAKARTA)
    assert seconds_until("05:30", now) == 1800
    assert seconds_until("04:00", now) == 23 * 3600


def test_a_request_budget_reads_leads_first_and_the_next_run_resumes(migrated, tmp_path):
    with FakeSpse(slugs=SLUGS, packages=120, seed=13, year=2026) as fake:
        truth = construction_truth(fake)
        leads = {k for k, r in truth.items() if _lead(r)}
        others = set(truth) - leads
        assert leads and others
        code, stats = _crawl(fake, migrated, tmp_path, "--max-requests", "60")
        assert code == 0 and stats["finish_reason"] == "closespider_pagecount"
        first = {(r["site"], r["code"]) for r in export(migrated)}
        assert first and first < set(truth)
        assert not first & others or leads <= first  # no pre-award package before every lead
        code, stats = _crawl(fake, migrated, tmp_path)
        assert code == 0 and stats["finish_reason"] == "finished"
        assert_equal_to_truth(export(migrated), construction_truth(fake))
