"""Slugs of different sizes on one fake host: a day-0 package count per slug (bench/national_day.py)."""

from __future__ import annotations

import pytest

from fake_spse import FakeSpse
from fake_spse.truth import truth_records
from fake_spse.world import build_world
from tests.fake_spse.spse_client import Client


def _site(slug: str) -> str:
    return f"http://127.0.0.1:1/{slug}"


def test_each_slug_has_its_own_day0_count_and_grows_by_one_percent_of_it():
    world = build_world(["small", "large"], {"small": 120, "large": 700}, seed=3, year=2026)
    assert (len(world.packages("small")), len(world.packages("large"))) == (120, 700)
    world.set_day(1)
    assert (len(world.packages("small")), len(world.packages("large"))) == (121, 707)
    world.set_day(3)
    assert (len(world.packages("small")), len(world.packages("large"))) == (123, 721)


def test_a_slug_is_the_same_whether_its_count_comes_alone_or_in_a_mapping():
    alone = build_world(["kemkes"], 250, seed=9, year=2026, day=2)
    mixed = build_world(["kemkes", "other"], {"kemkes": 250, "other": 40}, seed=9, year=2026, day=2)
    kemkes = [r for r in truth_records(mixed, _site) if r["site"] == _site("kemkes")]
    assert kemkes == list(truth_records(alone, _site))


def test_a_slug_without_a_count_is_refused():
    with pytest.raises(ValueError, match="no package count"):
        build_world(["a", "b"], {"a": 10}, seed=1, year=2026)


def test_the_server_lists_exactly_each_slugs_packages():
    sizes = {"kecil": 30, "besar": 260}
    with FakeSpse(slugs=sizes, packages=sizes, seed=4, year=2026) as fake:
        expected = {slug: 0 for slug in sizes}
        for record in fake.truth():
            if record["list"] == "tender":
                expected[record["site"].rsplit("/", 1)[1]] += 1
        for slug in sizes:
            client = Client(fake.base_url(slug))
            token = client.listing("lelang")
            answer = client.rows("lelang", token, start=0, length=10_000)
            assert len(answer["data"]) == expected[slug]
    assert 0 < expected["kecil"] < expected["besar"]
