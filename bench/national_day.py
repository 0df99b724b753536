"""Benchmark: one day of the national host (spse.inaproc.id, ~600 LPSE slugs) — day-1 requests vs their floor.

    .venv/bin/python bench/national_day.py [--slugs 600] [--scale 1.0] [--seed 1] [--concurrency 16]
        [--page-length 100] [--workdir DIR]

Never run in `make test`; it must count right, it need not be fast. Steps:

1. a fake SPSE (in this process, one host) serves `--slugs` slugs, each with a deterministic day-0
   size drawn uniformly from 100–3,000 packages (times `--scale`), in the fake's real mix of lists,
   categories and stages;
2. `lpse-leads crawl` (subprocess, politeness lifted: no delay, no AutoThrottle, `--concurrency`
   requests in flight) reads day 0 into a fresh SQLite database;
3. the fake moves to day 1 (`set_day(1)`: ~1% new packages per slug, stages move on) and the
   same command crawls again, incrementally (the default): stored list-row fingerprints spare
   the detail pages of rows that did not change;
4. the day-1 requests (`downloader/request_count` of `--stats`) are compared with the floor:
   list calls (per slug and list: the listing page, then DataTables pages until a short one,
   `n // length + 1`) plus the detail pages of construction packages that are new or whose
   record changed (announcement; pemenang and pemenangberkontrak when the package shows them;
   jadwal for tender and non tender; the realisation page for darurat). The floor is computed
   from the fake's own world and truth (day 0 vs day 1) and its tab rules, never from the
   crawler's counters. robots.txt (one per host) is outside the floor.

Prints requests, floor, ratio (goal ≤ 1.2), the hours that day would take at 1 and 2 requests/s
(the politeness budget of the real host), list calls per slug for several page lengths, and a
final `SUMMARY` line. At full size (600 slugs × ~1,550 packages) the fake alone generates ~930k
packages (~0.6 ms each, several GB) and day 0 is ~1M requests: use `--slugs`/`--scale` for a
smaller day and read the per-slug figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fake_spse import FakeSpse  # noqa: E402
from fake_spse.truth import package_record  # noqa: E402
from fake_spse.vocab import CONSTRUCTION_CATEGORIES  # noqa: E402
from fake_spse.world import LISTS, Package, World  # noqa: E402

YEAR = 2026
#: Day-0 packages per slug before `--scale` (uniform, deterministic per slug).
SIZE_RANGE = (100, 3_000)
#: Page lengths compared: ours, an earlier noted maximum, the doc's upper use, the 2026 max seen.
PAGE_LENGTHS = (100, 300, 500, 10_000)
#: A package's key in the fake's truth: (site, list, code).
Key = tuple[str, str, str]


def slug_names(count: int) -> list[str]:
    """`count` slug names (the real host has ~600: kemkes, jakarta, bandungkab, …)."""
    return [f"lpse{i:03d}" for i in range(count)]


def slug_sizes(slugs: list[str], seed: int, scale: float) -> dict[str, int]:
    """Day-0 package count per slug: uniform in SIZE_RANGE × scale, the same for the same (seed, slug)."""
    sizes = {}
    for slug in slugs:
        rng = random.Random(f"{seed}:{slug}:size")
        sizes[slug] = max(1, round(rng.randint(*SIZE_RANGE) * scale))
    return sizes


# ----- the floor, from the fake's world -------------------------------------------------------------


def detail_pages(p: Package, world: World) -> int:
    """Detail requests a perfect crawler needs for one construction package on the world's current day.

    The fake's tab rules (`fake_spse.pages.available_tabs`): tender and non tender show the
    announcement, peserta (not needed), pemenang once a winner is named and pemenangberkontrak
    once a contract is signed, plus the jadwal page; darurat shows the announcement and the
    realisation page.
    """
    if p.list == "darurat":
        return 2
    state = p.state(world.now)
    return 2 + int(state.winner_named) + int(state.contract)


def list_calls(counts: Counter[str], length: int) -> int:
    """Listing pages + DataTables pages of one slug: per list 1 + n // length + 1 (until a short page)."""
    return sum(1 + counts[kind] // length + 1 for kind in LISTS)


@dataclass
class Floor:
    """The least a crawl of one day must request, and what it is made of."""

    list_calls: int = 0
    detail_pages: int = 0
    new: int = 0
    changed: int = 0
    construction: int = 0
    list_calls_per_slug: dict[int, list[int]] = field(default_factory=dict)
    list_rows: Counter[str] = field(default_factory=Counter)

    @property
    def list_share(self) -> dict[str, float]:
        """Each list's share of all rows (tender, non tender, darurat)."""
        total = sum(self.list_rows.values()) or 1
        return {kind: self.list_rows[kind] / total for kind in LISTS}

    @property
    def total(self) -> int:
        return self.list_calls + self.detail_pages


def floor_of_day(world: World, base_url: Any, length: int, previous: dict[Key, Any] | None) -> Floor:
    """The floor of the world's current day, given `records_of_day` of the day before (None: day 0)."""
    floor = Floor(list_calls_per_slug={n: [] for n in PAGE_LENGTHS})
    for slug in world.slugs:
        site = base_url(slug)
        counts: Counter[str] = Counter()
        for p in world.packages(slug):
            counts[p.list] += 1
            if p.category not in CONSTRUCTION_CATEGORIES:
                continue
            floor.construction += 1
            if previous is None:
                floor.detail_pages += detail_pages(p, world)
                continue
            before = previous.get((site, p.list, p.code))
            if before is None:
                floor.new += 1
            elif before == package_record(p, p.state(world.now), site, world.now):
                continue
            else:
                floor.changed += 1
            floor.detail_pages += detail_pages(p, world)
        floor.list_calls += list_calls(counts, length)
        floor.list_rows.update(counts)
        for n in PAGE_LENGTHS:
            floor.list_calls_per_slug[n].append(list_calls(counts, n))
    return floor


def records_of_day(world: World, base_url: Any) -> dict[Key, Any]:
    """(site, list, code) → truth record of every construction package on the world's current day."""
    now = world.now
    out = {}
    for slug in world.slugs:
        site = base_url(slug)
        for p in world.packages(slug):
            if p.category in CONSTRUCTION_CATEGORIES:
                out[(site, p.list, p.code)] = package_record(p, p.state(now), site, now)
    return out


# ----- the crawl ------------------------------------------------------------------------------------


def crawl(fake: FakeSpse, db: Path, stats: Path, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    """One `lpse-leads crawl` of every slug into `db` (incremental once it holds packages); its stats."""
    command = [sys.executable, "-m", "lpse_leads", "crawl", "--year", str(YEAR),
               "--db", f"sqlite:///{db}", "--stats", str(stats)]  # fmt: skip
    for slug in fake.world.slugs:
        command += ["--site", fake.base_url(slug)]
    for setting in (
        "DOWNLOAD_DELAY=0",
        "AUTOTHROTTLE_ENABLED=False",
        f"CONCURRENT_REQUESTS_PER_DOMAIN={args.concurrency}",
        f"CONCURRENT_REQUESTS={args.concurrency}",
        f"LPSE_DT_PAGE_LENGTH={args.page_length}",
        "LPSE_RETRY_BACKOFF_BASE=0.05",
        "LPSE_RATE_LIMIT_SLOT_DELAY=0.001",
        "LOG_LEVEL=WARNING",
    ):
        command += ["-s", setting]
    env = {**os.environ, "LPSE_LEADS_HOME": str(workdir)}
    env.pop("LPSE_LEADS_DB", None)
    log = (workdir / f"{stats.stem}.log").open("w", encoding="utf-8")
    with log:
        done = subprocess.run(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
    if done.returncode != 0:
        raise SystemExit(f"lpse-leads crawl exited with {done.returncode}; see {log.name}")
    return json.loads(stats.read_text(encoding="utf-8"))


def stored_packages(db: Path) -> int:
    """Packages in the SQLite database."""
    with sqlite3.connect(db) as connection:
        return int(connection.execute("SELECT count(*) FROM packages").fetchone()[0])


def served(fake: FakeSpse) -> int:
    """Requests the fake has answered (admin excluded): a second count besides Scrapy's."""
    snapshot = fake.stats()
    return int(snapshot["total"]) - sum(snapshot["requests"].get("admin", {}).values())


def failures(stats: dict[str, Any]) -> int:
    """Packages or lists the crawl gave up on (should be 0 against a fault-free fake)."""
    gave_up = ("lpse/package_failed/", "lpse/list_failed/")
    return sum(int(v) for k, v in stats.items() if k.startswith(gave_up))


# ----- report ---------------------------------------------------------------------------------------


def full_host_list_calls(seed: int, share: dict[str, float]) -> dict[int, int]:
    """Estimated list calls per day for 600 slugs at scale 1, each slug split over the lists by `share`."""
    sizes = slug_sizes(slug_names(600), seed, 1.0)
    return {
        n: sum(sum(2 + int(size * share[kind]) // n for kind in LISTS) for size in sizes.values())
        for n in PAGE_LENGTHS
    }


def hours(requests: float, per_second: float) -> float:
    """How many hours `requests` take at `per_second`."""
    return requests / per_second / 3600


def machine() -> str:
    """CPUs, model, load and date."""
    model = platform.machine()
    with open("/proc/cpuinfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    when = time.strftime("%Y-%m-%d %H:%M %Z")
    return f"{os.cpu_count()} CPUs ({model}), load {os.getloadavg()[0]:.1f}, {when}"


def spread(values: list[int]) -> str:
    """min / median / mean / max of a list of counts."""
    middle = f"median {statistics.median(values):g} / mean {statistics.fmean(values):.1f}"
    return f"min {min(values)} / {middle} / max {max(values)}"


def main() -> None:
    """Crawl day 0 and day 1 of the fake national host and report the day-1 requests against the floor."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--slugs", type=int, default=600)
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies each slug's 100–3,000 packages")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--page-length", type=int, default=300, help="LPSE_DT_PAGE_LENGTH, both crawls")
    parser.add_argument("--workdir", type=Path, help="keep the database, stats and logs here")
    args = parser.parse_args()

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="national-day-"))
    workdir.mkdir(parents=True, exist_ok=True)
    db = workdir / "national.sqlite"
    if db.exists():
        raise SystemExit(f"{db} exists: the day-0 crawl needs a fresh database")
    slugs = slug_names(args.slugs)
    sizes = slug_sizes(slugs, args.seed, args.scale)
    print(machine())
    print(f"national day: {len(slugs)} slugs, {sum(sizes.values()):,} packages on day 0 "
          f"(per slug {spread(list(sizes.values()))}), page length {args.page_length}, "
          f"concurrency {args.concurrency}, workdir {workdir}", flush=True)  # fmt: skip

    with FakeSpse(slugs=slugs, packages=sizes, seed=args.seed, year=YEAR) as fake:
        started = time.perf_counter()
        stats0 = crawl(fake, db, workdir / "day0-stats.json", args, workdir)
        day0_seconds = time.perf_counter() - started
        served0 = served(fake)
        floor0 = floor_of_day(fake.world, fake.base_url, args.page_length, None)
        truth0 = records_of_day(fake.world, fake.base_url)
        stored0 = stored_packages(db)

        fake.set_day(1)
        started = time.perf_counter()
        stats1 = crawl(fake, db, workdir / "day1-stats.json", args, workdir)
        day1_seconds = time.perf_counter() - started
        served1 = served(fake) - served0
        floor1 = floor_of_day(fake.world, fake.base_url, args.page_length, truth0)
        stored1 = stored_packages(db)

    requests0 = int(stats0["downloader/request_count"])
    requests1 = int(stats1["downloader/request_count"])
    ratio0, ratio1 = requests0 / floor0.total, requests1 / floor1.total
    print(f"day 0: {requests0:,} requests (fake served {served0:,}), floor {floor0.total:,} "
          f"({floor0.list_calls:,} list calls + {floor0.detail_pages:,} detail pages of "
          f"{floor0.construction:,} construction packages), ratio {ratio0:.3f}; "
          f"{day0_seconds:.0f} s wall, {requests0 / day0_seconds:.0f} requests/s; "
          f"stored {stored0:,}, failures {failures(stats0)}")  # fmt: skip
    store = {k.rsplit("/", 1)[1]: int(v) for k, v in stats1.items() if k.startswith("lpse/store/")}
    print(f"day 1: {requests1:,} requests (fake served {served1:,}); floor {floor1.total:,} = "
          f"{floor1.list_calls:,} list calls + {floor1.detail_pages:,} detail pages of "
          f"{floor1.new:,} new + {floor1.changed:,} changed construction packages "
          f"(of {floor1.construction:,}); {day1_seconds:.0f} s wall")  # fmt: skip
    print(f"day 1 store: inserted {store.get('inserted', 0):,} (truth new {floor1.new:,}), "
          f"changed {store.get('changed', 0):,} (truth changed {floor1.changed:,}), "
          f"re-read but unchanged {store.get('unchanged', 0):,}, list-unchanged {store.get('seen', 0):,}; "
          f"stored {stored1:,} (truth {floor1.construction:,}); failures {failures(stats1)}")  # fmt: skip
    print(f"day 1 ratio requests/floor: {ratio1:.3f} (goal ≤ 1.2)")
    for rate in (1, 2):
        at = f"{hours(requests1, rate):.2f} h (floor {hours(floor1.total, rate):.2f} h)"
        print(f"day 1 at {rate} request/s: {at}")
    print(f"list calls per slug (listing pages + DataTables pages, {len(slugs)} slugs):")
    for n in PAGE_LENGTHS:
        per_slug = floor1.list_calls_per_slug[n]
        total = sum(per_slug)
        print(f"  length {n:>6}: {spread(per_slug)}; {total:,} per day = "
              f"{hours(total, 1):.2f} h at 1 request/s, {hours(total, 2):.2f} h at 2 requests/s")  # fmt: skip
    full = full_host_list_calls(args.seed, floor1.list_share)
    print("  full host estimate (600 slugs of 100–3,000 packages, this run's list shares): "
          + ", ".join(f"length {n}: {calls:,}/day ({hours(calls, 1):.1f} h at 1/s)"
                      for n, calls in full.items()))  # fmt: skip
    full_packages = sum(slug_sizes(slug_names(600), args.seed, 1.0).values())
    per_package = floor1.detail_pages / sum(sizes.values())
    details = round(per_package * full_packages)
    print(f"full host day-1 floor estimate: ~{details:,} detail pages ({per_package:.2%} of "
          f"{full_packages:,} day-0 packages, as in this run) plus the list calls:")  # fmt: skip
    for n in PAGE_LENGTHS:
        day = full[n] + details
        print(f"  length {n:>6}: {full[n]:,} + {details:,} = {day:,} requests: "
              f"{hours(day, 1):.1f} h at 1/s, {hours(day, 2):.1f} h at 2/s")  # fmt: skip
    ok = ratio1 <= 1.2 and stored1 == floor1.construction and not failures(stats1)
    print(f"SUMMARY slugs={len(slugs)} scale={args.scale:g} day0_packages={sum(sizes.values())} "
          f"day1_requests={requests1} floor={floor1.total} ratio={ratio1:.3f} "
          f"hours_at_1rps={hours(requests1, 1):.2f} hours_at_2rps={hours(requests1, 2):.2f} "
          f"{'OK' if ok else 'NOT OK'}")  # fmt: skip


if __name__ == "__main__":
    main()
