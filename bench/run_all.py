"""Run every benchmark several times, each in its own subprocess, and publish the figures in bench/RESULTS.md.

    .venv/bin/python bench/run_all.py [--runs 3] [--quick] [--only crawl store ...] [--output FILE]

Why one runner: a figure means little without the machine, the load, the date and its spread,
so every published number goes through here: each benchmark script runs `--runs` times in a
fresh subprocess (its own interpreter, databases and fake SPSE), its final summary line (and,
for scripts that print no single line, the lines it prints) is parsed, and RESULTS.md gets
min / median / max per figure, plus the ratio to a peer run side by side in the same run (our
crawl vs pyproc at the same concurrency). `--quick` uses smaller sizes (minutes, not an hour)
and leaves out the lead build at 1 M packages. A benchmark that fails is reported with the tail
of its output; the others still run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
Figures = dict[str, float]
#: Work folders under the runner's temporary folder that a benchmark wants empty at every run.
FRESH_FOLDERS = ("national", "next_day")
_NUMBER = r"([\d,]+(?:\.\d+)?)"


def number(text: str) -> float:
    """`12,345.6` → 12345.6."""
    return float(text.replace(",", ""))


def _search(pattern: str, output: str) -> re.Match[str]:
    """The pattern's match in the output, or a ValueError naming what was missing."""
    found = re.search(pattern, output, re.MULTILINE)
    if found is None:
        raise ValueError(f"no line matching {pattern!r}")
    return found


# ----- parsers: one per script, output text → figures ----------------------------------------------


def parse_crawl(output: str) -> Figures:
    """bench/crawl.py's SUMMARY line: both clients' pages/s, packages/s, RSS, requests per package."""
    m = _search(
        rf"^SUMMARY .*lpse-leads {_NUMBER} pages/s, {_NUMBER} pkg/s, {_NUMBER} MB; "
        rf"pyproc {_NUMBER} pages/s, {_NUMBER} pkg/s, {_NUMBER} MB; "
        rf"ratio \(ours/pyproc\) pages/s {_NUMBER}, packages/s {_NUMBER}; "
        rf"requests/pkg {_NUMBER} vs {_NUMBER}",
        output,
    )
    values = [number(v) for v in m.groups()]
    names = [
        "crawl: lpse-leads pages/s",
        "crawl: lpse-leads construction packages/s",
        "crawl: lpse-leads peak RSS (MB)",
        "crawl: pyproc pages/s",
        "crawl: pyproc construction packages/s",
        "crawl: pyproc peak RSS (MB)",
        "crawl: ratio lpse-leads/pyproc pages/s",
        "crawl: ratio lpse-leads/pyproc packages/s",
        "crawl: lpse-leads requests per construction package (full)",
        "crawl: pyproc requests per construction package",
    ]
    return dict(zip(names, values, strict=True))


def parse_store(output: str) -> Figures:
    """bench/store.py (no single summary line): its `run N SQLite: … R packages/s` lines."""
    figures: Figures = {}
    for name, rate in re.findall(rf"^run \d+ (SQLite|PostgreSQL):.*: {_NUMBER} packages/s$", output, re.M):
        figures[f"store: {name} packages/s (insert)"] = number(rate)
    if not figures:
        raise ValueError("no `run N <database>: … packages/s` line")
    return figures


def parse_national_day(output: str) -> Figures:
    """bench/national_day.py's SUMMARY: per crawler (ours, today) requests per package, list calls per
    slug, the national ordinary day (requests, hours at 1 and 2/s), the first backfill, truth check."""
    summary = _search(r"^SUMMARY .*$", output).group(0)
    figures: Figures = {}
    for name in ("ours", "today"):
        m = _search(
            rf"{name}: full={_NUMBER} incremental={_NUMBER} list_per_slug={_NUMBER} day={_NUMBER} "
            rf"backfill={_NUMBER} wrong={_NUMBER}",
            summary,
        )
        full, incremental, list_per_slug, day, backfill, wrong = (number(v) for v in m.groups())
        figures |= {
            f"{name}: requests per construction package, full crawl (day 0)": full,
            f"{name}: requests per construction package, incremental (day 1)": incremental,
            f"{name}: list calls per slug per day": list_per_slug,
            f"{name}: national ordinary day, requests (goal ≤ 7,200)": day,
            f"{name}: national ordinary day, hours at 1 request/s": day / 3600,
            f"{name}: national ordinary day, hours at 2 requests/s": day / 7200,
            f"{name}: first backfill (plan), requests": backfill,
            f"{name}: first backfill (plan), hours at 1 request/s": backfill / 3600,
            f"{name}: stored packages differing from the truth": wrong,
        }
    return figures


def parse_next_day(output: str) -> Figures:
    """bench/next_day.py's SUMMARY line: both days' requests, per construction package, list calls per
    slug, the stored packages that differ from the fake's truth (day 1: lagging jadwals apart), and
    the schedules the fake revised between the days."""
    m = _search(
        rf"^SUMMARY full: {_NUMBER} requests, {_NUMBER} per construction package; next day: {_NUMBER} "
        rf"requests \({_NUMBER} new, {_NUMBER} changed\), {_NUMBER} per construction package; "
        rf"list calls per slug {_NUMBER} / {_NUMBER}; mismatches with truth {_NUMBER} / {_NUMBER}",
        output,
    )
    full, per_full, day, new, changed, per_day, lists0, lists1, wrong0, wrong1 = map(number, m.groups())
    r = _search(
        rf"\(day 1: {_NUMBER} stored jadwals lag a revision the row does not show yet, {_NUMBER} other\); "
        rf"schedules revised since day 0: {_NUMBER} \({_NUMBER} with a stored jadwal\), "
        rf"jadwal read again {_NUMBER}",
        output,
    )
    lags, other, revised, with_jadwal, reread = map(number, r.groups())
    return {
        "next day: requests, full first crawl (day 0)": full,
        "next day: requests per construction package, full crawl (day 0)": per_full,
        "next day: requests, incremental (day 1)": day,
        "next day: new packages (day 1)": new,
        "next day: changed packages (day 1)": changed,
        "next day: requests per construction package, incremental (day 1)": per_day,
        "next day: list calls per slug, day 0": lists0,
        "next day: list calls per slug, day 1": lists1,
        "next day: stored packages differing from the truth, day 0": wrong0,
        "next day: stored packages differing from the truth, day 1": wrong1,
        "next day: of which only a jadwal lagging a revision the row does not show yet": lags,
        "next day: of which anything else": other,
        "next day: schedules the fake revised between the days (construction)": revised,
        "next day: revised schedules that were stored": with_jadwal,
        "next day: revised schedules read again on day 1": reread,
    }


def parse_leads(output: str) -> Figures:
    """bench/leads.py's SUMMARY line: build times and peak RSS per database and size, precision/recall."""
    figures: Figures = {}
    pattern = (
        rf"(sqlite|postgresql) {_NUMBER}: first {_NUMBER} s/{_NUMBER} MB, "
        rf"no-change {_NUMBER} s/{_NUMBER} MB, next day {_NUMBER} s/{_NUMBER} MB, "
        rf"1% changed {_NUMBER} s/{_NUMBER} MB, P {_NUMBER} R {_NUMBER}"
    )
    summary = _search(r"^SUMMARY .*$", output).group(0)
    for found in re.finditer(pattern, summary):
        db, size, first, rss, again, _, day, _, some, _, precision, recall = found.groups()
        label = f"leads build {int(number(size)):,} packages, {'SQLite' if db == 'sqlite' else 'PostgreSQL'}"
        figures[f"{label}: first build (s)"] = number(first)
        figures[f"{label}: first build peak RSS (MB)"] = number(rss)
        figures[f"{label}: no-change build (s)"] = number(again)
        figures[f"{label}: next-day build (s)"] = number(day)
        figures[f"{label}: build after 1% changed (s)"] = number(some)
        figures[f"{label}: matching precision"] = number(precision)
        figures[f"{label}: matching recall"] = number(recall)
    if not figures:
        raise ValueError("SUMMARY line without a database part")
    return figures


def parse_web_leads(output: str) -> Figures:
    """bench/web_leads.py's SUMMARY line: median ms per workbench page, per database."""
    figures: Figures = {}
    summary = _search(r"^SUMMARY .*$", output).group(0).removeprefix("SUMMARY ")
    for part in summary.split("; "):
        db, size, pages = re.match(r"(sqlite|postgresql) (\d+): (.*)", part).groups()  # type: ignore[union-attr]
        label = f"workbench {int(size):,} leads, {'SQLite' if db == 'sqlite' else 'PostgreSQL'}"
        for found in re.finditer(rf"([a-z0-9 ]+?) {_NUMBER} ms(?:, |$)", pages):
            figures[f"{label}: {found.group(1)} median (ms)"] = number(found.group(2))
    if not figures:
        raise ValueError("SUMMARY line without a database part")
    return figures


def parse_crash(output: str) -> Figures:
    """bench/crash.py's SUMMARY line: kills, leads, messages, resends, problems (0 = the check passed)."""
    m = _search(
        r"^SUMMARY kills=(\d+) killed=(\d+) packages=(\d+) leads=(\d+) leads_out=(\d+) messages=(\d+) "
        r"resends=(\d+) problems=(\d+) (OK|NOT OK)$",
        output,
    )
    kills, killed, _packages, _leads, out, messages, resends, problems = (float(v) for v in m.groups()[:8])
    return {
        "crash: runs SIGKILLed (of kills planned)": killed,
        "crash: kills planned": kills,
        "crash: leads that had to go out": out,
        "crash: messages received": messages,
        "crash: resends under the same Message-ID": resends,
        "crash: problems found (0 = database equals truth, one digest per lead)": problems,
    }


def parse_dashboard(output: str) -> Figures:
    """bench/dashboard.py's SUMMARY line: national / Kanwil / branch view medians per database."""
    figures: Figures = {}
    pattern = (
        rf"(sqlite|postgresql) national median {_NUMBER} ms \(p90 {_NUMBER}, first view {_NUMBER}\), "
        rf"kanwil {_NUMBER} ms, branch {_NUMBER} ms, "
        rf"after a status change {_NUMBER} ms \(visible {_NUMBER} ms\), "
        rf"after a change in the biggest kab/kota {_NUMBER} ms \(visible {_NUMBER} ms\)"
    )
    summary = _search(r"^SUMMARY .*leads=(\d+).*$", output)
    size = int(summary.group(1))
    for found in re.finditer(pattern, summary.group(0)):
        db, national, p90, first, kanwil, branch, changed, _, big, big_visible = found.groups()
        label = f"dashboard over {size:,} leads, {'SQLite' if db == 'sqlite' else 'PostgreSQL'}"
        figures[f"{label}: national view median (ms, goal ≤ 300)"] = number(national)
        figures[f"{label}: national view p90 (ms)"] = number(p90)
        figures[f"{label}: first view, summary built (ms)"] = number(first)
        figures[f"{label}: Kanwil view median (ms)"] = number(kanwil)
        figures[f"{label}: branch view median (ms)"] = number(branch)
        figures[f"{label}: view after a status change (ms)"] = number(changed)
        figures[f"{label}: view after a change in the biggest kab/kota (ms)"] = number(big)
        figures[f"{label}: that change visible after (ms)"] = number(big_visible)
    if not figures:
        raise ValueError("SUMMARY line without a database part")
    return figures


# ----- the benchmarks ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bench:
    """One benchmark invocation: script and arguments, parser, and how often it runs."""

    name: str
    args: list[str]
    parse: Callable[[str], Figures]
    runs: int | None = None  # None: --runs
    timeout: float = 3600
    note: str = ""


def benches(quick: bool, workdir: Path) -> list[Bench]:
    """The benchmarks at quick or full size."""
    crawl_packages = "500" if quick else "2000"
    national = ["--slugs", "30"] if quick else ["--slugs", "120"]
    crash = ["--kills", "4", "--slugs", "3", "--packages", "50"] if quick else ["--kills", "10"]
    next_day = ["--slugs", "3", "--packages", "300" if quick else "1000", "--seed", "21"]
    found = [
        Bench("crawl", ["bench/crawl.py", "--packages", crawl_packages, "--concurrency", "8", "--runs", "1"],
              parse_crawl, note=f"1 slug, {crawl_packages} packages, concurrency 8, both clients per run"),
        Bench("store", ["bench/store.py", "--packages", "20000" if quick else "100000", "--runs", "1"],
              parse_store, note=f"{'20,000' if quick else '100,000'} packages, batches of 500, fresh DB"),
        Bench("national_day", ["bench/national_day.py", *national, "--workdir", str(workdir / "national")],
              parse_national_day, note="registry LPSEs sized like the real 2026 portals; ours and today's "
              "crawler side by side; day 0 plan + full crawl, day 1 plan + incremental; scaled to 600 LPSEs"),
        Bench("next_day", ["bench/next_day.py", *next_day, "--workdir", str(workdir / "next_day")],
              parse_next_day, note=f"{next_day[1]} slugs × {next_day[3]} packages, seed 21, strict 2026 "
              "fake; day 0 full crawl, day 1 incremental into the same database; list calls per slug"),
        Bench("leads", ["bench/leads.py", "--sizes", "100000"], parse_leads,
              note="100,000 packages × 20,000 registrations, SQLite and PostgreSQL"),
        Bench("crash", ["bench/crash.py", *crash], parse_crash, note=" ".join(crash)),
        Bench("web_leads", ["bench/web_leads.py", "--leads", "10000", "--requests", "10" if quick else "30"],
              parse_web_leads, note="an officer's lead list, 10,000 leads in their branch; goal ≤ 300 ms"),
        Bench("dashboard", ["bench/dashboard.py", *(["--quick"] if quick else [])], parse_dashboard,
              note="100,000 leads, 10 views" if quick else "1,000,000 leads, 20 views per scope"),
    ]  # fmt: skip
    if not quick:
        found.append(Bench("leads_1m", ["bench/leads.py", "--sizes", "1000000"], parse_leads, runs=1,
                           timeout=4 * 3600,
                           note="1,000,000 packages × 200,000 registrations; one run (minutes)"))  # fmt: skip
    return found


def other_test_runs() -> int:
    """pytest processes on this machine (other engineers' test runs; the benchmarks start none)."""
    found = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                found += b"pytest" in Path(f"/proc/{entry}/cmdline").read_bytes()
            except OSError:
                continue
    return found


@dataclass
class Sample:
    """The machine just before one benchmark run: 1-minute load and other test runs."""

    load: float
    test_runs: int


SAMPLES: list[Sample] = []


@dataclass
class Outcome:
    """Every run of one benchmark: figures per run, seconds, failures."""

    bench: Bench
    runs: list[Figures] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def run_bench(bench: Bench, runs: int, workdir: Path) -> Outcome:
    """Run one benchmark `runs` times, each in a subprocess; parse each output."""
    outcome = Outcome(bench)
    for i in range(1, runs + 1):
        for fresh in FRESH_FOLDERS:  # each run starts from an empty folder (and database)
            shutil.rmtree(workdir / fresh, ignore_errors=True)
        SAMPLES.append(Sample(os.getloadavg()[0], other_test_runs()))
        started = time.monotonic()
        print(f"[{bench.name} {i}/{runs}] {' '.join(bench.args)}", flush=True)
        try:
            done = subprocess.run([PYTHON, *bench.args], cwd=ROOT, capture_output=True, text=True,
                                  timeout=bench.timeout)  # fmt: skip
        except subprocess.TimeoutExpired:
            outcome.failures.append(f"run {i}: no result within {bench.timeout:.0f} s")
            continue
        outcome.seconds.append(time.monotonic() - started)
        try:
            outcome.runs.append(bench.parse(done.stdout))
        except ValueError as exc:
            tail = (done.stdout + done.stderr)[-1500:]
            outcome.failures.append(f"run {i}: exit status {done.returncode}, {exc}; output ends:\n{tail}")
            continue
        summary = [line for line in done.stdout.splitlines() if line.startswith("SUMMARY")]
        print(f"    {summary[-1] if summary else 'parsed'} ({outcome.seconds[-1]:.0f} s)", flush=True)
    return outcome


# ----- the machine and the report ------------------------------------------------------------------


def _first(path: str, prefix: str) -> str:
    """The value of the first `prefix…: value` / `prefix=value` line of a file, or '?'."""
    try:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                if line.startswith(prefix):
                    return re.split(r"[:=]", line, maxsplit=1)[1].strip().strip('"')
    except OSError:
        pass
    return "?"


def machine() -> dict[str, str]:
    """nproc, CPU model, RAM, OS, Python, load average now."""
    mem_kb = _first("/proc/meminfo", "MemTotal").split()[0]
    ram = f"{int(mem_kb) / 1024 / 1024:.1f} GiB" if mem_kb.isdigit() else "?"
    return {
        "CPUs (nproc)": str(os.cpu_count()),
        "CPU model": _first("/proc/cpuinfo", "model name"),
        "RAM": ram,
        "OS": f"{_first('/etc/os-release', 'PRETTY_NAME')}, Linux {platform.release()}",
        "Python": platform.python_version(),
        "load average (1/5/15 min)": " / ".join(f"{v:.2f}" for v in os.getloadavg()),
    }


def _fmt(value: float) -> str:
    """A figure with sensible digits (counts as whole numbers)."""
    if value.is_integer():
        return f"{int(value):,}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.4g}" if abs(value) < 1 else f"{value:.2f}"


def spread(values: list[float]) -> tuple[str, str, str]:
    """min, median, max as text."""
    return _fmt(min(values)), _fmt(statistics.median(values)), _fmt(max(values))


def report(
    outcomes: list[Outcome],
    info: dict[str, str],
    args: argparse.Namespace,
    started: dt.datetime,
    workdir: Path,
) -> str:
    """RESULTS.md: the machine, the date, and min/median/max per figure."""
    load_at_start = float(info["load average (1/5/15 min)"].split(" / ")[0])
    busy = [s for s in SAMPLES if s.test_runs]
    peak = max((s.load for s in SAMPLES), default=load_at_start)
    shared = load_at_start >= 0.5 * (os.cpu_count() or 1) or bool(busy)
    lines = [
        "# Benchmark results",
        "",
        f"Written by `bench/run_all.py{' --quick' if args.quick else ''} --runs {args.runs}` on "
        f"{started:%Y-%m-%d %H:%M} UTC (finished {dt.datetime.now(dt.UTC):%H:%M} UTC). Each benchmark ran "
        f"in its own subprocess, {args.runs} time(s) unless noted; figures: min / median / max of the runs.",
        "",
    ]
    if args.quick:
        lines += ["**A quick run**: smaller sizes than the goals are stated for, and no lead build at 1 M "
                  "packages; run `make bench` (or `bench/run_all.py`) for the full sizes.", ""]  # fmt: skip
    if shared:
        seen = f"pytest processes were running before {len(busy)} of {len(SAMPLES)} benchmark runs; "
        lines += [f"**The machine was shared** with other work (other engineers' test runs): "
                  f"{seen if busy else ''}load average {load_at_start:.2f} at the start, "
                  f"up to {peak:.2f} between runs, on {os.cpu_count()} CPUs. Absolute speeds are low "
                  "and noisy; ratios of clients run side by side are steadier.", ""]  # fmt: skip
    else:
        lines += [f"No other test runs were seen (pytest processes looked for before each of the "
                  f"{len(SAMPLES)} benchmark runs); load average {load_at_start:.2f} at the start, up to "
                  f"{peak:.2f} between runs (the benchmarks' own processes included), on {os.cpu_count()} "
                  "CPUs.", ""]  # fmt: skip
    lines += ["## Machine", "", "| | |", "|---|---|"]
    lines += [
        f"| {k} (at start) | {v} |" if k.startswith("load") else f"| {k} | {v} |" for k, v in info.items()
    ]
    lines += [f"| load average at the end | {' / '.join(f'{v:.2f}' for v in os.getloadavg())} |", ""]
    for outcome in outcomes:
        bench = outcome.bench
        shown = " ".join(bench.args).replace(str(workdir), "<tmp>")
        lines += [f"## {bench.name}", "", f"`{shown}` — {bench.note}.", ""]
        if outcome.runs:
            names = list(dict.fromkeys(name for run in outcome.runs for name in run))
            lines += ["| figure | min | median | max | runs |", "|---|---:|---:|---:|---:|"]
            for name in names:
                values = [run[name] for run in outcome.runs if name in run]
                low, middle, high = spread(values)
                lines.append(f"| {name} | {low} | {middle} | {high} | {len(values)} |")
            lines += ["", f"Wall time per run: {' / '.join(spread(outcome.seconds))} s.", ""]
        for failure in outcome.failures:
            lines += ["**Failed:**", "", "```", failure, "```", ""]
    return "\n".join(lines)


def main() -> int:
    """Run the benchmarks, print progress, write RESULTS.md."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per benchmark (default 3)")
    parser.add_argument("--quick", action="store_true", help="smaller sizes; no lead build at 1 M")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="only these benchmarks")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "RESULTS.md")
    args = parser.parse_args()
    started = dt.datetime.now(dt.UTC)
    info = machine()
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="run-all-") as tmp:
        workdir = Path(tmp)
        for bench in benches(args.quick, workdir):
            if args.only and bench.name not in args.only:
                continue
            outcomes.append(run_bench(bench, bench.runs or args.runs, workdir))
        text = report(outcomes, info, args, started, workdir)
    args.output.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {args.output}")
    return 1 if any(o.failures for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
