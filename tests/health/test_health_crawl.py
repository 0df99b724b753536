"""Crawl health end to end: `lpse-leads crawl` over real servers, `lpse-leads health --json`, real SMTP.

The strict fake SPSE on 127.0.0.1 (it answers 403 to every detail page when the User-Agent does
not start with `Mozilla/5.0`, as the national host did in 2026), a port nobody listens on, a host
name that does not resolve, and an aiosmtpd server as the operator's mailbox; SQLite and
PostgreSQL. Each crawl is its own process, as in production.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from fake_spse import FakeSpse
from tests.crawler.e2e import FAST, ROOT
from tests.digest.conftest import free_port

pytestmark = pytest.mark.slow

OPS = "ops@bpjs.example"
SLUG = "kota-a"
#: A User-Agent without the `Mozilla/5.0` prefix: the 2026 host (and the strict fake) refuse details to it.
CURL = "USER_AGENT=curl/8"


def env_for(db_url: str, smtp_server, **extra: str) -> dict[str, str]:
    """The crawl's environment: this database, the operator's address, the SMTP server."""
    return {
        **os.environ,
        "LPSE_LEADS_DB": db_url,
        "LPSE_LEADS_OPS_TO": OPS,
        "LPSE_LEADS_SMTP_URL": f"smtp://127.0.0.1:{smtp_server.port}",
        "LPSE_LEADS_MAIL_FROM": "lpse-leads <lpse-leads@bpjs.example>",
        **extra,
    }


def crawl(
    sites: list[str], env: dict[str, str], *settings: str, full: bool = False
) -> subprocess.CompletedProcess[str]:
    """`python -m lpse_leads crawl` with politeness lifted for local servers."""
    cmd = [sys.executable, "-m", "lpse_leads", "crawl", "--year", "2026", *(["--full"] if full else [])]
    for site in sites:
        cmd += ["--site", site]
    for setting in [*FAST, "RETRY_TIMES=1", *settings]:
        cmd += ["-s", setting]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def health(env: dict[str, str]) -> tuple[int, dict[str, dict]]:
    """`lpse-leads health --json`: exit status and the rows by site."""
    done = subprocess.run(
        [sys.executable, "-m", "lpse_leads", "health", "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, {row["site"]: row for row in json.loads(done.stdout)}


def test_refused_detail_pages_make_the_site_dark_and_tell_the_operator_once(migrated, smtp_server):
    normal = env_for(migrated, smtp_server)
    with FakeSpse(slugs=[SLUG], packages=60, seed=11, year=2026) as fake:
        site = fake.base_url(SLUG)
        done = crawl([site], normal, CURL)  # the strict fake refuses detail pages to it
        assert done.returncode == 1, done.stdout + done.stderr
        assert "dark" in done.stdout
        status, rows = health(normal)
        assert status == 1
        row = rows[site]
        assert (row["verdict"], row["last_ok"]) == ("dark", None)
        [reason] = row["reasons"]
        assert reason.startswith("no detail page read")
        assert "refused (HTTP 403)" in reason
        assert "detail pages refused" in reason
        [(_, rcpts, message)] = smtp_server.handler.messages
        assert rcpts == [OPS]
        assert message["Subject"] == f"lpse-leads: site dark: {site}"
        assert "refused (HTTP 403)" in message.get_content()

        again = crawl([site], normal, CURL)  # still dark: no second e-mail
        assert again.returncode == 1
        assert len(smtp_server.handler.messages) == 1

        fixed = crawl([site], normal)
        assert fixed.returncode == 0, fixed.stdout + fixed.stderr
        status, rows = health(normal)
        assert status == 0
        assert (rows[site]["verdict"], rows[site]["reasons"]) == ("ok", [])
        assert rows[site]["last_ok"] is not None
        assert len(smtp_server.handler.messages) == 2
        recovered = smtp_server.handler.messages[-1][2]
        assert recovered["Subject"] == f"lpse-leads: site recovered: {site}"
        assert "dark -> ok" in recovered.get_content()

        quiet = crawl([site], normal)
        assert quiet.returncode == 0
        assert len(smtp_server.handler.messages) == 2


def test_hosts_that_refuse_connections_or_do_not_resolve_are_dark(migrated, smtp_server):
    env = env_for(migrated, smtp_server)
    closed = f"http://127.0.0.1:{free_port()}/kota-a"
    unknown = "http://lpse.nowhere.invalid/eproc4"
    with FakeSpse(slugs=[SLUG], packages=30, seed=5, year=2026) as fake:
        good = fake.base_url(SLUG)
        done = crawl([good, closed, unknown], env)
    assert done.returncode == 1, done.stdout + done.stderr
    assert re.search(r"finish reason\s+│\s+finished", done.stdout)  # Scrapy itself saw nothing wrong
    _, rows = health(env)
    assert rows[good]["verdict"] == "ok"
    assert rows[closed]["verdict"] == "dark"
    [reason] = rows[closed]["reasons"]
    assert re.fullmatch(
        r"no list rows: (\d+) list requests, none answered with rows \(connection refused or dropped ×\1\)",
        reason,
    )
    assert rows[unknown]["verdict"] == "dark"
    assert "host name not resolved (DNS)" in rows[unknown]["reasons"][0]
    [(_, rcpts, message)] = smtp_server.handler.messages
    assert rcpts == [OPS]
    assert message["Subject"] == "lpse-leads: site health — 2 dark"


def test_a_crawl_of_a_dead_host_without_an_operator_still_exits_non_zero(migrated, smtp_server):
    env = env_for(migrated, smtp_server, LPSE_LEADS_OPS_TO="")
    done = crawl([f"http://127.0.0.1:{free_port()}/kota-a"], env)
    assert done.returncode == 1
    assert "dark" in done.stdout
    assert smtp_server.handler.messages == []


def test_a_drop_in_location_coverage_against_the_sites_history_is_degraded(migrated, smtp_server):
    env = env_for(migrated, smtp_server)
    renamed = env_for(migrated, smtp_server, SCRAPY_SETTINGS_MODULE="tests.health.renamed_label")
    with FakeSpse(slugs=[SLUG], packages=60, seed=11, year=2026) as fake:
        site = fake.base_url(SLUG)
        for _ in range(3):
            assert crawl([site], env, full=True).returncode == 0
        assert health(env)[1][site]["verdict"] == "ok"
        done = crawl([site], renamed, full=True)
    assert done.returncode == 0, done.stdout + done.stderr  # degraded is not a failed crawl
    status, rows = health(env)
    assert status == 1
    assert rows[site]["verdict"] == "degraded"
    [reason] = rows[site]["reasons"]
    assert re.fullmatch(r"location \(lokasi pekerjaan\): 0 of \d+ packages \(0%\), usually \d+%", reason)
    [(_, rcpts, message)] = smtp_server.handler.messages
    assert rcpts == [OPS]
    assert message["Subject"] == f"lpse-leads: site degraded: {site}"
