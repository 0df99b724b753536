"""End to end on the `hostile` fake: resets, truncation, HTTP-200 error pages, token expiry, 429s."""

from __future__ import annotations

import pytest

from fake_spse import FakeSpse
from tests.crawler.e2e import (
    CONCURRENCY,
    SLUGS,
    assert_same_packages,
    construction_truth,
    crawl,
    rate_limit_bursts,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    with FakeSpse(slugs=SLUGS, packages=150, seed=11, year=2026, faults="hostile") as fake:
        records, stats = crawl(fake, tmp_path_factory.mktemp("hostile"), "LPSE_DT_PAGE_LENGTH=5")
        yield fake, records, stats, fake.stats()


def test_every_construction_package_despite_the_faults(hostile) -> None:
    fake, records, _, fake_stats = hostile
    for fault in ("server_error", "reset", "error_page", "truncate"):
        assert fake_stats["faults"].get(fault, 0) > 0, fault
    assert_same_packages(records, construction_truth(fake))


def test_error_pages_were_retried_not_parsed(hostile) -> None:
    _, _, stats, _ = hostile
    assert stats["lpse/page_error/server_error"] > 0
    assert stats["retry/reason_count/lpse_server_error"] > 0


def test_retry_after_is_honoured(hostile) -> None:
    _, _, _, fake_stats = hostile
    bursts = rate_limit_bursts(fake_stats)
    assert bursts
    assert max(len(b) for b in bursts) <= CONCURRENCY
