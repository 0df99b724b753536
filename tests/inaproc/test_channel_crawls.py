"""End-to-end crawls of each channel of the fake INAPROC host under flaky faults: the records equal
the fake's truth, the store holds them, a second day costs only list pages and stores only what
changed, and the API refuses to start without a token (saying how to get one)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from domain.jsonio import loads_record
from fake_inaproc import FakeInaproc
from pipeline.db import make_engine
from pipeline.models import Package, PackageLocation, PackageRupCode
from pipeline.plan_writer import plan_records
from tests.crawler.e2e import FAST, ROOT, assert_same_packages

pytestmark = pytest.mark.slow


def crawl(
    source: str, site: str, tmp_path: Path, db: str, *, env: dict[str, str] | None = None, ok: bool = True
) -> tuple[list[dict[str, Any]], dict[str, Any], subprocess.CompletedProcess[str]]:
    out, stats = tmp_path / f"{source}.jsonl", tmp_path / f"{source}.stats.json"
    for path in (out, stats):
        path.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "lpse_leads", "crawl", "--source", source, "--site", site, "--year", "2026"]
    cmd += ["--jsonl", str(out), "--stats", str(stats), "--db", db]
    for setting in FAST:
        cmd += ["-s", setting]
    environment = {k: v for k, v in os.environ.items() if k != "LPSE_LEADS_INAPROC_API_TOKEN"}
    done = subprocess.run(
        cmd, cwd=ROOT, capture_output=True, text=True, timeout=300, env={**environment, **(env or {})}
    )
    if ok:
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-5000:]
    records = [loads_record(line) for line in out.read_text().splitlines() if line] if out.exists() else []
    return records, json.loads(stats.read_text()) if stats.exists() else {}, done


@pytest.fixture
def fake():
    with FakeInaproc(seed=11, year=2026, faults="flaky", plans=60) as running:
        yield running


def test_sirup_crawl_equals_truth_and_is_stored(fake, tmp_path, db):
    records, _, _ = crawl("sirup", fake.url, tmp_path, db)
    truth = fake.truth("sirup")
    assert_same_packages(records, truth)
    with make_engine(db).connect() as connection:
        assert_same_packages(plan_records(connection), truth)


def test_ekatalog_crawl_equals_truth_and_a_day_costs_what_changed(fake, tmp_path, db):
    records, _, _ = crawl("ekatalog", fake.url, tmp_path, db)
    assert_same_packages(records, fake.truth("ekatalog"))
    day0 = {r["code"] for r in records}
    fake.set_day(10)
    before = fake.stats()["requests"].get("realisation", {})
    records, stats, _ = crawl("ekatalog", fake.url, tmp_path, db)
    pages = -(-len(fake.world.transactions()) // 100)
    after = fake.stats()["requests"]["realisation"]
    assert after.get("200", 0) - before.get("200", 0) == pages
    truth = {r["code"]: r for r in fake.truth("ekatalog")}
    assert stats.get("lpse/store/inserted", 0) == len(set(truth) - day0)
    assert stats.get("lpse/store/seen", 0) + len(records) == len(truth)
    assert_same_packages(records, [truth[r["code"]] for r in records])


def test_ekatalog_package_location_from_plan_or_satker(fake, tmp_path, db):
    crawl("ekatalog", fake.url, tmp_path, db)
    engine = make_engine(db)
    with engine.connect() as connection:
        derived = set(connection.execute(select(PackageLocation.derived_from).distinct()).scalars())
    assert derived == {"satker"}
    crawl("sirup", fake.url, tmp_path, db)
    with engine.connect() as connection:
        rows = connection.execute(
            select(PackageLocation.derived_from, PackageLocation.kabkota_code)
            .join(Package, Package.id == PackageLocation.package_id)
            .where(Package.source == "ekatalog")
        ).all()
        linked = connection.execute(select(PackageRupCode.rup_code)).scalars().all()
    assert (len(linked), {r.derived_from for r in rows}) == (len(rows), {"sirup"})
    assert all(r.kabkota_code for r in rows)


def test_api_crawl_equals_truth(fake, tmp_path, db):
    records, _, _ = crawl(
        "inaproc-api", fake.url, tmp_path, db, env={"LPSE_LEADS_INAPROC_API_TOKEN": fake.token}
    )
    assert_same_packages(records, fake.truth("inaproc-api"))


def test_api_without_token_says_how_to_get_one(fake, tmp_path, db):
    _, _, done = crawl("inaproc-api", fake.url, tmp_path, db, ok=False)
    assert (done.returncode, "Data Integrator" in done.stderr) == (2, True)


def test_api_with_a_wrong_token_fails_the_crawl_and_never_prints_it(fake, tmp_path, db):
    secret = "eyJ.not-the-token.x"
    _, stats, done = crawl(
        "inaproc-api", fake.url, tmp_path, db, env={"LPSE_LEADS_INAPROC_API_TOKEN": secret}, ok=False
    )
    output = done.stdout + done.stderr + json.dumps(stats)
    assert (done.returncode, secret in output) == (1, False)
