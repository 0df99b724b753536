"""A crawl storing into PostgreSQL whose connections are killed again and again, then a rerun.

`lpse-leads crawl --db postgresql…` runs as a subprocess against the fake SPSE while this test
terminates every server process of the crawl's database (`pg_terminate_backend`) every few
tenths of a second, and those running a statement or a transaction as soon as they are seen,
once packages are being stored. The crawl must reconnect and finish, or
stop with one clear line (no traceback); the rerun must leave the export equal to the fake's
truth, every construction package exactly once.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from dbschema import upgrade
from fake_spse import FakeSpse
from pipeline.db import make_engine
from pipeline.models import Package
from tests.db.test_crawl_store_e2e import (
    ROOT,
    SLUGS,
    assert_equal_to_truth,
    construction_truth,
    crawl,
    crawl_command,
    export,
)
from tests.reliability.conftest import terminate_connections

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

#: Small batches (many transactions to hit), short waits between reconnection attempts, and a
#: crawl paced to last a few seconds (one request per 20 ms), so the killing loop always gets to
#: run many times, however fast the store and the machine are.
STORE = [
    "-s", "LPSE_STORE_BATCH_SIZE=5",
    "-s", "LPSE_STORE_RETRY_BACKOFF=0.2",
    "-s", "DOWNLOAD_DELAY=0.02",
    "-s", "RANDOMIZE_DOWNLOAD_DELAY=False",
]  # fmt: skip


def crawl_in_background(fake: FakeSpse, url: str, tmp_path: Path, *extra: str) -> subprocess.Popen[str]:
    """Start the crawl subprocess; stdout and stderr go to `crawl.log` in tmp_path."""
    log = (tmp_path / "crawl.log").open("w", encoding="utf-8")
    command = crawl_command(fake, url, tmp_path / "crawl-stats.json") + STORE + list(extra)
    with log:
        return subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, text=True)


def wait_for_first_batch(process: subprocess.Popen[str], url: str) -> None:
    """Return once the crawl has stored something (or ended)."""
    while process.poll() is None and not stored_packages(url):
        time.sleep(0.05)


def stored_packages(url: str) -> int:
    """Packages stored so far (0 while the database is busy being killed)."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(Package)).scalar_one())
    except SQLAlchemyError:
        return 0
    finally:
        engine.dispose()


def test_killed_connections_mid_store_then_a_rerun_lose_and_duplicate_nothing(pg_url, _pg_server, tmp_path):
    engine = make_engine(pg_url)
    upgrade(engine)
    engine.dispose()
    database = make_url(pg_url).database or ""
    with FakeSpse(slugs=SLUGS, packages=80, seed=7, year=2026) as fake:
        process = crawl_in_background(fake, pg_url, tmp_path)
        wait_for_first_batch(process, pg_url)
        kills = busy_kills = 0
        last_all = time.monotonic()
        while process.poll() is None:
            busy_kills += terminate_connections(_pg_server, database, busy_only=True)
            if time.monotonic() - last_all > 0.3:
                kills += terminate_connections(_pg_server, database)
                last_all = time.monotonic()
            time.sleep(0.01)
        kills += busy_kills
        process.wait(timeout=60)
        output = (tmp_path / "crawl.log").read_text(encoding="utf-8")
        assert kills >= 3, f"only {kills} connections were killed during the store"
        assert "Traceback" not in output, output[-4000:]
        if process.returncode != 0:
            stats = json.loads((tmp_path / "crawl-stats.json").read_text(encoding="utf-8"))
            assert stats["finish_reason"] == "database_unavailable", output[-4000:]
            assert output.count("Stopping the crawl: lost the connection to the database") == 1, output

        crawl(fake, pg_url, tmp_path)
        assert_equal_to_truth(export(pg_url), construction_truth(fake))
    # Kills of idle pooled connections are healed by pre-ping; those mid-batch need the retry.
    assert busy_kills == 0 or "reconnecting" in output, output[-4000:]


def test_a_database_that_stays_away_stops_the_crawl_with_one_line_and_a_rerun_completes(
    pg_url, _pg_server, tmp_path
):
    engine = make_engine(pg_url)
    upgrade(engine)
    engine.dispose()
    database = make_url(pg_url).database or ""
    refuse = text(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false')
    allow = text(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true')
    with FakeSpse(slugs=SLUGS, packages=80, seed=8, year=2026) as fake:
        process = crawl_in_background(fake, pg_url, tmp_path, "-s", "LPSE_STORE_RETRY_TIMES=3")
        wait_for_first_batch(process, pg_url)
        with _pg_server.connect() as connection:
            connection.execute(refuse)
        try:
            terminate_connections(_pg_server, database)
            returncode = process.wait(timeout=120)
        finally:
            with _pg_server.connect() as connection:
                connection.execute(allow)
        output = (tmp_path / "crawl.log").read_text(encoding="utf-8")
        assert returncode == 1, output[-4000:]
        assert "Traceback" not in output, output[-4000:]
        errors = [line for line in output.splitlines() if " ERROR: " in line]
        assert len(errors) == 2, errors  # stopping the crawl; the run that could not be closed
        assert "Stopping the crawl: lost the connection to the database" in errors[0]
        assert "not currently accepting connections" in errors[0]
        assert "could not reconnect after 3 attempts" in errors[0]
        stats = json.loads((tmp_path / "crawl-stats.json").read_text(encoding="utf-8"))
        assert stats["finish_reason"] == "database_unavailable"

        crawl(fake, pg_url, tmp_path)
        assert_equal_to_truth(export(pg_url), construction_truth(fake))
