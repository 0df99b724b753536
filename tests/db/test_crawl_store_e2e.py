"""End to end on SQLite and PostgreSQL: crawl the fake SPSE into the database, export, compare with truth.

Each crawl is `python -m lpse_leads crawl --db URL` in a subprocess (politeness lifted for the
local fake). Day 0 → export equals the truth; day 1 → export equals the new truth, one history
row per changed field, and only list calls plus the detail pages of new/changed packages are
requested; crawls killed with SIGKILL and resumed lose and duplicate nothing.
"""

from __future__ import annotations

import json
import random
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from crawler.parsers import is_construction
from domain.jsonio import loads_record
from fake_spse import FakeSpse
from pipeline.db import make_engine
from pipeline.models import Package, PackageChange, Site
from pipeline.record import TRACKED_FIELDS

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SLUGS = ["kota-a", "kab-b"]
FAST = [
    "DOWNLOAD_DELAY=0",
    "AUTOTHROTTLE_ENABLED=False",
    "CONCURRENT_REQUESTS_PER_DOMAIN=16",
    "LOG_LEVEL=WARNING",
    "LPSE_STORE_BATCH_SIZE=20",
    "LPSE_STORE_FLUSH_SECONDS=0.5",
]
LIST_KINDS = {"listing", "dt", "unknown_slug"}
_CODE = re.compile(r"(\d{5,})")


def crawl_command(fake: FakeSpse, db_url: str, stats: Path, settings: list[str] = FAST) -> list[str]:
    """`lpse-leads crawl --db` of the fake's SLUGS with politeness lifted (crawler/README.md)."""
    cmd = [sys.executable, "-m", "lpse_leads", "crawl", "--year", "2026", "--db", db_url]
    cmd += ["--stats", str(stats)]
    for slug in SLUGS:
        cmd += ["--site", fake.base_url(slug)]
    for setting in settings:
        cmd += ["-s", setting]
    return cmd


def crawl(fake: FakeSpse, db_url: str, tmp_path: Path) -> dict[str, Any]:
    """One complete crawl; its Scrapy stats."""
    stats = tmp_path / "stats.json"
    done = subprocess.run(
        crawl_command(fake, db_url, stats), cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-5000:]
    return json.loads(stats.read_text(encoding="utf-8"))


def export(db_url: str) -> list[dict[str, Any]]:
    done = subprocess.run(
        [sys.executable, "-m", "lpse_leads", "packages", "export", "--format", "jsonl", "--db", db_url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return [loads_record(line) for line in done.stdout.splitlines() if line]


def construction_truth(fake: FakeSpse) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["site"], r["code"]): r for r in fake.truth() if is_construction(r["category"])}


def assert_equal_to_truth(
    records: list[dict[str, Any]], truth: dict[tuple[str, str], dict[str, Any]]
) -> None:
    keys = Counter((r["site"], r["code"]) for r in records)
    assert [k for k, n in keys.items() if n > 1] == []
    got = {(r["site"], r["code"]): r for r in records}
    assert sorted(set(truth) - set(got)) == []
    assert sorted(set(got) - set(truth)) == []
    for key, expected in truth.items():
        for field in sorted(set(expected) | set(got[key])):
            assert got[key].get(field) == expected.get(field), (key, field)


def detail_codes(log: list[dict[str, Any]]) -> Counter[str]:
    """Detail-page requests per package code (everything but robots, listing pages and list calls)."""
    counts: Counter[str] = Counter()
    for entry in log:
        if entry["kind"] not in LIST_KINDS:
            found = _CODE.search(entry["path"])
            counts[found.group(1) if found else "?"] += 1
    return counts


def stored_fingerprints(db_url: str) -> int:
    """How many packages have a list fingerprint stored (the incremental state)."""
    engine = make_engine(db_url)
    with engine.connect() as connection:
        found = connection.execute(
            select(func.count()).where(Package.list_fingerprint.is_not(None))
        ).scalar_one()
    engine.dispose()
    return found



def test_daily_crawls_store_the_truth_history_and_read_only_what_changed(migrated, tmp_path):
    with FakeSpse(slugs=SLUGS, packages=80, seed=11, year=2026) as fake:
        crawl(fake, migrated, tmp_path)
        day0 = construction_truth(fake)
        assert len(day0) > 30
        assert_equal_to_truth(export(migrated), day0)
        per_package_day0 = detail_codes(fake.stats()["log"])
        fingerprinted = stored_fingerprints(migrated)

        fake.set_day(1)
        before = len(fake.stats()["log"])
        stats = crawl(fake, migrated, tmp_path)
        day1 = construction_truth(fake)
        assert_equal_to_truth(export(migrated), day1)
        log1 = fake.stats()["log"][before:]

    changed = {k for k in day1 if k in day0 and day1[k] != day0[k]}
    new = set(day1) - set(day0)
    assert changed, "the fake world should change between day 0 and day 1"

    engine = make_engine(migrated)
    with engine.connect() as connection:
        rows = connection.execute(
            select(Site.url, Package.code, PackageChange.field)
            .join(Package, Package.id == PackageChange.package_id)
            .join(Site, Site.id == Package.site_id)
        ).all()
    engine.dispose()
    recorded: dict[tuple[str, str], set[str]] = {}
    for url, code, field in rows:
        recorded.setdefault((url, code), set()).add(field)
    expected = {key: {f for f in TRACKED_FIELDS if day0[key].get(f) != day1[key].get(f)} for key in changed}
    assert recorded == expected

    assert fingerprinted == len(day0), "every stored package keeps its list fingerprint"
    list_requests = sum(1 for e in log1 if e["kind"] in LIST_KINDS)
    wanted_codes = {code for _, code in changed | new}
    tabs = detail_codes(log1)
    floor = list_requests + sum(per_package_day0.get(code) or tabs[code] for code in wanted_codes)
    assert stats["downloader/request_count"] <= 1.2 * floor, (stats["downloader/request_count"], floor)


def test_a_crawl_killed_at_random_moments_resumes_without_loss_or_duplicates(migrated, tmp_path):
    rng = random.Random(20260122)
    with FakeSpse(slugs=SLUGS, packages=80, seed=5, year=2026) as fake:
        for _ in range(3):
            process = subprocess.Popen(
                crawl_command(fake, migrated, tmp_path / "killed.json"),
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(rng.uniform(0.5, 2.5))
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
        crawl(fake, migrated, tmp_path)
        assert_equal_to_truth(export(migrated), construction_truth(fake))
