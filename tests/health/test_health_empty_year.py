"""An empty fiscal year is not dark; a host that does not answer its lists properly still is.

The fake SPSE of 2027 has no package of 2026 (a package's fiscal years are its own year, and
the next for some multi-year tenders), so crawling its 2026 lists is what a January crawl of the
new year meets: every listing page and list call answers, with no rows. Beside it, a port
nobody listens on, and the same empty fake behind a login page on every list call (the session
dies: HTTP 200, HTML instead of JSON) — neither answered its lists, so both are dark. And a site
that listed rows in an ok crawl of this year and now answers every list empty is degraded.
Each crawl is its own `lpse-leads crawl` process; SQLite and PostgreSQL.
"""

from __future__ import annotations

import pytest

from fake_spse import FakeSpse
from fake_spse.faults import Profile
from tests.digest.conftest import free_port
from tests.health.test_health_crawl import crawl, health
from tests.health.test_health_thresholds_crawl import crawl_env

pytestmark = pytest.mark.slow

SLUG = "kota-a"
#: Every list call answers the login page (HTTP 200, HTML): the token never works.
LOGIN_PAGE = Profile("login page", token_expiry=1.0)


def test_an_empty_year_is_ok_and_hosts_that_do_not_answer_their_lists_are_dark(migrated):
    env = crawl_env(migrated)
    with FakeSpse(slugs=[SLUG], packages=40, seed=21, year=2027) as empty:
        site = empty.base_url(SLUG)
        alone = crawl([site], env)
        assert alone.returncode == 0, alone.stdout + alone.stderr  # an empty year is no failure
        assert empty.stats()["requests"]["listing"]  # the listing pages and list calls answered
        _, rows = health(env)
        assert rows[site]["verdict"] == "ok"
        assert rows[site]["reasons"] == [
            "empty year: every list read (tender, non_tender, darurat, pencatatan, swakelola) "
            "answered with no rows"
        ]

        closed = f"http://127.0.0.1:{free_port()}/{SLUG}"
        with FakeSpse(slugs=[SLUG], packages=40, seed=21, year=2027, faults=LOGIN_PAGE) as login:
            blocked = login.base_url(SLUG)
            together = crawl([site, closed, blocked], env)
    assert together.returncode == 1, together.stdout + together.stderr
    _, rows = health(env)
    assert rows[site]["verdict"] == "ok"
    assert rows[closed]["verdict"] == "dark"
    assert "connection refused or dropped" in rows[closed]["reasons"][0]
    assert rows[blocked]["verdict"] == "dark"
    [reason] = rows[blocked]["reasons"]
    assert reason.startswith("no list rows: ")
    assert "error page ×" in reason  # the login page where JSON was due


def test_rows_that_vanish_from_a_year_are_degraded(migrated):
    env = crawl_env(migrated)
    port = free_port()
    with FakeSpse(slugs=[SLUG], packages=40, seed=22, year=2026, port=port) as listed:
        site = listed.base_url(SLUG)
        first = crawl([site], env)
        assert first.returncode == 0, first.stdout + first.stderr
    _, rows = health(env)
    assert (rows[site]["verdict"], rows[site]["reasons"]) == ("ok", [])
    with FakeSpse(slugs=[SLUG], packages=40, seed=22, year=2027, port=port) as emptied:
        assert emptied.base_url(SLUG) == site  # the same site, now answering 2026 with no rows
        second = crawl([site], env)
        assert second.returncode == 0, second.stdout + second.stderr
    _, rows = health(env)
    assert rows[site]["verdict"] == "degraded"
    [reason] = rows[site]["reasons"]
    assert reason.startswith("every list answered with no rows, yet an ok crawl of this year listed ")
