"""The crawler passes the strict 2026 fake with its defaults (issue 9 acceptance), as an honest bot."""

from __future__ import annotations

import pytest

from crawler.useragent import bot_user_agent
from fake_spse import FakeSpse
from lpse_leads.commands.crawl import _settings
from lpse_leads.config import CrawlConfig
from lpse_leads.run import _crawl_settings
from tests.crawler.e2e import LOCAL_FAKE, assert_same_packages, construction_truth, crawl, requests_by_kind

TWO = ["kota-a", "kab-b"]


def test_default_user_agent_is_the_standard_crawler_form_naming_the_bot():
    agent = _settings([], None).get("USER_AGENT")
    assert agent.startswith("Mozilla/5.0 (compatible; lpse-leads/0.1.0")
    for browser in ("Chrome/", "Safari/", "Gecko/", "Firefox/", "Windows NT"):
        assert browser not in agent  # never a browser impersonation


def test_contact_url_from_the_configuration_goes_into_the_user_agent():
    settings = _crawl_settings(CrawlConfig(contact_url="https://ops.example.go.id/lpse-leads"))
    assert settings == {"LPSE_CONTACT_URL": "https://ops.example.go.id/lpse-leads"}
    agent = _settings([f"{k}={v}" for k, v in settings.items()], None).get("USER_AGENT")
    assert agent == "Mozilla/5.0 (compatible; lpse-leads/0.1.0; +https://ops.example.go.id/lpse-leads)"
    assert agent == bot_user_agent("https://ops.example.go.id/lpse-leads")


def test_an_explicit_user_agent_setting_wins():
    overrides = ["LPSE_CONTACT_URL=https://ops.example/x", "USER_AGENT=curl/8"]
    assert _settings(overrides, None).get("USER_AGENT") == "curl/8"


@pytest.mark.slow
def test_crawl_with_its_defaults_equals_the_truth_on_two_slugs_under_flaky(tmp_path):
    """Only politeness lifted (crawler/README.md): default User-Agent, page length, lists, retries."""
    with FakeSpse(slugs=TWO, packages=120, seed=9, year=2026, faults="flaky") as fake:
        records, stats = crawl(fake, tmp_path, base=[*LOCAL_FAKE, "LOG_LEVEL=WARNING"], slugs=TWO)
        fake_stats = fake.stats()
        truth = construction_truth(fake)
    assert_same_packages(records, truth)
    assert not [k for k in stats if k.startswith(("lpse/list_failed/", "lpse/package_failed/"))]
    kinds = requests_by_kind(fake_stats)
    assert kinds["forbidden_user_agent"] == kinds["forbidden_referer"] == 0
    assert kinds["dt"] <= 2 * 5 * 2  # five lists per slug, mostly one call each (+ retried faults)
    assert kinds["listing"] <= 2 * 2  # one session per slug (+ a retried fault)
    assert {r["list"] for r in records} >= {"tender", "non_tender", "pencatatan"}
