"""`lpse-leads run --demo` end to end, in a subprocess, into a temporary data folder.

The first run crawls the fake SPSE, imports the generated registry and branch table, builds
leads and writes one e-mail per queue with leads into the outbox: every demo branch with
leads gets one, the branch whose area has no packages gets none, and the fallback address
gets the leads no branch covers. The second run on the same folder finds nothing new and
writes nothing.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from email import message_from_bytes, policy
from email.utils import getaddresses
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from leads.models import OPEN_STATUSES, Lead
from lpse_leads.demo import CONFIG_NAME
from pipeline.models import CrawlRun

pytest.importorskip("digest.send", reason="the digest room (digest/send.py) has not landed yet")

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def run_demo(home: Path) -> subprocess.CompletedProcess[str]:
    """`lpse-leads run --demo` with `home` as the data folder."""
    return subprocess.run(
        [sys.executable, "-m", "lpse_leads", "run", "--demo"],
        cwd=ROOT,
        env={**os.environ, "LPSE_LEADS_HOME": str(home), "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=300,
    )


def recipients(outbox: Path) -> dict[str, list[Path]]:
    """Each To address in the outbox → the .eml files addressed to it."""
    found: dict[str, list[Path]] = {}
    for path in sorted(outbox.rglob("*.eml")):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        for _name, address in getaddresses(message.get_all("To", [])):
            found.setdefault(address.lower(), []).append(path)
    return found


def open_leads_per_branch(database: Path) -> dict[str | None, int]:
    """Open leads per branch code (None: not routed to a branch) in the demo database."""
    engine = create_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        query = select(Lead.branch_code, func.count()).where(Lead.status.in_(OPEN_STATUSES))
        rows = connection.execute(query.group_by(Lead.branch_code)).all()
    engine.dispose()
    return dict(rows)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """Two demo runs into one folder: (first result, outbox after it, second result, outbox after it)."""
    home = tmp_path_factory.mktemp("demo-home")
    first = run_demo(home)
    outbox = home / "demo" / "outbox"
    after_first = sorted(p.relative_to(outbox) for p in outbox.rglob("*.eml")) if outbox.exists() else []
    second = run_demo(home)
    after_second = sorted(p.relative_to(outbox) for p in outbox.rglob("*.eml")) if outbox.exists() else []
    return home / "demo", first, after_first, second, after_second


def test_first_run_succeeds_and_says_where_things_are(demo):
    folder, first, *_ = demo
    assert first.returncode == 0, first.stdout[-4000:] + first.stderr[-4000:]
    assert f"Database: {folder / 'lpse-leads.sqlite'}" in first.stdout
    assert f"E-mails:  {folder / 'outbox'}" in first.stdout
    assert (folder / CONFIG_NAME).is_file()


def test_each_branch_with_leads_gets_an_email_and_a_branch_without_gets_none(demo):
    folder, _first, after_first, *_ = demo
    assert after_first
    with (folder / "branches.csv").open(encoding="utf-8") as handle:
        branches = {row["branch_code"]: row["emails"].lower() for row in csv.DictReader(handle)}
    leads = open_leads_per_branch(folder / "lpse-leads.sqlite")
    sent_to = recipients(folder / "outbox")
    with_leads = {code for code in branches if leads.get(code)}
    without = set(branches) - with_leads
    assert with_leads, leads
    assert "KC-DEMO-QUIET" in without
    for code in with_leads:
        assert branches[code] in sent_to, code
    for code in without:
        assert branches[code] not in sent_to, code


def test_leads_no_branch_covers_go_to_the_fallback_address(demo):
    folder, *_ = demo
    leads = open_leads_per_branch(folder / "lpse-leads.sqlite")
    assert leads.get(None), "the demo's branch table should leave some kab/kota to the fallback"
    assert "kanwil-demo@example.invalid" in recipients(folder / "outbox")


def run_rows(database: Path) -> list[tuple[str, dict]]:
    """(status, stats) of the whole-run rows in crawl_runs, oldest first."""
    engine = create_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        rows = connection.execute(select(CrawlRun.status, CrawlRun.stats).order_by(CrawlRun.id)).all()
    engine.dispose()
    return [(status, stats) for status, stats in rows if (stats or {}).get("kind") == "run"]


def test_second_run_finds_nothing_new_and_writes_nothing(demo):
    folder, _first, after_first, second, after_second = demo
    assert second.returncode == 0, second.stdout[-4000:] + second.stderr[-4000:]
    assert after_second == after_first
    (first_status, first_stats), (second_status, second_stats) = run_rows(folder / "lpse-leads.sqlite")
    assert (first_status, second_status) == ("ok", "ok")
    assert first_stats["run/packages_new"] > 0
    assert first_stats["run/emails_written"] == len(after_first)
    assert second_stats["run/packages_new"] == 0
    assert second_stats["run/packages_seen"] == first_stats["run/packages_seen"]
    assert second_stats["run/emails_written"] == 0


def test_demo_says_how_to_open_the_workbench_and_its_people_can_log_in(demo):
    from fastapi.testclient import TestClient

    from lpse_leads.demo import DEMO_PEOPLE, WORKBENCH_URL
    from tests.web.conftest import csrf_of
    from web.app import create_app
    from web.settings import WebSettings

    folder, first, _after_first, second, _after_second = demo
    assert f"lpse-leads serve --config {folder / CONFIG_NAME}" in first.stdout
    assert f"{WORKBENCH_URL}/" in first.stdout
    for email, role, _branch, _kanwil, password in DEMO_PEOPLE:
        assert f"{role:<8} {email:<22} password {password}" in first.stdout
    assert "password" in second.stdout  # the second run keeps them and says so again
    client = TestClient(
        create_app(WebSettings(f"sqlite:///{folder / 'lpse-leads.sqlite'}")), follow_redirects=False
    )
    for email, _role, _branch, _kanwil, password in DEMO_PEOPLE:
        form = client.get("/login")
        response = client.post(
            "/login", data={"email": email, "password": password, "csrf_token": csrf_of(form.text)}
        )
        assert response.status_code == 303, email
        assert client.get("/leads").status_code == 200
        client.cookies.clear()
    text = next((folder / "outbox").rglob("*.eml")).read_text(encoding="utf-8", errors="replace")
    assert f"{WORKBENCH_URL}/leads/" in text
