"""Benchmark: requests of a full first crawl and of the next day's crawl (issue 10's goals).

    .venv/bin/python bench/next_day.py [--slugs 3] [--packages 1000] [--seed 21] [--workdir DIR]

A fake SPSE (strict 2026 host, no faults) serves `--slugs` slugs of `--packages` day-0 packages;
`lpse-leads crawl` (subprocess; the local-fake flags of crawler/README.md, nothing else) reads
day 0 into a fresh SQLite database, the fake moves to day 1, and the same command crawls again
(incremental, the default). Both days' stored packages are compared with the fake's truth.
Prints requests (the fake's own count, robots.txt excluded), requests per construction package
(full and incremental), list calls (listing pages + list calls) per slug, and a `SUMMARY` line.

Schedule revisions (`fake_spse.revisions`, on as on the real host): how many construction
packages the fake revised between the two crawls, how many of them had their jadwal read again
on day 1, and how many stored packages differ from the truth *only* by a jadwal whose revision
the list row does not show yet (`schedule_lags`: no crawler can see it from the list; counted
apart from every other mismatch, and inside `mismatches_with_truth`, never hidden).
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
from fake_spse.revisions import hidden_revisions, revised_between  # noqa: E402

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


def _mismatches(got: dict, want: dict) -> list[tuple[str, str]]:
    keys = set(got) | set(want)
    return sorted(k for k in keys if got.get(k) != want.get(k))


def _schedule_lag(got: dict | None, want: dict | None) -> bool:
    """The stored package differs from the truth only by its jadwal."""
    if got is None or want is None:
        return False
    return {f for f in set(got) | set(want) if got.get(f) != want.get(f)} == {"stages"}


def _revisions(fake: FakeSpse, slugs: list[str], since: Any, day0: dict, log: list[dict]) -> dict[str, Any]:
    """Day 1's schedule revisions: made since day 0's crawl, their jadwal read again, hidden by the row."""
    world = fake.world
    revised = [
        (fake.base_url(slug), p.code)
        for slug in slugs
        for p in world.packages(slug)
        if revised_between(p, since, world.now) and (fake.base_url(slug), p.code) in day0
    ]
    jadwal = {e["path"] for e in log if e["kind"] == "jadwal"}
    reread = [key for key in revised if any(f"/{key[1]}/" in path for path in jadwal)]
    hidden = {(fake.base_url(slug), code) for slug, code in hidden_revisions(world, since)}
    return {
        "revised_construction": len(revised),
        "revised_with_stored_jadwal": sum(1 for key in revised if day0[key].get("stages")),
        "jadwal_read_again": len(reread),
        "hidden_by_the_row": sum(1 for key in revised if key in hidden),
        "hidden": hidden,
    }


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
    day0_stored: dict[tuple[str, str], dict[str, Any]] = {}
    day0_now: Any = None
    with FakeSpse(slugs=slugs, packages=args.packages, seed=args.seed, year=2026) as fake:
        for day in (0, 1):
            fake.set_day(day)
            before = len(fake.stats()["log"])
            stats = _crawl(fake, slugs, db, work / f"stats-{day}.json")
            log = fake.stats()["log"][before:]
            kinds = _requests(log)
            truth = _truth(fake)
            stored = _export(db)
            wrong = _mismatches(stored, truth)
            total = sum(kinds.values())
            lists = sum(n for k, n in kinds.items() if k in LIST_KINDS)
            revisions: dict[str, Any] = {"hidden": set()}
            if day == 1:
                revisions = _revisions(fake, slugs, day0_now, day0_stored, log)
            hidden = revisions["hidden"]
            lags = [k for k in wrong if k in hidden and _schedule_lag(stored.get(k), truth.get(k))]
            results[day] = {
                "requests": total,
                "list_calls_per_slug": lists / len(slugs),
                "detail_requests": total - lists,
                "construction_packages": len(truth),
                "requests_per_construction_package": total / len(truth),
                "mismatches_with_truth": len(wrong),
                "schedule_lags": len(lags),
                "other_mismatches": len(wrong) - len(lags),
                "schedule_revisions": {k: v for k, v in revisions.items() if k != "hidden"},
                "by_kind": dict(sorted(kinds.items())),
                "refetch": {k: v for k, v in stats.items() if k.startswith("lpse/refetch/")},
                "unchanged": stats.get("lpse/list_unchanged", 0),
            }
            if day == 0:
                day0_truth, day0_stored, day0_now = truth, stored, fake.world.now
        new = set(truth) - set(day0_truth)
        changed = {k for k in truth if k in day0_truth and truth[k] != day0_truth[k]}
    results[1]["new_packages"] = len(new)
    results[1]["changed_packages"] = len(changed)
    results[1]["requests_per_new_or_changed_package"] = results[1]["requests"] / max(1, len(new | changed))
    print(json.dumps(results, indent=2, default=str))
    print(
        "SUMMARY full: {r0} requests, {p0:.2f} per construction package; next day: {r1} requests "
        "({n} new, {c} changed), {p1:.3f} per construction package; list calls per slug {l0:.1f} / {l1:.1f}; "
        "mismatches with truth {m0} / {m1} (day 1: {lag} stored jadwals lag a revision the row does not show "
        "yet, {other} other); schedules revised since day 0: {rev} ({stored} with a stored jadwal), "
        "jadwal read again {reread}, crawler's schedule_revised {flagged}".format(
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
            lag=results[1]["schedule_lags"],
            other=results[1]["other_mismatches"],
            rev=results[1]["schedule_revisions"]["revised_construction"],
            stored=results[1]["schedule_revisions"]["revised_with_stored_jadwal"],
            reread=results[1]["schedule_revisions"]["jadwal_read_again"],
            flagged=results[1]["refetch"].get("lpse/refetch/schedule_revised", 0),
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
