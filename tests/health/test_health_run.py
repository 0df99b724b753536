"""`lpse-leads run` names failing sites in its summary and tells the operator, never the branches.

A configured site whose host refuses connections is dark: the run exits 1, its summary names the
site and why, the operator gets one e-mail through a real SMTP server (aiosmtpd); when the host
comes back (a fake SPSE started on that port) the next run is ok and the operator gets one
"recovered" notice; no branch ever gets an e-mail about it.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from fake_spse import FakeSpse
from tests.crawler.e2e import FAST, ROOT
from tests.digest.conftest import free_port

pytestmark = pytest.mark.slow

OPS = "ops@bpjs.example"


def write_config(path, home, db_url, sites, smtp_port) -> None:
    values = dict(s.split("=", 1) for s in FAST) | {"RETRY_TIMES": "1"}
    settings = "\n".join(f'{name} = "{value}"' for name, value in values.items())
    quoted = ", ".join(f'"{site}"' for site in sites)
    path.write_text(
        f"""[data]
home = "{home}"
database_url = "{db_url}"

[crawl]
sites = [{quoted}]
years = [2026]
timeout_minutes = 5

[crawl.settings]
{settings}

[mail]
smtp_url = "smtp://127.0.0.1:{smtp_port}"
mail_from = "lpse-leads <lpse-leads@bpjs.example>"
ops_to = "{OPS}"
""",
        encoding="utf-8",
    )


def run(config) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lpse_leads", "run", "--config", str(config)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "COLUMNS": "250"},
    )


def test_run_names_a_dark_site_and_tells_the_operator_once_then_recovered(db_url, tmp_path, smtp_server):
    from dbschema import upgrade
    from pipeline.db import make_engine

    engine = make_engine(db_url)
    upgrade(engine)
    engine.dispose()
    port = free_port()
    dead = f"http://127.0.0.1:{port}/kota-a"
    with FakeSpse(slugs=["kab-b"], packages=30, seed=3, year=2026) as good_fake:
        good = good_fake.base_url("kab-b")
        config = tmp_path / "run.toml"
        write_config(config, tmp_path / "home", db_url, [good, dead], smtp_server.port)

        first = run(config)
        assert first.returncode == 1, first.stdout + first.stderr
        assert "lpse-leads run — failed" in first.stdout
        assert f"{dead} (2026) dark: no list rows" in first.stdout
        assert "sites ok" in first.stdout
        [(_, rcpts, message)] = smtp_server.handler.messages
        assert rcpts == [OPS]
        assert message["Subject"] == f"lpse-leads: site dark: {dead}"

        second = run(config)  # still dark: named again, not mailed again
        assert second.returncode == 1
        assert f"{dead} (2026) dark" in second.stdout
        assert len(smtp_server.handler.messages) == 1

        with FakeSpse(slugs=["kota-a"], packages=30, seed=4, year=2026, port=port):
            third = run(config)
        assert third.returncode == 0, third.stdout + third.stderr
        assert "lpse-leads run — ok" in third.stdout
        assert "sites ok" in third.stdout
        assert "site dark" not in third.stdout
    assert [m["Subject"] for _, _, m in smtp_server.handler.messages] == [
        f"lpse-leads: site dark: {dead}",
        f"lpse-leads: site recovered: {dead}",
    ]
    assert {r for _, rcpts, _ in smtp_server.handler.messages for r in rcpts} == {OPS}
