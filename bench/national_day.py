"""Benchmark: the national host's ordinary day and first backfill, our crawler beside today's.

    .venv/bin/python bench/national_day.py [--slugs 60] [--seed 1] [--concurrency 16] [--workdir DIR]
        [--baseline-rev REV] [--packages N]

Never run in `make test`; it must count right, it need not be fast. Steps:

1. the real 2026 national lists (`../shared/fixtures/lpse/lists-2026/`, read now, never copied)
   are measured (`fake_spse.calibration.measure`): list lengths, construction share, stage mix;
2. a fake SPSE serves `--slugs` LPSEs sampled from the registry (`crawler/data/lpse_registry.csv`,
   600 LPSEs), each sized like a real portal (`packages="real"`: the fake's calibration on those
   lists) unless `--packages N` is given;
3. two crawlers read the same fake into their own SQLite databases, side by side in this run:
   **ours** (this checkout, its defaults) and **today** (the code of `--baseline-rev`, by default
   the commit on which issue 10 was filed, exported with `git archive` into the workdir and
   run from there, with only its User-Agent made `Mozilla/5.0 …` so that the strict fake serves it
   detail pages); ours first runs `crawl --plan` (list calls only: the backfill plan; today's code
   has no plan), then both crawl day 0 in full; the fake moves to day 1 (`set_day(1)`: new
   packages, stage moves, contracts signed) and both crawl again, incrementally;
4. every crawl is checked against the fake's truth (`packages export` equals the construction
   records of the day), and every plan against the crawl that followed it.

Prints per crawler: requests per construction package (day 0 full, day 1 incremental), list calls
per slug per day, the day-1 requests and hours at 1 and 2 requests/s for this sample and scaled
to the registry's 600 LPSEs, the first-backfill plan, and a final `SUMMARY` line.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
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

from crawler.parsers import is_construction  # noqa: E402
from crawler.parsers.listing import CONSTRUCTION_CATEGORIES  # noqa: E402
from crawler.plan import plan_from_stats  # noqa: E402
from crawler.registry import registry  # noqa: E402
from domain.jsonio import loads_record  # noqa: E402
from fake_spse import FakeSpse  # noqa: E402

YEAR = 2026
LISTS_2026 = Path(os.environ.get("LPSE_LEADS_SHARED", ROOT.parent / "shared")) / "fixtures/lpse/lists-2026"
#: The crawler as it was when issue 10 was filed (main, 2026-12-05): "today's crawler".
BASELINE_REV = "e94a350"
#: The only setting today's code gets: a User-Agent the 2026 host (and the strict fake) serves.
BASELINE_SETTINGS = ("USER_AGENT=Mozilla/5.0 (compatible; lpse-leads/0.1; +https://example.invalid/bench)",)
#: Politeness lifted for a local fake (crawler/README.md); the figures are request counts, not time.
FAST = (
    "DOWNLOAD_DELAY=0",
    "AUTOTHROTTLE_ENABLED=False",
    "LPSE_RETRY_BACKOFF_BASE=0.05",
    "LPSE_RATE_LIMIT_SLOT_DELAY=0.001",
    "LOG_LEVEL=WARNING",
)


@dataclass
class Day:
    """One crawl of one crawler on one day, and the plan made just before it."""

    plan: dict[str, Any]  # {} when the crawler's code has no --plan
    stats: dict[str, Any]
    seconds: float
    list_calls: int = 0  # listing pages and list calls the fake answered during the crawl
    stored: int = 0
    wrong: int = 0  # missing, extra or different records
    missing: int = 0  # of those, missing or extra

    @property
    def requests(self) -> int:
        """SPSE requests of the crawl (robots.txt aside, as the plan counts)."""
        return int(self.stats["downloader/request_count"]) - int(self.stats.get("robotstxt/request_count", 0))


@dataclass
class Crawler:
    """A crawler configuration: its name, its `-s` overrides and its database."""

    name: str
    settings: tuple[str, ...]
    db: Path
    code: Path = ROOT  # the checkout whose `lpse_leads` runs
    plans: bool = True  # `crawl --plan` and registry slugs exist in this code
    days: list[Day] = field(default_factory=list)


def sample_slugs(count: int, seed: int) -> list[str]:
    """`count` registry slugs, the same for the same seed (all 600 when count ≥ 600)."""
    slugs = sorted(lpse.slug for lpse in registry())
    return slugs if count >= len(slugs) else sorted(random.Random(seed).sample(slugs, count))


def crawl(
    fake: FakeSpse, crawler: Crawler, args: argparse.Namespace, name: str, *extra: str
) -> dict[str, Any]:
    """One `lpse-leads crawl` (subprocess) of every slug of the fake; its stats."""
    stats = args.workdir / f"{crawler.name}-{name}.json"
    command = [sys.executable, "-m", "lpse_leads", "crawl", "--year", str(YEAR),
               "--db", f"sqlite:///{crawler.db}", "--stats", str(stats), *extra]  # fmt: skip
    if crawler.plans:
        command += ["--site", ",".join(fake.world.slugs), "--registry-base", fake.url]
    else:
        command += [arg for slug in fake.world.slugs for arg in ("--site", fake.base_url(slug))]
    concurrency = (
        f"CONCURRENT_REQUESTS_PER_DOMAIN={args.concurrency}",
        f"CONCURRENT_REQUESTS={args.concurrency}",
    )
    for setting in (*FAST, *concurrency, *crawler.settings):
        command += ["-s", setting]
    env = {**os.environ, "LPSE_LEADS_HOME": str(args.workdir)}
    env.pop("LPSE_LEADS_DB", None)
    with (args.workdir / f"{crawler.name}-{name}.log").open("w", encoding="utf-8") as log:
        done = subprocess.run(command, cwd=crawler.code, stdout=log, stderr=subprocess.STDOUT, env=env)
    if done.returncode != 0:
        raise SystemExit(
            f"{crawler.name} {name}: lpse-leads crawl exited with {done.returncode}; see {log.name}"
        )
    return json.loads(stats.read_text(encoding="utf-8"))


def check_against_truth(fake: FakeSpse, crawler: Crawler) -> tuple[int, int, int]:
    """(stored packages, packages missing/extra/different from the fake's truth, of those missing/extra)."""
    done = subprocess.run(
        [sys.executable, "-m", "lpse_leads", "packages", "export", "--format", "jsonl", "--db",
         f"sqlite:///{crawler.db}"], cwd=crawler.code, capture_output=True, text=True, check=True,
    )  # fmt: skip
    got = {(r["site"], r["code"]): r for r in map(loads_record, done.stdout.splitlines())}
    want = {(r["site"], r["code"]): r for r in fake.truth() if is_construction(r["category"])}
    missing = len(set(got) ^ set(want))
    return len(got), missing + sum(got[k] != want[k] for k in set(got) & set(want)), missing


def list_calls_served(fake: FakeSpse) -> int:
    """Listing pages and DataTables calls the fake has answered so far."""
    return sum(sum(fake.stats()["requests"].get(kind, {}).values()) for kind in ("listing", "dt"))


def run_day(fake: FakeSpse, crawler: Crawler, args: argparse.Namespace, day: int) -> Day:
    """Plan (when the code can), crawl and check one day of one crawler."""
    plan = {}
    if crawler.plans:
        plan = plan_from_stats(crawl(fake, crawler, args, f"day{day}-plan", "--plan"), None)
    before, started = list_calls_served(fake), time.perf_counter()
    stats = crawl(fake, crawler, args, f"day{day}")
    result = Day(plan, stats, time.perf_counter() - started, list_calls_served(fake) - before)
    result.stored, result.wrong, result.missing = check_against_truth(fake, crawler)
    return result


# ----- report ---------------------------------------------------------------------------------------


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


def calibration_line() -> str:
    """What the real 2026 lists say (measured now from ../shared), or why they are not used."""
    try:
        from fake_spse.calibration import measure
    except ImportError:
        raise SystemExit("needs the fake calibrated on the real 2026 lists (fake_spse.calibration)") from None
    if not LISTS_2026.is_dir():
        raise SystemExit(f"{LISTS_2026} not found: the benchmark is calibrated on the real 2026 lists")
    real = measure(LISTS_2026)
    construction = sum(real.categories.get(c, 0) for c in CONSTRUCTION_CATEGORIES) / real.rows
    lengths = sorted(real.list_lengths.values())
    stages = ", ".join(f"{s} {n}" for s, n in Counter(real.stages).most_common())
    return (f"real 2026 tender lists ({len(lengths)} portals, {real.rows} rows): lengths {lengths}; "
            f"construction {construction:.0%}; with a contract value {real.with_contract / real.rows:.0%}; "
            f"stages: {stages}")  # fmt: skip


def hours(requests: float, per_second: float) -> float:
    return requests / per_second / 3600


@dataclass
class Truth:
    """What the fake holds: construction packages on day 0 and day 1, and how many are new or changed."""

    construction0: int
    construction1: int = 0
    changed1: int = 0


def construction_records(fake: FakeSpse) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["site"], r["code"]): r for r in fake.truth() if is_construction(r["category"])}


def report(crawler: Crawler, truth: Truth, slugs: int, national: int) -> dict[str, float]:
    """Print one crawler's figures; return those of its SUMMARY."""
    day0, day1 = crawler.days
    scale = national / slugs
    tag = f"[{crawler.name}]"
    print(f"{tag} code: {crawler.code}; settings: {' '.join(crawler.settings) or '(defaults)'}")
    backfill = day0.plan.get("requests", day0.requests)
    if day0.plan:
        print(f"{tag} backfill plan: {backfill:,} requests ({day0.plan['list_calls']:,} list calls + "
              f"{backfill - day0.plan['list_calls']:,} detail); the crawl then spent {day0.requests:,}; "
              f"day 1 plan {day1.plan['requests']:,}, spent {day1.requests:,}")  # fmt: skip
    print(f"{tag} day 0 (full): {day0.requests:,} requests ({day0.list_calls:,} list calls, "
          f"{day0.seconds:.0f} s) "
          f"for {truth.construction0:,} construction packages: {day0.requests / truth.construction0:.2f} per "
          f"package; stored {day0.stored:,}, {day0.wrong} differ from the truth "
          f"({day0.missing} missing or extra)")  # fmt: skip
    print(f"{tag} day 1 (incremental): {day1.requests:,} requests ({day1.list_calls:,} list calls, "
          f"{day1.list_calls / slugs:.1f} per slug) for {truth.changed1:,} new or changed of "
          f"{truth.construction1:,} construction packages: {day1.requests / truth.construction1:.3f} per "
          f"package, {day1.requests / max(1, truth.changed1):.2f} per new or changed; "
          f"stored {day1.stored:,}, "
          f"{day1.wrong} differ from the truth ({day1.missing} missing or extra)")  # fmt: skip
    day_national, backfill_national = day1.requests * scale, backfill * scale
    print(f"{tag} national ({national} LPSEs, ×{scale:.1f}): ordinary day ~{day_national:,.0f} "
          f"requests = {hours(day_national, 1):.2f} h at 1/s, {hours(day_national, 2):.2f} h at 2/s; "
          f"first backfill ~{backfill_national:,.0f} requests = {hours(backfill_national, 1):.1f} h at 1/s, "
          f"{hours(backfill_national, 2):.1f} h at 2/s")  # fmt: skip
    return {
        "full": day0.requests / truth.construction0,
        "incremental": day1.requests / truth.construction1,
        "list_per_slug": day1.list_calls / slugs,
        "day": day_national,
        "backfill": backfill_national,
        "wrong": float(day0.wrong + day1.wrong),
    }


def baseline_checkout(rev: str, workdir: Path) -> Path:
    """The files of `rev` exported into the workdir (`git archive`: nothing registered in the repo)."""
    path = workdir / f"code-{rev}"
    if not path.exists():
        path.mkdir(parents=True)
        archive = subprocess.run(["git", "archive", rev], cwd=ROOT, check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(path)], input=archive, check=True)
    return path


def main() -> None:
    """Plan and crawl day 0 and day 1 with both crawlers; report side by side."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--slugs", type=int, default=60, help="registry LPSEs in the sample (600: all)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--packages", type=int, help="packages per slug instead of the real portals' sizes")
    parser.add_argument(
        "--baseline-rev", default=BASELINE_REV, help="the code of today's crawler (git revision)"
    )
    parser.add_argument("--workdir", type=Path, help="keep the databases, stats and logs here")
    args = parser.parse_args()
    args.workdir = args.workdir or Path(tempfile.mkdtemp(prefix="national-day-"))
    args.workdir.mkdir(parents=True, exist_ok=True)
    crawlers = [
        Crawler("ours", (), args.workdir / "ours.sqlite"),
        Crawler(
            "today",
            BASELINE_SETTINGS,
            args.workdir / "today.sqlite",
            baseline_checkout(args.baseline_rev, args.workdir),
            plans=False,
        ),
    ]
    if any(c.db.exists() for c in crawlers):
        raise SystemExit(f"{args.workdir} holds databases: the day-0 crawls need fresh ones")
    print(machine())
    print(calibration_line())
    slugs = sample_slugs(args.slugs, args.seed)
    national = len(registry())
    with FakeSpse(slugs=slugs, packages=args.packages or "real", seed=args.seed, year=YEAR) as fake:
        sizes = f"{args.packages} per slug" if args.packages else "real portal sizes"
        print(f"national day: {len(slugs)} of {national} registry LPSEs, {len(fake.truth()):,} packages "
              f"on day 0 ({sizes}), "
              f"concurrency {args.concurrency}, workdir {args.workdir}", flush=True)  # fmt: skip
        before = construction_records(fake)
        truth = Truth(len(before))
        for crawler in crawlers:
            crawler.days.append(run_day(fake, crawler, args, 0))
        fake.set_day(1)
        after = construction_records(fake)
        truth.construction1 = len(after)
        truth.changed1 = sum(before.get(key) != record for key, record in after.items())
        for crawler in crawlers:
            crawler.days.append(run_day(fake, crawler, args, 1))
    figures = {crawler.name: report(crawler, truth, len(slugs), national) for crawler in crawlers}
    ours = figures["ours"]
    ok = ours["wrong"] == 0 and ours["day"] <= 7_200
    parts = [
        f"{name}: full={f['full']:.2f} incremental={f['incremental']:.3f} "
        f"list_per_slug={f['list_per_slug']:.1f} day={f['day']:.0f} backfill={f['backfill']:.0f} "
        f"wrong={f['wrong']:.0f}"
        for name, f in figures.items()
    ]
    verdict = "OK" if ok else "NOT OK"
    print(f"SUMMARY slugs={len(slugs)} {'; '.join(parts)}; {verdict} (goal: day ≤ 7,200, stored = truth)")


if __name__ == "__main__":
    main()
