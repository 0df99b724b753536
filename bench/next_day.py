"""Benchmark: requests of a full first crawl and of the next day's crawl (issue 10's goals).

    .venv/bin/python bench/next_day.py [--slugs 3] [--packages 1000] [--seed 21] [--workdir DIR]

A fake SPSE (strict 2026 host, no faults) serves `--slugs` slugs of `--packages` day-0 packages;
`lpse-leads crawl` (subprocess; the local-fake flags of crawler/README.md, nothing else) reads
day 0 into a fresh SQLite database, the fake moves to day 1, and the same command crawls again
(incremental, the default). Both days' stored packages are compared with the fake's truth.
Prints requests (the fake's own count, robots.txt excluded), requests per construction package
(full and incremental), list calls (listing pages + list calls) per slug, and a `SUMMARY` line.
Never run in `make test`.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.parsers import is_construction  # noqa: E402
from domain.jsonio import loads_record  # noqa: E402
from fake_spse import FakeSpse  # noqa: E402

LOCAL_FAKE = [
    "DOWNLOAD_DELAY=0",
    "AUTOTHROTTLE_ENABLED=False",
    "CONCURRENT_REQUESTS_PER_DOMAIN=8",
    "CONCURRENT_REQUESTS=8",
    "LPSE_RETRY_BACKOFF_BASE=0.05",
    "LPSE_RATE_LIMIT_SLOT_DELAY=0.001",
    "RETRY_TIMES=6",
    "LPSE_RETRY_LATER_DELAY=0.2",
    "LOG_LEVEL=WARNING",
]
LIST_KINDS = {"listing", "dt"}


def _crawl(fake: FakeSpse, slugs: list[str], db: str, stats: Path) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "lpse_leads", "crawl", "--year", "2026", "--db", db, "--stats", str(stats)]
    for slug in slugs:
        cmd += ["--site", fake.base_url(slug)]
    for setting in LOCAL_FAKE:
        cmd += ["-s", setting]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        raise SystemExit(f"crawl failed: {done.stdout[-2000:]}{done.stderr[-3000:]}")
    return json.loads(stats.read_text(encoding="utf-8"))


def _export(db: str) -> dict[tuple[str, str], dict[str, Any]]:
    done = subprocess.run(
        [sys.executable, "-m", "lpse_leads", "packages", "export", "--format", "jsonl", "--db", db],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    records = [loads_record(line) for line in done.stdout.splitlines() if line]
    return {(r["site"], r["code"]): r for r in records}


def _truth(fake: FakeSpse) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["site"], r["code"]): r for r in fake.truth() if is_construction(r.get("category", ""))}


def _mismatches(got: dict, want: dict) -> int:
    keys = set(got) | set(want)
    return sum(1 for k in keys if got.get(k) != want.get(k))


def _requests(log: list[dict[str, Any]]) -> Counter[str]:
    """Requests by page kind from the fake's log (everything it answered)."""
    return Counter(e["kind"] for e in log)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--slugs", type=int, default=3)
    parser.add_argument("--packages", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args(argv)
    slugs = [f"lpse-{i}" for i in range(args.slugs)]
    work = args.workdir or Path(tempfile.mkdtemp(prefix="next-day-"))
    work.mkdir(parents=True, exist_ok=True)
    db = f"sqlite:///{work / 'bench.sqlite'}"
    results: dict[str, Any] = {}
    day0_truth: dict[tuple[str, str], dict[str, Any]] = {}
    with FakeSpse(slugs=slugs, packages=args.packages, seed=args.seed, year=2026) as fake:
        for day in (0, 1):
            fake.set_day(day)
            before = len(fake.stats()["log"])
            stats = _crawl(fake, slugs, db, work / f"stats-{day}.json")
            log = fake.stats()["log"][before:]
            kinds = _requests(log)
            truth = _truth(fake)
            total = sum(kinds.values())
            lists = sum(n for k, n in kinds.items() if k in LIST_KINDS)
            results[day] = {
                "requests": total,
                "list_calls_per_slug": lists / len(slugs),
                "detail_requests": total - lists,
                "construction_packages": len(truth),
                "requests_per_construction_package": total / len(truth),
                "mismatches_with_truth": _mismatches(_export(db), truth),
                "by_kind": dict(sorted(kinds.items())),
                "refetch": {k: v for k, v in stats.items() if k.startswith("lpse/refetch/")},
                "unchanged": stats.get("lpse/list_unchanged", 0),
            }
            if day == 0:
                day0_truth = truth
        new = set(truth) - set(day0_truth)
        changed = {k for k in truth if k in day0_truth and truth[k] != day0_truth[k]}
    results[1]["new_packages"] = len(new)
    results[1]["changed_packages"] = len(changed)
    results[1]["requests_per_new_or_changed_package"] = results[1]["requests"] / max(1, len(new | changed))
    print(json.dumps(results, indent=2, default=str))
    print(
        "SUMMARY full: {r0} requests, {p0:.2f} per construction package; next day: {r1} requests "
        "({n} new, {c} changed), {p1:.3f} per construction package; list calls per slug {l0:.1f} / {l1:.1f}; "
        "mismatches with truth {m0} / {m1}".format(
            r0=results[0]["requests"],
            p0=results[0]["requests_per_construction_package"],
            r1=results[1]["requests"],
            n=len(new),
            c=len(changed),
            p1=results[1]["requests_per_construction_package"],
            l0=results[0]["list_calls_per_slug"],
            l1=results[1]["list_calls_per_slug"],
            m0=results[0]["mismatches_with_truth"],
            m1=results[1]["mismatches_with_truth"],
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
