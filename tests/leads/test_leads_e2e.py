"""End to end on SQLite and PostgreSQL: crawl the fake SPSE, import registry and branches, build leads.

The crawl is `python -m lpse_leads crawl --db URL` in a subprocess with politeness lifted for the
local fake. A noisy registry covers part of the crawled packages; after `leads build` exactly the
construction packages with a winner or contract that are NOT in the registry are open leads, and
each is routed to the branch serving its first resolved location, or to its province's fallback.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.parsers import is_construction
from dbschema import upgrade
from domain.regions import resolve
from fake_spse import FakeSpse
from leads.synthetic import noisy_registry, write_registry_csv
from lpse_leads.cli import main
from pipeline.db import make_engine

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SLUGS = ["kota-a", "kab-b"]
FAST = [
    "DOWNLOAD_DELAY=0",
    "AUTOTHROTTLE_ENABLED=False",
    "CONCURRENT_REQUESTS_PER_DOMAIN=16",
    "LOG_LEVEL=WARNING",
]


def crawl(fake: FakeSpse, db_url: str) -> None:
    """One complete crawl of the fake into the database."""
    cmd = [sys.executable, "-m", "lpse_leads", "crawl", "--year", "2026", "--db", db_url]
    for slug in SLUGS:
        cmd += ["--site", fake.base_url(slug)]
    for setting in FAST:
        cmd += ["-s", setting]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-5000:]


def first_kabkota(record: dict) -> tuple[str | None, str | None]:
    """(kab/kota code, province code) of the first location that resolves, as the pipeline resolves it."""
    for location in record["locations"]:
        match = resolve(location, record.get("agency"))
        if match.kabkota_code:
            return match.kabkota_code, match.province_code
    return None, None


def test_crawl_registry_build_gives_exactly_the_unregistered_packages_routed(
    db_url, tmp_path, capsys
) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    engine.dispose()
    with FakeSpse(slugs=SLUGS, packages=60, seed=23, year=2026) as fake:
        crawl(fake, db_url)
        truth = [r for r in fake.truth() if is_construction(r["category"])]
    awarded = [
        r for r in truth if r["winners"] or r["contract_winners"] or r.get("contract_value") is not None
    ]
    with_winner = [r for r in awarded if r["winners"] or r["contract_winners"]]
    assert len(with_winner) >= 10

    registry = noisy_registry(with_winner, fraction=0.4, decoys=0.3, seed=5)
    registry_file = tmp_path / "registry.csv"
    write_registry_csv(registry_file, registry.registrations)
    assert main(["registry", "import", str(registry_file), "--db", db_url]) == 0

    # Branches: the first two kab/kota seen get a branch each; everything else falls back by province
    # (--replace: the starter table is dropped).
    firsts = [first_kabkota(r) for r in awarded]
    served = list(dict.fromkeys(code for code, _ in firsts if code))[:2]
    branches = tmp_path / "branches.csv"
    branches.write_text(
        "branch_code,branch_name,kanwil,emails,kabkota_codes\n"
        + "".join(f"KC-{i},KC {i},Test,kc-{i}@example.invalid,{code}\n" for i, code in enumerate(served)),
        encoding="utf-8",
    )
    assert main(["branches", "import", str(branches), "--replace", "--db", db_url]) == 0
    assert main(["leads", "build", "--db", db_url]) == 0
    capsys.readouterr()
    assert main(["leads", "list", "--format", "jsonl", "--db", db_url]) == 0
    leads = {(r["site"], r["code"]): r for r in map(json.loads, capsys.readouterr().out.splitlines())}

    registered = set(registry.truth.values())
    expected = {(r["site"], r["code"]) for r in awarded} - registered
    assert set(leads) == expected
    for record in awarded:
        key = (record["site"], record["code"])
        if key not in leads:
            continue
        code, _province = first_kabkota(record)
        lead = leads[key]
        assert lead["kabkota_code"] == code, key
        assert lead["branch"] == (f"KC-{served.index(code)}" if code in served else None), key
        assert lead["route_basis"] == ("evidence" if code in served else "fallback" if _province else None)
        assert lead["status"] == "new"
        assert lead["url"].startswith(record["site"] + "/")
