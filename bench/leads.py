"""Benchmark: `lpse-leads leads build` over N packages and N/5 registrations (SQLite and PostgreSQL).

    .venv/bin/python bench/leads.py [--sizes 100000 1000000] [--pg URL | --no-pg | --no-sqlite]
                                    [--cache DIR]

For each size and database: synthetic construction packages (leads.synthetic; 10% out of scope)
are written straight into the pipeline tables, a noisy registry of N/5 rows (80% registrations of
real packages with typos/abbreviations/NPWP forms, 20% look-alike decoys) is imported, the starter
branch table is imported, then `leads build` runs in a subprocess: wall time and peak RSS are
measured, then a second (no-change, incremental) build, a build on the next day (days overdue and
scores move), a build after 1% of the packages were re-stored by a crawl, then matching
precision/recall against the truth. Peak RSS counts the build and its matching worker together.
The last line is a summary.

``--cache DIR`` keeps the populated databases (a SQLite file and a PostgreSQL database per size, plus
the truth) and reuses them on the next run after emptying the leads tables, so build changes can be
measured without regenerating 1 M packages.
Goal at 1 M packages × 200 k registrations: ≤ 60 s and ≤ 1 GB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert, select, text, update
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dbschema import upgrade
from domain.regions import region_index
from leads.branches_file import example_table, read_branches
from leads.branches_store import import_branches
from leads.models import Registration, RegistryMatch
from leads.registry_store import import_registrations
from leads.synthetic import SITES, make_packages, noisy_registry
from pipeline.db import make_engine, normalise_url, session_factory
from pipeline.models import Package, PackageLocation, PackageStage, PackageWinner, Site

PG_SERVER = os.environ.get("LPSE_LEADS_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
CHUNK = 10_000
TODAY = "2026-11-22"
NOW = dt.datetime(2026, 11, 22, tzinfo=dt.UTC)
#: Tables a build writes (emptied before a first build on a reused database), children first.
BUILD_TABLES = ("lead_events", "matches", "match_candidates", "lead_build_state", "leads")
PACKAGE_KEYS = ("list", "code", "name", "stage", "agency", "work_unit", "category", "fiscal_year",
                "budget_value", "estimate_value")  # fmt: skip


def _rows(
    records: list[dict], site_ids: dict[str, int], first_id: int, names: dict[str, Any]
) -> dict[str, list]:
    """Table rows for a chunk of records (explicit package ids)."""
    out: dict[str, list] = {"packages": [], "winners": [], "stages": [], "locations": []}
    for offset, r in enumerate(records):
        pid = first_id + offset
        out["packages"].append(
            {"id": pid, "site_id": site_ids[r["site"]], **{k: r[k] for k in PACKAGE_KEYS},
             "first_seen": NOW, "last_seen": NOW, "last_changed": NOW}
        )  # fmt: skip
        for kind, key in (("winner", "winners"), ("contract", "contract_winners")):
            for position, w in enumerate(r[key]):
                out["winners"].append(
                    {"package_id": pid, "kind": kind, "position": position, "name": w["name"],
                     "npwp": w["npwp"], "offer_value": w.get("offer_value"),
                     "corrected_value": w.get("corrected_value"), "contract_value": w.get("contract_value")}
                )  # fmt: skip
        for position, s in enumerate(r["stages"]):
            out["stages"].append(
                {"package_id": pid, "position": position, "name": s["name"], "start": s["start"]}
            )
        code = r["_kabkota_code"]
        kab = names[code]
        out["locations"].append(
            {"package_id": pid, "position": 0, "raw": r["locations"][0], "kabkota_code": code,
             "kabkota_name": kab.name, "province_code": kab.province_code, "province_name": kab.province_name,
             "confidence": "suffix"}
        )  # fmt: skip
    return out


def populate(url: str, size: int) -> tuple[dict[str, tuple[str, str]], float]:
    """Write `size` packages and a registry of size/5 rows; returns (truth, registry import seconds)."""
    engine = make_engine(url)
    upgrade(engine)
    index = region_index()
    names = {k.code: k for k in index.all_kabkota()}
    with engine.begin() as connection:
        connection.execute(insert(Site), [{"url": s, "first_seen": NOW} for s in SITES])
        site_ids = dict(connection.execute(select(Site.url, Site.id)).all())
    registrations = size // 5
    registered_share = registrations / 1.25 / (size * 0.9)
    import random

    rng = random.Random(7)
    sample: list[dict] = []
    chunk: list[dict] = []
    next_id = 1
    for n, record in enumerate(make_packages(size, seed=5, contractors=max(size // 10, 10))):
        if n % 10 == 9:
            record["category"] = "Pengadaan Barang"
        elif rng.random() < registered_share:
            sample.append(record)
        chunk.append(record)
        if len(chunk) == CHUNK:
            next_id = _write(engine, chunk, site_ids, next_id, names)
            chunk = []
    if chunk:
        _write(engine, chunk, site_ids, next_id, names)
    registry = noisy_registry(sample, fraction=1.0, decoys=0.25, seed=9)
    started = time.perf_counter()
    with session_factory(engine).begin() as session:
        import_registrations(session, registry.registrations, NOW)
        import_branches(session, read_branches(example_table()), NOW)
    seconds = time.perf_counter() - started
    engine.dispose()
    return registry.truth, seconds


def _write(
    engine: Any, chunk: list[dict], site_ids: dict[str, int], first_id: int, names: dict[str, Any]
) -> int:
    """Insert one chunk into the four tables; returns the next free package id."""
    rows = _rows(chunk, site_ids, first_id, names)
    with engine.begin() as connection:
        connection.execute(insert(Package), rows["packages"])
        connection.execute(insert(PackageWinner), rows["winners"])
        connection.execute(insert(PackageStage), rows["stages"])
        connection.execute(insert(PackageLocation), rows["locations"])
    return first_id + len(chunk)


def timed_build(url: str, today: str = TODAY) -> tuple[float, float, str]:
    """Run `lpse-leads leads build` in a subprocess: (seconds, peak RSS in MB with its worker, output)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "lpse_leads", "leads", "build", "--today", today, "--db", url],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    sampler = RssSampler(process.pid)
    sampler.start()
    output = process.stdout.read() if process.stdout else ""
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    sampler.stop = True
    sampler.join()
    if status != 0:
        raise SystemExit(f"leads build failed:\n{output}")
    return seconds, max(usage.ru_maxrss / 1024, sampler.peak_mb), output.strip()


class RssSampler(threading.Thread):
    """Peak of the summed RSS of a process and its children (the build's matching worker), from /proc.

    ``ru_maxrss`` alone is the largest single process; the build forks a worker, so both count.
    """

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_mb = 0.0
        self.stop = False

    def run(self) -> None:
        """Sample every 0.1 s until stopped."""
        while not self.stop:
            total = sum(_rss_kib(pid) for pid in (self.pid, *_children(self.pid)))
            self.peak_mb = max(self.peak_mb, total / 1024)
            time.sleep(0.1)


def _children(pid: int) -> list[int]:
    """Child process ids (Linux /proc; empty elsewhere)."""
    try:
        tasks = Path(f"/proc/{pid}/task").iterdir()
        return [int(c) for t in tasks for c in (t / "children").read_text().split()]
    except OSError:
        return []


def _rss_kib(pid: int) -> int:
    """Resident set size of one process in KiB (0 when gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def precision_recall(url: str, truth: dict[str, tuple[str, str]]) -> tuple[float, float, int]:
    """Matching quality of the stored matches against the generated truth."""
    engine = make_engine(url, immediate=False)
    with engine.connect() as connection:
        found = connection.execute(
            select(Registration.registration_no, Site.url, Package.code)
            .join(RegistryMatch, RegistryMatch.registration_id == Registration.id)
            .join(Package, Package.id == RegistryMatch.package_id)
            .join(Site, Site.id == Package.site_id)
        ).all()
    engine.dispose()
    correct = sum(1 for number, site, code in found if truth.get(number) == (site, code))
    return correct / max(len(found), 1), correct / max(len(truth), 1), len(found)


def clear_leads(url: str) -> None:
    """Empty the tables a build writes, so a reused database gets a first build again."""
    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as connection:
        for table in BUILD_TABLES:
            connection.execute(text(f"DELETE FROM {table}"))
    engine.dispose()


def touch_packages(url: str, every: int) -> None:
    """Mark one package in ``every`` as changed by a crawl (``last_changed`` moves, content stays)."""
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(
            update(Package).where(Package.id % every == 0).values(last_changed=dt.datetime.now(dt.UTC))
        )
    engine.dispose()


def prepared(label: str, url: str, size: int, cache: Path | None) -> dict[str, tuple[str, str]]:
    """A populated database at ``url`` (reused from the cache when there), with its matching truth."""
    truth_file = cache / f"truth-{label}-{size}.json" if cache else None
    if truth_file is not None and truth_file.exists():
        clear_leads(url)
        print(f"[{label} {size:,}] reusing the populated database", flush=True)
        return {k: tuple(v) for k, v in json.loads(truth_file.read_text()).items()}
    started = time.perf_counter()
    truth, registry_seconds = populate(url, size)
    print(f"[{label} {size:,}] populated in {time.perf_counter() - started:.0f} s "
          f"(registry import of {size // 5:,} rows: {registry_seconds:.1f} s)", flush=True)  # fmt: skip
    if truth_file is not None:
        truth_file.write_text(json.dumps(truth))
    return truth


def run(label: str, url: str, size: int, cache: Path | None) -> str:
    """Populate (or reuse), build three times (first, no change, next day), report; the summary part."""
    truth = prepared(label, url, size, cache)
    seconds, rss, output = timed_build(url)
    print(f"[{label} {size:,}] first build: {seconds:.1f} s, peak RSS {rss:.0f} MB\n    {output}", flush=True)
    again, rss2, output2 = timed_build(url)
    print(f"[{label} {size:,}] second build (no change): {again:.1f} s, peak RSS {rss2:.0f} MB\n"
          f"    {output2}", flush=True)  # fmt: skip
    tomorrow = (dt.date.fromisoformat(TODAY) + dt.timedelta(days=1)).isoformat()
    day, rss3, output3 = timed_build(url, tomorrow)
    print(
        f"[{label} {size:,}] next-day build: {day:.1f} s, peak RSS {rss3:.0f} MB\n    {output3}", flush=True
    )
    touch_packages(url, 100)
    some, rss4, output4 = timed_build(url, tomorrow)
    print(f"[{label} {size:,}] after 1% of packages changed: {some:.1f} s, peak RSS {rss4:.0f} MB\n"
          f"    {output4}", flush=True)  # fmt: skip
    precision, recall, matches = precision_recall(url, truth)
    print(f"[{label} {size:,}] matching: {matches:,} matches, precision {precision:.4f}, recall {recall:.4f}",
          flush=True)  # fmt: skip
    return (f"{label} {size:,}: first {seconds:.1f} s/{rss:.0f} MB, no-change {again:.1f} s/{rss2:.0f} MB, "
            f"next day {day:.1f} s/{rss3:.0f} MB, 1% changed {some:.1f} s/{rss4:.0f} MB, "
            f"P {precision:.4f} R {recall:.4f}")  # fmt: skip


def pg_database(server: str, name: str, *, keep: bool) -> str | None:
    """URL of database ``name`` on ``server`` (created when missing); None when PostgreSQL is unreachable."""
    admin = create_engine(normalise_url(server), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
            ).first()
            if exists is None or not keep:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        print(f"PostgreSQL not reachable ({type(exc).__name__}); skipped")
        return None
    finally:
        admin.dispose()
    return make_url(normalise_url(server)).set(database=name).render_as_string(False)


def drop_pg_database(server: str, name: str) -> None:
    """Drop a scratch database."""
    admin = create_engine(normalise_url(server), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def main() -> None:
    """Run the sizes on SQLite and (when reachable) PostgreSQL; print one summary line at the end."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--pg", default=PG_SERVER, help="PostgreSQL server URL (a scratch database is used)")
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--cache", type=Path, help="keep and reuse populated databases in this folder")
    args = parser.parse_args()
    if args.cache:
        args.cache.mkdir(parents=True, exist_ok=True)
    summary: list[str] = []
    for size in args.sizes:
        if not args.no_sqlite:
            if args.cache:
                if not (args.cache / f"truth-sqlite-{size}.json").exists():
                    (args.cache / f"leads-{size}.sqlite").unlink(missing_ok=True)
                summary.append(
                    run("sqlite", f"sqlite:///{args.cache / f'leads-{size}.sqlite'}", size, args.cache)
                )
            else:
                with tempfile.TemporaryDirectory() as folder:
                    summary.append(run("sqlite", f"sqlite:///{Path(folder) / 'bench.sqlite'}", size, None))
        if args.no_pg:
            continue
        keep = args.cache is not None and (args.cache / f"truth-postgresql-{size}.json").exists()
        name = f"lpse_bench_cache_{size}" if args.cache else f"lpse_bench_{uuid.uuid4().hex[:8]}"
        url = pg_database(args.pg, name, keep=keep)
        if url is None:
            continue
        try:
            summary.append(run("postgresql", url, size, args.cache))
        finally:
            if not args.cache:
                drop_pg_database(args.pg, name)
    print(
        f"SUMMARY {platform.node()} {os.cpu_count()} cpu {dt.date.today()}: " + "; ".join(summary), flush=True
    )


if __name__ == "__main__":
    main()
