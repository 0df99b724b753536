"""`lpse-leads run` input handling, the run summary's counters, and the demo's generated inputs."""

from __future__ import annotations

import csv
import io

import pytest

from crawler.registry import registry
from fake_spse import FakeSpse
from lpse_leads.cli import main
from lpse_leads.config import load_config
from lpse_leads.demo import QUIET_KABKOTA, _config_text, awarded, branch_table, first_kabkota
from lpse_leads.run import RunSummary, crawl_label
from lpse_leads.steps import queue_name


def test_run_without_sites_is_one_clear_error(tmp_path, capsys):
    assert main(["run", "--db", f"sqlite:///{tmp_path / 'x.sqlite'}"]) == 2
    assert capsys.readouterr().err == (
        "lpse-leads: error: no SPSE sites to crawl: set crawl.sites in the configuration or pass --site URL\n"
    )


def test_run_with_a_bad_site_flag_names_the_key(capsys):
    assert main(["run", "--site", "spse.inaproc.id/kemkes"]) == 2
    assert "crawl.sites: 'spse.inaproc.id/kemkes' is not an http(s) URL" in capsys.readouterr().err


def test_run_with_an_unknown_config_key_names_file_and_key(tmp_path, capsys):
    config = tmp_path / "c.toml"
    config.write_text('[mail]\nsmtp_host = "x"\n', encoding="utf-8")
    assert main(["run", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert f"{config}: unknown key mail.smtp_host" in err
    assert "Traceback" not in err


def test_fresh_needs_demo(capsys):
    assert main(["run", "--fresh"]) == 2
    assert "--fresh only goes with --demo" in capsys.readouterr().err


def test_summary_adds_the_store_counters_of_each_crawl():
    summary = RunSummary(started_at=None, sites=(), years=(2025, 2026), db_url="sqlite://", outbox="o")
    text = summary.add_crawl_stats({"lpse/store/inserted": 5, "lpse/store/changed": 2, "lpse/store/seen": 10})
    summary.add_crawl_stats({"lpse/store/unchanged": 3, "lpse/store/changed": 1})
    assert text == "17 packages seen, 5 new, 2 changed"
    assert (summary.packages_seen, summary.packages_new, summary.packages_changed) == (21, 5, 3)
    summary.leads_per_branch = {"KC-A": 2}
    summary.failures.append("Digests: boom")
    stats = summary.as_stats()
    assert summary.status == "failed"
    assert stats["run/leads/KC-A"] == 2
    assert stats["run/failure/1"] == "Digests: boom"


def test_the_crawl_step_counts_the_sites_that_all_and_slugs_stand_for():
    lpses = registry()
    assert len(lpses) > 500
    assert crawl_label(2026, "spse", ("all",)) == f"Crawl {len(lpses)} site(s), 2026"
    # a slug and `all` name the same LPSE once, as the crawl reads it
    slug = lpses[0].slug
    assert crawl_label(2026, "spse", (slug, "all")) == f"Crawl {len(lpses)} site(s), 2026"
    urls = ("https://spse.inaproc.id/kemkes", "https://spse.inaproc.id/jakarta")
    assert crawl_label(2025, "spse", urls) == "Crawl 2 site(s), 2025"
    assert crawl_label(2026, "sirup", ("https://sirup.inaproc.id",)) == "Crawl sirup, 2026"


@pytest.mark.parametrize(
    ("route", "branch", "kanwil", "province", "queue"),
    [
        ("branch", "KC-A", None, "Jambi", "KC-A"),
        ("fallback", None, "Sumbagsel", "Jambi", "fallback Sumbagsel"),
        ("fallback", None, None, "Jambi", "fallback Jambi"),
        ("unrouted", None, None, None, "unrouted"),
    ],
)
def test_queue_names(route, branch, kanwil, province, queue):
    assert queue_name(route, branch, kanwil, province) == queue


def test_demo_branch_table_covers_some_kabkota_and_has_a_quiet_branch():
    with FakeSpse(slugs=["a", "b"], packages=60, seed=4, year=2026) as fake:
        records = awarded(fake.truth())
    rows = list(csv.DictReader(io.StringIO(branch_table(records))))
    covered = {code for row in rows for code in row["kabkota_codes"].split(";")}
    present = {first_kabkota(r) for r in records} - {None}
    assert present & covered  # branch e-mails
    assert present - covered  # fallback e-mails
    quiet = [row for row in rows if row["kabkota_codes"] == QUIET_KABKOTA]
    assert [row["branch_code"] for row in quiet] == ["KC-DEMO-QUIET"]
    assert QUIET_KABKOTA not in present


def test_demo_config_text_is_a_valid_configuration(tmp_path):
    (tmp_path / "registry.csv").write_text("x\n", encoding="utf-8")
    (tmp_path / "branches.csv").write_text("x\n", encoding="utf-8")
    path = tmp_path / "demo.toml"
    path.write_text(_config_text(["http://127.0.0.1:8123/demo-kota"]), encoding="utf-8")
    config = load_config(path, env={})
    assert config.crawl.sites == ("http://127.0.0.1:8123/demo-kota",)
    assert config.crawl.settings["DOWNLOAD_DELAY"] == 0
    assert config.crawl.settings["AUTOTHROTTLE_ENABLED"] is False
    assert config.outbox == tmp_path / "outbox"
    assert config.db_url == f"sqlite:///{tmp_path / 'lpse-leads.sqlite'}"
