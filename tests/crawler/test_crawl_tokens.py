"""End to end: list calls whose session expired (login page instead of JSON) are read again."""

from __future__ import annotations

import pytest

from fake_spse import FakeSpse
from fake_spse.faults import Profile
from tests.crawler.e2e import SLUGS, assert_same_packages, construction_truth, crawl

pytestmark = pytest.mark.slow

EXPIRING = Profile("expiring tokens", token_expiry=0.2)


def test_expired_tokens_are_refreshed_and_nothing_is_lost(tmp_path) -> None:
    with FakeSpse(slugs=SLUGS, packages=40, seed=5, year=2026, faults=EXPIRING) as fake:
        records, stats = crawl(fake, tmp_path, "LPSE_DT_PAGE_LENGTH=5", "LPSE_TOKEN_REFRESH_TIMES=6")
        fake_stats = fake.stats()
        truth = construction_truth(fake)
    assert sum(fake_stats["requests"]["login"].values()) > 0
    assert stats["lpse/token_refresh"] == sum(fake_stats["requests"]["login"].values())
    assert_same_packages(records, truth)
