"""End to end: list calls whose session expired (login page instead of JSON) are read again.

Deterministic: the fake's sessions expire after a fixed number of list calls (`token_uses`), not
at random or by the clock, and each site's lists are read one after another in one session, so
the number of expiries does not depend on how fast the machine or the host is.
"""

from __future__ import annotations

import pytest

from fake_spse import FakeSpse
from fake_spse.faults import Profile
from tests.crawler.e2e import SLUGS, assert_same_packages, construction_truth, crawl

pytestmark = pytest.mark.slow


def _logins(fake_stats: dict) -> int:
    return sum(fake_stats["requests"].get("login", {}).values())


def test_expired_tokens_are_refreshed_and_nothing_is_lost(tmp_path) -> None:
    with FakeSpse(slugs=SLUGS, packages=40, seed=5, year=2026, faults=Profile("t", token_uses=2)) as fake:
        records, stats = crawl(fake, tmp_path, "LPSE_DT_PAGE_LENGTH=5")
        fake_stats = fake.stats()
        truth = construction_truth(fake)
    assert _logins(fake_stats) > len(SLUGS)
    assert stats["lpse/token_refresh"] == _logins(fake_stats)
    assert not [k for k in stats if k.startswith("lpse/list_failed/")]
    assert_same_packages(records, truth)


def test_a_list_whose_token_keeps_expiring_is_read_later_in_the_run(tmp_path) -> None:
    """No refresh allowed: every list call after a session's first fails; each list is put off to
    the next idle round (a fresh session), never given up while the host answers."""
    with FakeSpse(slugs=SLUGS, packages=40, seed=5, year=2026, faults=Profile("t", token_uses=1)) as fake:
        records, stats = crawl(fake, tmp_path, "LPSE_DT_PAGE_LENGTH=100", "LPSE_TOKEN_REFRESH_TIMES=0")
        truth = construction_truth(fake)
    assert stats["lpse/list_deferred/not_json"] >= len(SLUGS)
    assert not [k for k in stats if k.startswith("lpse/list_failed/")]
    assert_same_packages(records, truth)
