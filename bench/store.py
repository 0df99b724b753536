"""Benchmark: upsert N packages (winners, contract winners, locations, stages) into SQLite and PostgreSQL.

    .venv/bin/python bench/store.py [--packages 100000] [--batch 500] [--pg URL]

Prints packages/s for the first (insert) pass of each database; goal ≥ 5,000/s. The
PostgreSQL server is LPSE_LEADS_TEST_PG or postgres@127.0.0.1:5432; a scratch database is
created and dropped. Records are synthetic but shaped like real ones (docs/package-format.md).
"""

from __future__ import annotations

import argparse
import os
import random
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

from pipeline.db import make_engine, normalise_url, upgrade
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


def main() -> None:
    """Run both databases and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--packages", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()
    records = synthetic(args.packages)
    with tempfile.TemporaryDirectory() as folder:
        rate = run(f"sqlite:///{Path(folder) / 'bench.sqlite'}", records, args.batch)
        print(f"SQLite:     {args.packages:,} packages in batches of {args.batch}: {rate:,.0f} packages/s")
    admin = create_engine(normalise_url(PG_SERVER), isolation_level="AUTOCOMMIT")
    name = f"lpse_bench_{uuid.uuid4().hex[:8]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        print(f"PostgreSQL: not reachable at {PG_SERVER} ({type(exc).__name__})")
        return
    try:
        url = make_url(admin.url).set(database=name).render_as_string(hide_password=False)
        rate = run(url, records, args.batch)
        print(f"PostgreSQL: {args.packages:,} packages in batches of {args.batch}: {rate:,.0f} packages/s")
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
