"""`lpse-leads run` takes its channels from the configuration (`crawl.sources`): SiRUP and e-Katalog
are crawled from the configured hosts after SPSE, and the API without a token is skipped with a
note saying how to get one (the run still succeeds)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from fake_inaproc import FakeInaproc
from fake_spse import FakeSpse
from lpse_leads.config import load_config
from lpse_leads.run import crawl_plan
from tests.crawler.e2e import FAST, ROOT

pytestmark = pytest.mark.slow


def test_crawl_plan_orders_channels_and_hosts():
    config = load_config(
        None,
        env={},
        overrides={
            "crawl.sites": ["https://spse.inaproc.id/kemkes"],
            "crawl.sources": "inaproc-api,sirup,spse,ekatalog",
            "crawl.years": [2026],
        },
    )
    assert crawl_plan(config, (2026,)) == [
        (2026, "spse", ("https://spse.inaproc.id/kemkes",)),
        (2026, "sirup", ("https://sirup.inaproc.id",)),
        (2026, "ekatalog", ("https://data.inaproc.id",)),
        (2026, "inaproc-api", ("https://data.inaproc.id",)),
    ]


def test_unknown_source_is_named():
    with pytest.raises(Exception, match="unknown source 'isb'"):
        load_config(None, env={}, overrides={"crawl.sources": "spse,isb"})


def test_run_crawls_every_configured_channel(tmp_path):
    settings = "\n".join(
        f"{k} = {v if v.replace('.', '').isdigit() else json.dumps(v)}"
        for k, v in (s.split("=", 1) for s in FAST if not s.startswith("LOG_LEVEL"))
    )
    with (
        FakeSpse(slugs=["kota-a"], packages=30, seed=3, year=2026) as spse,
        FakeInaproc(seed=6, plans=40) as ina,
    ):
        config = tmp_path / "c.toml"
        config.write_text(
            f'[data]\nhome = "{tmp_path / "home"}"\n'
            f'[crawl]\nsites = ["{spse.base_url("kota-a")}"]\nyears = [2026]\n'
            'sources = ["spse", "sirup", "ekatalog", "inaproc-api"]\n'
            f"[crawl.settings]\n{settings}\n"
            f'[inaproc]\nsirup_site = "{ina.url}"\ndata_site = "{ina.url}"\n',
            encoding="utf-8",
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith("LPSE_LEADS_")}
        env["COLUMNS"] = "500"  # the summary table unwrapped
        done = subprocess.run(
            [sys.executable, "-m", "lpse_leads", "run", "--config", str(config)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
            env=env,
        )
        assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
        assert (
            "INAPROC API not crawled: the INAPROC API needs a token: ask LKPP for the Data Integrator"
            in done.stdout
        )
        stats = subprocess.run(
            [
                sys.executable,
                "-m",
                "lpse_leads",
                "db",
                "stats",
                "--json",
                "--db",
                f"sqlite:///{tmp_path / 'home' / 'lpse-leads.sqlite'}",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
        )
        sources = json.loads(stats.stdout)["sources"]
        assert sources["ekatalog"] == {"packages": len(ina.truth("ekatalog"))}
        assert sources["sirup"] == {"plans": len(ina.truth("sirup"))}
        assert sources["spse"]["packages"] > 0
