"""Benchmark: upsert N packages (winners, contract winners, locations, stages) into SQLite and PostgreSQL.

    .venv/bin/python bench/store.py [--packages 100000] [--batch 500] [--runs 3] [--only sqlite|postgresql]

Prints packages/s for the first (insert) pass of each database, per run and as min/median/max
over `--runs` fresh databases; goal ≥ 5,000/s. The PostgreSQL server is LPSE_LEADS_TEST_PG or
postgres@127.0.0.1:5432; a scratch database is created and dropped per run (the server runs on
this machine, so its CPU is shared with the writer). Records are synthetic but shaped like real
ones (docs/package-format.md).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dbschema import upgrade
from pipeline.db import make_engine, normalise_url
from pipeline.writer import PackageWriter

PG_SERVER = os.environ.get("LPSE_LEADS_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
PLACES = [
    "Waduk Marunda - Jakarta Utara (Kota)",
    "Kecamatan Baleendah - Bandung (Kab.) - Jawa Barat",
    "Jl. Dr. Sumeru No. 114 Bogor - Bogor (Kota)",
    "Kab. Lampung Selatan",
    "Desa Sukamaju - Kutai Kartanegara (Kab.)",
]
STAGES = [
    "Pengumuman",
    "Download Dokumen",
    "Pemberian Penjelasan",
    "Upload Dokumen Penawaran",
    "Pembukaan Dokumen Penawaran",
    "Penetapan Pemenang",
    "Penandatanganan Kontrak",
]


def synthetic(n: int, seed: int = 1) -> list[dict[str, Any]]:
    """n package records over 20 sites and 5,000 contractors."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        pagu = Decimal(rng.randrange(10**8, 10**11)) / 100 * 100
        winner = {
            "name": f"PT. Karya {i % 5000}",
            "npwp": f"{(i % 5000):015d}",
            "address": "Jl. Raya 1 - Bogor (Kota)",
            "offer_value": pagu * Decimal("0.9"),
            "corrected_value": pagu * Decimal("0.9"),
            "negotiated_value": pagu * Decimal("0.89"),
        }
        record = {
            "site": f"https://spse.inaproc.id/site{i % 20}",
            "list": "tender",
            "code": str(10_000_000 + i),
            "name": f"Pembangunan Gedung {i}",
            "flags": [],
            "stage": "Tender Sudah Selesai",
            "agency": "Kementerian Pekerjaan Umum",
            "work_unit": "Balai Besar Wilayah Sungai",
            "category": "Pekerjaan Konstruksi",
            "method": "Tender - Pascakualifikasi Satu File - Harga Terendah Sistem Gugur",
            "fiscal_year": 2026,
            "funding_source": "APBN",
            "budget_value": pagu,
            "estimate_value": pagu * Decimal("0.95"),
            "locations": [PLACES[i % len(PLACES)]] + ([PLACES[(i + 1) % len(PLACES)]] if i % 3 == 0 else []),
            "qualification": "Kecil",
            "winners": [winner],
            "contract_winners": [{**winner, "contract_value": pagu * Decimal("0.89")}] if i % 2 else [],
            "stages": [
                {"name": s, "start": f"2026-02-{d + 1:02d}T08:00:00+07:00", "end": f"2026-02-{d + 2:02d}"}
                for d, s in enumerate(STAGES)
            ],
        }
        out.append(record)
    return out


def run(url: str, records: list[dict[str, Any]], batch: int) -> float:
    """Insert all records in batches; packages per second."""
    engine = make_engine(url)
    upgrade(engine)
    writer = PackageWriter(engine)
    start = time.perf_counter()
    for i in range(0, len(records), batch):
        writer.write([(r, "f" * 16) for r in records[i : i + batch]])
    elapsed = time.perf_counter() - start
    engine.dispose()
    return len(records) / elapsed


def run_sqlite(records: list[dict[str, Any]], batch: int) -> float:
    """One run into a fresh SQLite file; packages per second."""
    with tempfile.TemporaryDirectory() as folder:
        return run(f"sqlite:///{Path(folder) / 'bench.sqlite'}", records, batch)


def run_postgresql(records: list[dict[str, Any]], batch: int) -> float | None:
    """One run into a fresh scratch PostgreSQL database (dropped after); None when unreachable."""
    admin = create_engine(normalise_url(PG_SERVER), isolation_level="AUTOCOMMIT")
    name = f"lpse_bench_{uuid.uuid4().hex[:8]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        print(f"PostgreSQL: not reachable at {PG_SERVER} ({type(exc).__name__})")
        admin.dispose()
        return None
    try:
        url = make_url(admin.url).set(database=name).render_as_string(hide_password=False)
        return run(url, records, batch)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def machine() -> str:
    """CPU count and model, load and date: the figures mean little without them."""
    model = platform.processor() or platform.machine()
    with open("/proc/cpuinfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"{os.cpu_count()} CPUs ({model}), load {load:.1f}, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC"


def main() -> None:
    """Run both databases `--runs` times (alternating) and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--packages", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    args = parser.parse_args()
    records = synthetic(args.packages)
    print(machine())
    runners = {"SQLite": run_sqlite, "PostgreSQL": run_postgresql}
    if args.only:
        runners = {k: v for k, v in runners.items() if k.lower() == args.only}
    rates: dict[str, list[float]] = {name: [] for name in runners}
    for i in range(1, args.runs + 1):
        for name, runner in runners.items():
            rate = runner(records, args.batch)
            if rate is None:
                continue
            rates[name].append(rate)
            size = f"{args.packages:,} packages in batches of {args.batch}"
            print(f"run {i} {name + ':':12s}{size}: {rate:,.0f} packages/s", flush=True)
    for name, values in rates.items():
        if values:
            print(
                f"{name + ':':12s}min {min(values):,.0f} / median {statistics.median(values):,.0f} / "
                f"max {max(values):,.0f} packages/s over {len(values)} runs (goal ≥ 5,000)"
            )


if __name__ == "__main__":
    main()
