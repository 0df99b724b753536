"""Helpers of the end-to-end crawl tests: run `lpse-leads crawl` in a subprocess, compare with truth.

Each crawl runs in its own process (Scrapy's reactor cannot restart in one process), with
politeness lifted by `-s` for the local fake.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from crawler.parsers import is_construction
from domain.jsonio import loads_record
from fake_spse import FakeSpse

ROOT = Path(__file__).resolve().parents[2]
SLUGS = ["kota-a", "kab-b", "kemen-c"]
CONCURRENCY = 8
PAGE_LENGTH = 20
#: Politeness lifted for a local fake, exactly as crawler/README.md gives it; nothing else changed.
LOCAL_FAKE = [
    "DOWNLOAD_DELAY=0",
    "AUTOTHROTTLE_ENABLED=False",
    f"CONCURRENT_REQUESTS_PER_DOMAIN={CONCURRENCY}",
    f"CONCURRENT_REQUESTS={CONCURRENCY}",
    "LPSE_RETRY_BACKOFF_BASE=0.05",
    "LPSE_RATE_LIMIT_SLOT_DELAY=0.001",
    "RETRY_TIMES=6",
    "LPSE_RETRY_LATER_DELAY=0.2",
]
#: The local-fake flags plus small pages, so that paging happens.
FAST = [*LOCAL_FAKE, f"LPSE_DT_PAGE_LENGTH={PAGE_LENGTH}", "LOG_LEVEL=WARNING"]


def crawl(
    fake: FakeSpse, tmp_path: Path, *extra: str, base: list[str] = FAST, slugs: list[str] = SLUGS
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Run `python -m lpse_leads crawl` over the fake's slugs; return (records, stats)."""
    out, stats = tmp_path / "packages.jsonl", tmp_path / "stats.json"
    cmd = [sys.executable, "-m", "lpse_leads", "crawl", "--year", "2026"]
    cmd += ["--jsonl", str(out), "--stats", str(stats)]
    for slug in slugs:
        cmd += ["--site", fake.base_url(slug)]
    for setting in [*base, *extra]:
        cmd += ["-s", setting]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-5000:]
    records = [loads_record(line) for line in out.read_text(encoding="utf-8").splitlines() if line]
    return records, json.loads(stats.read_text(encoding="utf-8"))


def crawl_into(fake: FakeSpse, db: str, stats: Path, *extra: str, slugs: list[str] = SLUGS) -> dict[str, Any]:
    """Run `python -m lpse_leads crawl --db DB` (incremental unless `--full` is in `extra`); its stats."""
    cmd = [sys.executable, "-m", "lpse_leads", "crawl", "--year", "2026", "--db", db, "--stats", str(stats)]
    for slug in slugs:
        cmd += ["--site", fake.base_url(slug)]
    for setting in FAST:
        cmd += ["-s", setting]
    done = subprocess.run([*cmd, *extra], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-5000:]
    return json.loads(stats.read_text(encoding="utf-8"))


def export(db: str) -> dict[tuple[str, str], dict[str, Any]]:
    """The stored packages (`packages export --format jsonl`), by (site, code)."""
    cmd = [sys.executable, "-m", "lpse_leads", "packages", "export", "--format", "jsonl", "--db", db]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    records = [loads_record(line) for line in done.stdout.splitlines() if line]
    return {(r["site"], r["code"]): r for r in records}


def construction_truth(fake: FakeSpse) -> list[dict[str, Any]]:
    """The fake's records of construction packages: what a crawl must write."""
    return [r for r in fake.truth() if is_construction(r.get("category", ""))]


def assert_same_packages(records: list[dict[str, Any]], truth: list[dict[str, Any]]) -> None:
    """Same keys, no duplicates, and every record equal to its truth field by field."""
    keys = Counter((r["site"], r["code"]) for r in records)
    assert [k for k, n in keys.items() if n > 1] == []
    got = {(r["site"], r["code"]): r for r in records}
    want = {(r["site"], r["code"]): r for r in truth}
    assert sorted(set(want) - set(got)) == []
    assert sorted(set(got) - set(want)) == []
    for key, expected in want.items():
        actual = got[key]
        for field in sorted(set(expected) | set(actual)):
            assert actual.get(field) == expected.get(field), (key, field)


def requests_by_kind(fake_stats: dict[str, Any]) -> Counter[str]:
    """Requests the fake answered, by page kind (all statuses)."""
    return Counter({kind: sum(by_status.values()) for kind, by_status in fake_stats["requests"].items()})


def rate_limit_bursts(fake_stats: dict[str, Any]) -> list[list[dict[str, Any]]]:
    """The fake's 429 answers grouped by burst: a burst lasts Retry-After from its first 429."""
    bursts: list[list[dict[str, Any]]] = []
    for hit in sorted(fake_stats["rate_limits"], key=lambda h: h["sent_at"]):
        if bursts and hit["sent_at"] < bursts[-1][0]["sent_at"] + bursts[-1][0]["retry_after"]:
            bursts[-1].append(hit)
        else:
            bursts.append([hit])
    return bursts
