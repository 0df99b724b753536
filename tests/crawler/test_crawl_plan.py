"""`lpse-leads crawl --plan`: only list calls, and the requests it predicts are the ones the crawl spends.

Registry slugs are crawled on the fake (`--registry-base`), day 0 from an empty database (the
first backfill) and day 1 incrementally: each time the plan's total must equal the requests of
the crawl that follows it, request for request.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from crawler.plan import plan_from_stats
from fake_spse import FakeSpse
from tests.crawler.e2e import FAST, ROOT, construction_truth

SLUGS = ["acehprov", "kemkes", "bandungkab"]


def _crawl(fake: FakeSpse, tmp_path: Path, name: str, *extra: str) -> tuple[dict[str, Any], str]:
    stats = tmp_path / f"{name}.json"
    cmd = [sys.executable, "-m", "lpse_leads", "crawl", "--year", "2026", "--site", SLUGS[0]]
    cmd += ["--site", ",".join(SLUGS[1:]), "--registry-base", fake.url]
    cmd += ["--db", f"sqlite:///{tmp_path / 'leads.sqlite'}", "--stats", str(stats), *extra]
    for setting in FAST:
        cmd += ["-s", setting]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-5000:]
    return json.loads(stats.read_text(encoding="utf-8")), done.stdout


def _spent(stats: dict[str, Any]) -> int:
    """Requests of a crawl, robots.txt aside (the plan counts SPSE pages)."""
    return int(stats["downloader/request_count"]) - int(stats.get("robotstxt/request_count", 0))


def test_plan_predicts_the_backfill_and_the_next_day_request_for_request(tmp_path: Path) -> None:
    with FakeSpse(slugs=SLUGS, packages=90, seed=7, year=2026) as fake:
        before = fake.stats()["total"]
        plan_stats, out = _crawl(fake, tmp_path, "plan0", "--plan")
        plan0 = plan_from_stats(plan_stats, None)
        served = fake.stats()
        kinds = {k for k, by_status in served["requests"].items() if sum(by_status.values())}
        assert kinds <= {"listing", "dt", "unknown_slug", "admin"}, kinds  # no detail page
        assert served["total"] - before == int(plan_stats["downloader/request_count"])
        construction = len(construction_truth(fake))
        assert sum(plan0["rows"].values()) == construction
        assert plan0["rows"]["contract"] > 0 and plan0["rows"]["pre_award"] > 0
        assert "requests expected" in out and f"{plan0['requests']:,}" in out

        stats0, _ = _crawl(fake, tmp_path, "day0")
        assert _spent(stats0) == plan0["requests"]
        assert stats0["lpse/packages"] == construction

        fake.set_day(1)
        plan1 = plan_from_stats(_crawl(fake, tmp_path, "plan1", "--plan")[0], None)
        assert plan1["unchanged_rows"] > 0
        stats1, _ = _crawl(fake, tmp_path, "day1")
        assert _spent(stats1) == plan1["requests"]
        assert plan1["requests"] < plan0["requests"]
