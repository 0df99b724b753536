"""A schedule the site revises is re-read once the list row contradicts the stored one, never guessed.

The fake postpones running schedules (fake_spse.revisions). A construction tender whose winner is
named (its jadwal stored) has its running stage postponed between two daily crawls. While its row
still shows the stage the stored schedule places at the site's time, nothing tells the crawler: it
sends no request and its stored jadwal lags the site's. Once the row keeps that stage past its
stored end, the crawl re-reads the jadwal (one request) and the stored package equals the truth.
Three crawls into one SQLite store: day d (full), d+1 (revision hidden), d+2 (row contradicts).
"""

from __future__ import annotations

from typing import Any

import pytest

from crawler.parsers import is_construction
from fake_spse import FakeSpse
from fake_spse.model import Package
from fake_spse.revisions import hidden_revisions, revised_between, row_reveals
from fake_spse.world import World
from tests.crawler.e2e import crawl_into, export

SLUGS = ["kota-a", "kab-b"]
PACKAGES = 80
SEED = 7


def _scenario(world: World) -> tuple[int, str, Package]:
    """(day d, slug, tender): winner named on d, revised in (d, d+1], hidden on d+1, shown on d+2."""
    for day in range(30):
        world.set_day(day)
        since = world.now
        world.set_day(day + 1)
        hidden = world.now
        later = hidden + (hidden - since)
        for slug in SLUGS:
            for p in world.packages(slug):
                named = p.announced <= since and p.state(since).winner_named and not p.state(since).finished
                if (
                    p.list == "tender"
                    and is_construction(p.category)
                    and named
                    and revised_between(p, since, hidden)
                    and not row_reveals(p, hidden)
                    and row_reveals(p, later)
                ):
                    return day, slug, p
    raise AssertionError("no such tender in 30 days of this world")


def _requests(log: list[dict[str, Any]], code: str) -> list[str]:
    """Kinds of the detail pages of one package that the fake answered."""
    return [e["kind"] for e in log if code in e["path"]]


def _mismatches(stored: dict, truth: dict) -> dict[tuple[str, str], set[str]]:
    """(site, code) → the fields in which a stored package differs from the truth."""
    keys = set(stored) | set(truth)
    out = {}
    for key in keys:
        got, want = stored.get(key) or {}, truth.get(key) or {}
        fields = {f for f in set(got) | set(want) if got.get(f) != want.get(f)}
        if fields:
            out[key] = fields
    return out


@pytest.fixture(scope="module")
def days(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The three crawls: per day the stats, the fake's log, the store and the truth."""
    tmp = tmp_path_factory.mktemp("revised")
    db = f"sqlite:///{tmp / 'leads.sqlite'}"
    with FakeSpse(slugs=SLUGS, packages=PACKAGES, seed=SEED, year=2026) as fake:
        day, slug, package = _scenario(fake.world)
        fake.set_day(day)
        first = fake.world.now
        out: dict[str, Any] = {"slug": slug, "package": package, "site": fake.base_url(slug), "days": []}
        for offset in range(3):
            fake.set_day(day + offset)
            before = len(fake.stats()["log"])
            stats = crawl_into(fake, db, tmp / f"stats-{offset}.json", slugs=SLUGS)
            truth = {
                (r["site"], r["code"]): r for r in fake.truth() if is_construction(r.get("category", ""))
            }
            hidden = {(fake.base_url(s), code) for s, code in hidden_revisions(fake.world, first)}
            out["days"].append(
                {
                    "stats": stats,
                    "log": fake.stats()["log"][before:],
                    "stored": export(db),
                    "truth": truth,
                    "hidden": hidden,
                    "original": [
                        {"name": s.name, "start": s.start.isoformat(), "end": s.end.isoformat()}
                        for s in package.stages
                    ],
                }
            )
    return out


def test_a_revision_the_row_does_not_show_yet_costs_no_request_and_its_lag_is_the_only_difference(days):
    package, key = days["package"], (days["site"], days["package"].code)
    day0, day1 = days["days"][0], days["days"][1]
    assert day0["stored"][key] == day0["truth"][key]
    assert day0["stored"][key]["stages"] == day0["original"]  # the jadwal as it was on day d

    assert _requests(day1["log"], package.code) == []  # the crawler does not guess
    assert day1["stored"][key]["stages"] == day0["original"]
    assert day1["truth"][key]["stages"] != day0["original"]  # the site shows the postponed jadwal
    differences = _mismatches(day1["stored"], day1["truth"])
    assert differences[key] == {"stages"}
    assert all(fields == {"stages"} and k in day1["hidden"] for k, fields in differences.items())


def test_once_the_row_contradicts_the_stored_schedule_the_jadwal_is_read_again(days):
    package, key = days["package"], (days["site"], days["package"].code)
    day2 = days["days"][2]
    assert _requests(day2["log"], package.code) == ["jadwal"]
    assert day2["stats"]["lpse/refetch/schedule_revised"] >= 1
    assert day2["stored"][key] == day2["truth"][key]
    assert day2["truth"][key]["stage"] == days["days"][0]["truth"][key]["stage"]  # the row did not move
    differences = _mismatches(day2["stored"], day2["truth"])
    assert key not in differences
    assert all(fields == {"stages"} and k in day2["hidden"] for k, fields in differences.items())
