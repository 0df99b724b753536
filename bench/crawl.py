"""Crawl benchmark: `lpse-leads crawl` against pyproc 0.3.3 on the same fake SPSE (never run in `make test`).

    .venv/bin/python bench/crawl.py [--packages 2000] [--concurrency 8] [--runs 3]

Each run starts a fresh fake SPSE (`lpse-leads fake-spse`, one slug, faults none) in its own
process, then:

1. crawls it with our spider in a subprocess, politeness lifted by these `-s` overrides (the
   defaults are for the real, shared national host and would make the benchmark measure sleeps):

       -s DOWNLOAD_DELAY=0               no fixed delay between requests (default 1.0 s)
       -s AUTOTHROTTLE_ENABLED=False     no adaptive slow-down (default on, target concurrency 1)
       -s CONCURRENT_REQUESTS_PER_DOMAIN=N  N requests in flight on the host (default 2)
       -s CONCURRENT_REQUESTS=N          N requests in flight overall (default 8)

   The crawl writes JSONL, its stats and its SQLite store (a fresh temp folder per run, `--full`);
   its peak RSS is the child's `ru_maxrss` from `os.wait4`.
2. runs pyproc in library mode in another subprocess (`--pyproc-worker`): the three lists (tender,
   non tender, darurat) paged by 100 like our spider, then a thread pool of N workers, each with its
   own `pyproc.Lpse` session, fetching the same detail tabs our spider fetches for each construction
   package (announcement; winners and contract / darurat realisation when the package has them;
   schedule for tender and non tender). pyproc hard-codes `https://spse.inaproc.id/<slug>`, so only
   `Lpse.url` is pointed at the fake. pyproc's sleeps are removed in that process only:
   `time.sleep` as the pyproc modules see it (`pyproc.lpse.time`, `pyproc.cli.sleep`) is a no-op.
   Its retries (backoff) would still sleep; the worker reports errors, and with faults none there
   should be none.

Figures per client: pages/s (HTTP answers the fake counted during the client's run, over the
client's own crawl time: Scrapy's `elapsed_time_seconds`, pyproc's wall time from first request to
last answer; interpreter start-up is excluded for both), construction packages/s, requests per
construction package, peak RSS, and the client process's CPU seconds (start-up included: a client
near 1 CPU-second per second of crawl time is CPU-bound, well below it waits on the fake). With
`--runs` > 1: min/median/max of each. The fake is a Python ThreadingHTTPServer; if both clients
hit the same ceiling, the fake is the bottleneck.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SLUG = "benchslug"
CONSTRUCTION = frozenset(
    {"Pekerjaan Konstruksi", "Pekerjaan Konstruksi Terintegrasi", "Jasa Konsultansi Badan Usaha Konstruksi"}
)


@dataclass
class Figures:
    """One client's run."""

    pages: int
    seconds: float
    packages: int
    rss_mb: float
    cpu_s: float
    errors: int = 0

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.seconds

    @property
    def packages_per_s(self) -> float:
        return self.packages / self.seconds

    @property
    def requests_per_package(self) -> float:
        return self.pages / self.packages if self.packages else float("nan")


# ----- the fake -------------------------------------------------------------------------------------


class Fake:
    """`lpse-leads fake-spse` in a subprocess; its base URL, truth and request counter."""

    def __init__(self, packages: int, seed: int, year: int, workdir: Path):
        truth = workdir / "truth.jsonl"
        self.proc = subprocess.Popen(
            [PYTHON, "-m", "lpse_leads", "fake-spse", "--slug", SLUG, "--packages", str(packages),
             "--seed", str(seed), "--year", str(year), "--truth", str(truth)],
            cwd=ROOT, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert self.proc.stdout is not None
        self.base_url = self.proc.stdout.readline().strip()
        self.admin = self.proc.stdout.readline().strip().removeprefix("admin: ")
        self.truth = [json.loads(line) for line in truth.read_text(encoding="utf-8").splitlines()]

    def construction(self) -> list[dict[str, Any]]:
        """Truth records of construction packages (what both clients must read)."""
        return [r for r in self.truth if r.get("category") in CONSTRUCTION]

    def answered(self) -> int:
        """Requests the fake has answered so far (admin requests excluded)."""
        with urllib.request.urlopen(self.admin) as answer:
            stats = json.load(answer)
        admin = sum(stats["requests"].get("admin", {}).values())
        return int(stats["total"]) - admin

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait()


def _wait_usage(proc: subprocess.Popen) -> tuple[int, float, float]:
    """Wait for a child; (exit status, its peak RSS in MB, its CPU seconds) from `os.wait4`."""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime  # maxrss: KiB


# ----- our crawler ----------------------------------------------------------------------------------


def run_ours(fake: Fake, year: int, concurrency: int, workdir: Path, extra: list[str]) -> Figures:
    """`python -m lpse_leads crawl` with politeness lifted (+ `--set` extras); figures from its stats."""
    jsonl, stats = workdir / "crawl.jsonl", workdir / "stats.json"
    before = fake.answered()
    proc = subprocess.Popen(
        [PYTHON, "-m", "lpse_leads", "crawl", "--site", fake.base_url, "--year", str(year), "--full",
         "--jsonl", str(jsonl), "--stats", str(stats), "--db", f"sqlite:///{workdir / 'bench.sqlite'}",
         "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
         "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={concurrency}", "-s", f"CONCURRENT_REQUESTS={concurrency}",
         "-s", "LOG_LEVEL=WARNING", *[arg for setting in extra for arg in ("-s", setting)]],
        cwd=ROOT, stdout=subprocess.DEVNULL, env={**os.environ, "LPSE_LEADS_HOME": str(workdir)},
    )  # fmt: skip
    status, rss, cpu = _wait_usage(proc)
    if status != 0:
        raise SystemExit(f"lpse-leads crawl exited with {status}")
    crawl_stats = json.loads(stats.read_text(encoding="utf-8"))
    packages = sum(1 for line in jsonl.read_text(encoding="utf-8").splitlines() if line.strip())
    return Figures(
        pages=fake.answered() - before,
        seconds=float(crawl_stats["elapsed_time_seconds"]),
        packages=packages,
        rss_mb=rss,
        cpu_s=cpu,
        errors=sum(v for k, v in crawl_stats.items() if k.startswith("lpse/package_failed/")),
    )


# ----- pyproc ---------------------------------------------------------------------------------------


def run_pyproc(fake: Fake, year: int, concurrency: int, workdir: Path) -> Figures:
    """This script's `--pyproc-worker` in a subprocess; figures from its report and the fake."""
    plan = workdir / "pyproc-plan.json"
    plan.write_text(json.dumps({"construction": fake.construction()}), encoding="utf-8")
    before = fake.answered()
    proc = subprocess.Popen(
        [PYTHON, __file__, "--pyproc-worker", fake.base_url, "--year", str(year),
         "--concurrency", str(concurrency), "--plan", str(plan)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stdout is not None
    report = json.loads(proc.stdout.read())
    status, rss, cpu = _wait_usage(proc)
    if status != 0:
        raise SystemExit(f"pyproc worker exited with {status}")
    return Figures(
        pages=fake.answered() - before,
        seconds=report["seconds"],
        packages=report["packages"],
        rss_mb=rss,
        cpu_s=cpu,
        errors=report["errors"],
    )


def _no_sleep(_seconds: float = 0) -> None:
    """Stands in for `time.sleep` in the pyproc modules."""


def _remove_pyproc_sleeps() -> None:
    """`time.sleep` as pyproc's modules see it becomes a no-op (this process only)."""
    import types

    import pyproc.cli
    import pyproc.lpse

    shim = types.ModuleType("time")
    shim.__dict__.update(time.__dict__)
    shim.sleep = _no_sleep  # type: ignore[attr-defined]
    pyproc.lpse.time = shim  # type: ignore[attr-defined]
    pyproc.cli.sleep = _no_sleep  # type: ignore[attr-defined]


def pyproc_worker(base_url: str, year: int, concurrency: int, plan_file: Path) -> dict[str, Any]:
    """List the three lists, keep construction rows, fetch their tabs with N threads; a JSON report."""
    import threading

    import pyproc

    _remove_pyproc_sleeps()
    slug = base_url.rstrip("/").rsplit("/", 1)[1]
    plan = {r["code"]: r for r in json.loads(plan_file.read_text(encoding="utf-8"))["construction"]}
    local = threading.local()

    def client() -> Any:
        if not hasattr(local, "lpse"):
            local.lpse = pyproc.Lpse(slug, timeout=60)
            local.lpse.url = base_url  # pyproc hard-codes https://spse.inaproc.id/<slug>
        return local.lpse

    started = time.perf_counter()
    lister = client()
    listings = {
        "tender": (lister.get_paket_tender, 8),
        "non_tender": (lister.get_paket_non_tender, 6),
        "darurat": (lister.get_paket_pengadaan_darurat, 6),
    }
    todo: list[tuple[str, str]] = []
    for kind, (get, jenis_col) in listings.items():
        start = 0
        while True:
            rows = get(start=start, length=100, tahun=year, ascending=True, data_only=True)
            for row in rows:
                jenis = str(row[jenis_col] or "").rpartition(" - TA ")[0] or str(row[jenis_col] or "")
                if jenis.strip() in CONSTRUCTION:
                    todo.append((kind, row[0]))
            if len(rows) < 100:
                break
            start += len(rows)

    def fetch(job: tuple[str, str]) -> int:
        kind, code = job
        record = plan.get(code, {})
        lpse = client()
        errors = 0
        if kind == "tender":
            detail = lpse.detil_paket_tender(code)
        elif kind == "non_tender":
            detail = lpse.detil_paket_non_tender(code)
        else:
            detail = lpse.detil_paket_pengadaan_darurat(code)
        calls = [detail.get_pengumuman]
        if kind == "darurat":
            if record.get("winners") or record.get("contract_winners"):
                calls.append(detail.get_pemenang_berkontrak)
        else:
            if record.get("winners"):
                calls.append(detail.get_pemenang)
            if record.get("contract_winners"):
                calls.append(detail.get_pemenang_berkontrak)
            calls.append(detail.get_jadwal)
        for call in calls:
            try:
                call()
            except Exception:
                errors += 1
        return errors

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        errors = sum(pool.map(fetch, todo))
    return {"seconds": time.perf_counter() - started, "packages": len(todo), "errors": errors}


# ----- report ---------------------------------------------------------------------------------------


def _spread(values: list[float], fmt: str) -> str:
    if len(values) == 1:
        return format(values[0], fmt)
    return f"{min(values):{fmt}} / {statistics.median(values):{fmt}} / {max(values):{fmt}}"


def print_figures(name: str, runs: list[Figures]) -> None:
    """One block per client; min / median / max over runs."""
    print(f"{name}{'  (min / median / max)' if len(runs) > 1 else ''}")
    print(f"  pages/s                          {_spread([r.pages_per_s for r in runs], '.0f')}")
    print(f"  construction packages/s          {_spread([r.packages_per_s for r in runs], '.1f')}")
    print(f"  requests per construction pkg    {_spread([r.requests_per_package for r in runs], '.2f')}")
    print(f"  peak RSS (MB)                    {_spread([r.rss_mb for r in runs], '.0f')}")
    print(f"  crawl time (s)                   {_spread([r.seconds for r in runs], '.2f')}")
    print(f"  client CPU, whole process (s)    {_spread([r.cpu_s for r in runs], '.2f')}")
    last = runs[-1]
    print(f"  pages / construction packages    {last.pages} / {last.packages}  (errors {last.errors})")


def machine() -> str:
    """nproc, architecture and CPU model."""
    model = "?"
    with open("/proc/cpuinfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} CPUs, {platform.machine()}, {model}"


def main(argv: list[str] | None = None) -> int:
    """Parse options; run the benchmark (or, internally, the pyproc worker)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--packages", type=int, default=2000, help="packages of the fake slug (default 2000)")
    parser.add_argument("--concurrency", type=int, default=8, help="requests in flight / pyproc threads")
    parser.add_argument("--runs", type=int, default=1, help="repeat and print min/median/max")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE",
        help="an extra Scrapy setting for our crawl only (repeatable), to try a change",
    )  # fmt: skip
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--pyproc-worker", metavar="BASE_URL", help=argparse.SUPPRESS)
    parser.add_argument("--plan", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.pyproc_worker:
        report = pyproc_worker(args.pyproc_worker, args.year, args.concurrency, args.plan)
        print(json.dumps(report))
        return 0

    print(f"machine: {machine()}; {time.strftime('%Y-%m-%d %H:%M %Z')}")
    print(f"fake SPSE: 1 slug, {args.packages} packages, faults none; concurrency {args.concurrency}")
    if args.set:
        print(f"extra settings for lpse-leads crawl: {' '.join(args.set)}")
    ours: list[Figures] = []
    theirs: list[Figures] = []
    for run in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="bench-crawl-") as tmp:
            workdir = Path(tmp)
            fake = Fake(args.packages, args.seed, args.year, workdir)
            try:
                expected = len(fake.construction())
                ours.append(run_ours(fake, args.year, args.concurrency, workdir, args.set))
                theirs.append(run_pyproc(fake, args.year, args.concurrency, workdir))
            finally:
                fake.stop()
        print(
            f"run {run + 1}: construction packages in truth {expected}; "
            f"lpse-leads {ours[-1].packages} in {ours[-1].seconds:.2f} s, "
            f"pyproc {theirs[-1].packages} in {theirs[-1].seconds:.2f} s",
            flush=True,
        )
    print_figures("lpse-leads crawl", ours)
    print_figures("pyproc 0.3.3 (library, thread pool)", theirs)
    ratio = statistics.median(o.pages_per_s for o in ours) / statistics.median(t.pages_per_s for t in theirs)
    pkg_ratio = statistics.median(o.packages_per_s for o in ours) / statistics.median(
        t.packages_per_s for t in theirs
    )
    print(
        f"SUMMARY packages={args.packages} concurrency={args.concurrency} runs={args.runs}: "
        f"lpse-leads {statistics.median(o.pages_per_s for o in ours):.0f} pages/s, "
        f"{statistics.median(o.packages_per_s for o in ours):.1f} pkg/s, "
        f"{statistics.median(o.rss_mb for o in ours):.0f} MB; "
        f"pyproc {statistics.median(t.pages_per_s for t in theirs):.0f} pages/s, "
        f"{statistics.median(t.packages_per_s for t in theirs):.1f} pkg/s, "
        f"{statistics.median(t.rss_mb for t in theirs):.0f} MB; "
        f"ratio (ours/pyproc) pages/s {ratio:.2f}, packages/s {pkg_ratio:.2f}; requests/pkg "
        f"{statistics.median(o.requests_per_package for o in ours):.2f} vs "
        f"{statistics.median(t.requests_per_package for t in theirs):.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
