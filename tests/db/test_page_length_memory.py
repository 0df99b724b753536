"""The host's page length kept between crawls, on SQLite and PostgreSQL, against the fake SPSE.

Run 1 learns what the host does with `length=100000` (one check call behind a large short
page) and stores it in `host_page_lengths`; `crawl --plan` and run 2 ask each list once and spend
no check call; a finding older than the re-check days is checked again; a host that starts
capping pages below the stored finding is caught in the first run that sees it, and no row is
lost. List calls are counted in the fake's own request log.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import update

from crawler.parsers import is_construction
from fake_spse import FakeSpse
from pipeline.models import HostPageLength
from pipeline.page_lengths import page_lengths
from tests.db.test_crawl_store_e2e import ROOT, SLUGS, crawl_command, export

pytestmark = pytest.mark.slow

LISTS = ("tender", "non_tender", "darurat", "pencatatan", "swakelola")
FAST = [
    "DOWNLOAD_DELAY=0",
    "AUTOTHROTTLE_ENABLED=False",
    "CONCURRENT_REQUESTS_PER_DOMAIN=16",
    "CONCURRENT_REQUESTS=16",
    "LOG_LEVEL=WARNING",
    "LPSE_STORE_BATCH_SIZE=200",
    "LPSE_STORE_FLUSH_SECONDS=0.5",
]


def crawl(fake: FakeSpse, db_url: str, tmp_path: Path, *extra: str) -> tuple[dict[str, Any], int, str]:
    """One `lpse-leads crawl --db` (subprocess): its stats, the list calls the fake answered, its output."""
    stats = tmp_path / "stats.json"
    stats.unlink(missing_ok=True)
    cmd = [*crawl_command(fake, db_url, stats, FAST), *extra, "--no-notify"]
    before = len(fake.stats()["log"])
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-5000:]
    lists = sum(1 for entry in fake.stats()["log"][before:] if entry["kind"] == "dt")
    return json.loads(stats.read_text(encoding="utf-8")), lists, done.stdout


def list_sizes(fake: FakeSpse) -> list[int]:
    """Rows of every list of fiscal year 2026 the fake serves today."""
    site = fake.server.site
    return [
        sum(1 for package, _ in site.rows(slug, kind) if 2026 in package.fiscal_years)
        for slug in SLUGS
        for kind in LISTS
    ]


def stored_packages(db_url: str) -> set[tuple[str, str]]:
    return {(r["site"], r["code"]) for r in export(db_url)}


def construction_keys(fake: FakeSpse) -> set[tuple[str, str]]:
    return {(r["site"], r["code"]) for r in fake.truth() if is_construction(r["category"])}



def test_the_page_length_is_learned_once_kept_and_checked_again_later(db_url, engine, tmp_path):
    with FakeSpse(slugs=SLUGS, packages=300, seed=5, year=2026) as fake:
        sizes = list_sizes(fake)
        assert max(sizes) >= 100  # a short page large enough to be worth a check call
        host = urlsplit(fake.base_url(SLUGS[0])).netloc

        stats, lists, _ = crawl(fake, db_url, tmp_path)
        assert stats.get("lpse/list_probe", 0) >= 1 and lists == len(sizes) + stats["lpse/list_probe"]
        (found,) = page_lengths(engine).items()
        assert found[0] == host
        assert found[1]["cap"] is None and found[1]["honoured_up_to"] == max(sizes)
        assert found[1]["requested"] == 100_000

        stats, lists, out = crawl(fake, db_url, tmp_path, "--plan")
        assert lists == len(sizes)  # the plan predicts the crawl that follows: one call per list
        assert "lpse/list_probe" not in stats
        assert f"page length {host}" in out and f"honours long pages ({max(sizes):,} rows proven)" in out

        stats, lists, _ = crawl(fake, db_url, tmp_path)
        assert lists == len(sizes)  # run 2: one call per list, no check call
        assert "lpse/list_probe" not in stats
        assert stats["lpse/page_length/remembered"] == 1 and stats["lpse/page_length/trusted"] >= 1
        assert page_lengths(engine) == {host: found[1]}  # nothing new proven: kept as it was

        stale = dt.datetime.now(dt.UTC) - dt.timedelta(days=8)
        with engine.begin() as connection:
            connection.execute(update(HostPageLength).values(checked_at=stale))
        stats, lists, _ = crawl(fake, db_url, tmp_path)
        assert stats["lpse/page_length/recheck"] == 1 and stats.get("lpse/list_probe", 0) >= 1
        assert lists == len(sizes) + stats["lpse/list_probe"]
        again = page_lengths(engine)[host]
        assert again["checked_at"] > stale + dt.timedelta(days=7)
        assert again["learned_at"] == found[1]["learned_at"]  # the same behaviour, confirmed again


def test_a_host_that_starts_capping_below_the_finding_is_noticed_no_row_lost(db_url, engine, tmp_path):
    cap = 100
    with FakeSpse(slugs=SLUGS, packages=300, seed=5, year=2026) as fake:
        sizes = list_sizes(fake)
        assert len([n for n in sizes if n > cap]) >= 2  # a capping host answers them all with `cap` rows
        host = urlsplit(fake.base_url(SLUGS[0])).netloc
        crawl(fake, db_url, tmp_path)
        assert page_lengths(engine)[host]["honoured_up_to"] == max(sizes) > cap

        fake.set_day(1)  # a new day: new packages, some of them beyond the cap
        fake.set_page_cap(cap)
        stats, lists, _ = crawl(fake, db_url, tmp_path)
        assert stats["lpse/page_length/changed"] == 1
        assert stats["lpse/page_length/reread"] >= 1  # a list first ended on trust is read on
        assert stored_packages(db_url) == construction_keys(fake)
        found = page_lengths(engine)[host]
        assert found["cap"] == cap and found["honoured_up_to"] == 0
        # pages of `cap` rows, then a short (or empty) one
        paged = sum(-(-n // cap) + (n % cap == 0) for n in list_sizes(fake))
        assert lists == paged  # the check call and the list read on are pages paging needs anyway

        stats, lists, _ = crawl(fake, db_url, tmp_path)
        assert "lpse/list_probe" not in stats and "lpse/page_length/changed" not in stats
        assert lists == paged  # the cap is asked for at once: pages of `cap` rows, no check call
