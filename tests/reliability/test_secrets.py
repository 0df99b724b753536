"""Passwords never leave the configuration: not in logs, errors, `--stats` or the `crawl_runs` row.

PostgreSQL here trusts local connections, so a URL with any password works: the crawl runs
with `postgresql+psycopg://postgres:<password>@…`, given by `--db` and by `LPSE_LEADS_DB`, at
DEBUG log level (the most it can say), and the password must appear nowhere it wrote. The same
crawl log must not dump items (winners' names and NPWPs). Bad `--db` URLs are reported with the
password removed, in one line.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from dbschema import upgrade
from fake_spse import FakeSpse
from lpse_leads.cli import main
from pipeline.db import make_engine
from pipeline.models import CrawlRun
from pipeline.runs import clean_stats, redact_url
from tests.db.test_crawl_store_e2e import ROOT, SLUGS, crawl_command

PASSWORD = "Pw-7f3a9c1e"


def with_password(url: str) -> str:
    return make_url(url).set(password=PASSWORD).render_as_string(hide_password=False)


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.parametrize("given_by", ["--db", "LPSE_LEADS_DB"])
def test_the_database_password_is_nowhere_in_what_a_crawl_writes(pg_url, tmp_path, given_by):
    url = with_password(pg_url)
    engine = make_engine(url)
    upgrade(engine)
    stats_file = tmp_path / "stats.json"
    with FakeSpse(slugs=SLUGS, packages=30, seed=3, year=2026) as fake:
        command = [*crawl_command(fake, url, stats_file), "-s", "LOG_LEVEL=DEBUG"]
        env = dict(os.environ)
        if given_by == "LPSE_LEADS_DB":
            at = command.index("--db")
            del command[at : at + 2]
            env["LPSE_LEADS_DB"] = url
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        truth = fake.truth()
    log = done.stdout + done.stderr
    assert done.returncode == 0, log[-3000:]
    assert "Scraped package" in log, "DEBUG logging was not on: the test would prove nothing"
    with engine.connect() as connection:
        runs = [dict(row._mapping) for row in connection.execute(select(CrawlRun))]
    engine.dispose()
    assert len(runs) == 1 and runs[0]["status"] == "finished"
    assert runs[0]["stats"]["lpse/store/inserted"] > 0

    assert PASSWORD not in log
    assert PASSWORD not in stats_file.read_text(encoding="utf-8")
    assert PASSWORD not in repr(runs)

    winners = [w for r in truth for w in r["winners"] + r["contract_winners"]]
    assert winners
    for winner in winners:
        assert winner["npwp"] not in log
        assert winner["name"] not in log


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql+psycopg://lpse:{PASSWORD}@127.0.0.1:notaport/leads",
        f"nosuchdb://lpse:{PASSWORD}@db.example/leads",
        f"lpse:{PASSWORD}@db.example/leads",
        f"postgresql+psycopg://lpse:{PASSWORD}@127.0.0.1:1/leads",
    ],
)
def test_a_bad_db_url_is_one_line_without_the_password(url, capsys):
    assert main(["packages", "export", "--db", url]) == 2
    err = capsys.readouterr().err
    assert err.startswith("lpse-leads: error: ")
    assert "Traceback" not in err
    assert PASSWORD not in err
    assert "leads" in err  # the message still names the database


def test_a_bad_db_url_from_the_environment_is_reported_redacted():
    env = {**os.environ, "LPSE_LEADS_DB": f"postgresql://lpse:{PASSWORD}@h:port/x"}
    done = subprocess.run(
        [sys.executable, "-m", "lpse_leads", "db", "stats"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 2
    assert PASSWORD not in done.stdout + done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (f"postgresql+psycopg://lpse:{PASSWORD}@db:5432/leads", "postgresql+psycopg://db:5432/leads"),
        (f"smtp://digest%40bpjs.go.id:{PASSWORD}@mail.example:587", "smtp://mail.example:587"),
        (f"smtps://bot:{PASSWORD}@w@mail.example", "smtps://mail.example"),
        (f"https://u:{PASSWORD}@spse.inaproc.id/kemkes", "https://spse.inaproc.id/kemkes"),
        ("https://spse.inaproc.id/kemkes?mail=a@b", "https://spse.inaproc.id/kemkes?mail=a@b"),
        ("sqlite:////data/a@b/lpse-leads.sqlite", "sqlite:////data/a@b/lpse-leads.sqlite"),
    ],
)
def test_redact_url_removes_user_and_password_and_nothing_else(url, expected):
    assert redact_url(url) == expected


def test_stats_stored_with_a_run_carry_no_credentials():
    stats = {
        "LPSE_LEADS_DB": f"postgresql://u:{PASSWORD}@h/x",
        "smtp_password": PASSWORD,
        "lpse/host_blocked/h": f"see https://u:{PASSWORD}@h/",
        "downloader/request_count": 3,
    }
    cleaned = clean_stats(stats)
    assert PASSWORD not in repr(cleaned)
    assert cleaned["downloader/request_count"] == 3
