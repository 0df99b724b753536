"""End to end on the `flaky` fake: `lpse-leads crawl` output equals the fake's construction truth."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fake_spse import FakeSpse
from tests.crawler.e2e import (
    CONCURRENCY,
    PAGE_LENGTH,
    SLUGS,
    assert_same_packages,
    construction_truth,
    crawl,
    rate_limit_bursts,
    requests_by_kind,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def flaky(tmp_path_factory):
    """One flaky fake and one crawl of it, shared by the assertions below."""
    with FakeSpse(slugs=SLUGS, packages=150, seed=7, year=2026, faults="flaky") as fake:
        records, stats = crawl(fake, tmp_path_factory.mktemp("flaky"))
        yield fake, records, stats, fake.stats()


def test_every_construction_package_with_every_field(flaky) -> None:
    fake, records, _, _ = flaky
    truth = construction_truth(fake)
    assert len(truth) > 50
    assert {r["list"] for r in truth} == {"tender", "non_tender", "darurat", "pencatatan"}
    assert_same_packages(records, truth)


def test_money_is_read_back_as_exact_decimals(flaky) -> None:
    _, records, _, _ = flaky
    assert all(isinstance(r["budget_value"], Decimal) for r in records)


def test_faults_happened_and_were_retried(flaky) -> None:
    _, _, stats, fake_stats = flaky
    assert fake_stats["faults"].get("server_error", 0) > 0
    assert stats["retry/count"] > 0
    assert [k for k in stats if k.startswith(("lpse/package_failed/", "lpse/list_failed/"))] == []


def test_a_tab_answering_500_for_a_while_is_read_later_and_no_package_is_lost(flaky) -> None:
    """The flaky profile breaks single tabs for more tries than RETRY_TIMES (as seen on the real host)."""
    _, _, stats, fake_stats = flaky
    assert fake_stats["faults"].get("tab_error", 0) > 7
    assert sum(v for k, v in stats.items() if k.startswith("lpse/page_deferred/")) > 0


def test_lists_were_paged(flaky) -> None:
    fake, _, stats, _ = flaky
    largest_list = max(
        sum(1 for r in fake.truth() if r["site"] == fake.base_url(s) and r["list"] == kind)
        for s in SLUGS
        for kind in ("tender", "non_tender")
    )
    assert largest_list > PAGE_LENGTH
    assert stats["lpse/list_pages/tender"] > len(SLUGS)


def test_no_request_for_tabs_the_package_lacks_or_does_not_need(flaky) -> None:
    _, _, _, fake_stats = flaky
    kinds = requests_by_kind(fake_stats)
    assert kinds["absent_tab"] == 0
    assert kinds["peserta"] == 0
    assert kinds["forbidden_user_agent"] == kinds["forbidden_referer"] == 0  # strict host, default agent
    assert kinds["unknown_path"] == 0


def test_stats_count_construction_rows_and_packages(flaky) -> None:
    fake, records, stats, _ = flaky
    assert stats["item_scraped_count"] == len(records) == stats["lpse/packages"]
    not_construction = sum(v for k, v in stats.items() if k.endswith(("/not_construction", "/no_category")))
    assert not_construction == len(fake.truth()) - len(records)


def test_retry_after_is_honoured(flaky) -> None:
    """Each 429 burst refuses at most the requests already in flight when it began."""
    _, _, _, fake_stats = flaky
    bursts = rate_limit_bursts(fake_stats)
    assert bursts, "the flaky profile should have rate-limited at least once"
    assert max(len(b) for b in bursts) <= CONCURRENCY
