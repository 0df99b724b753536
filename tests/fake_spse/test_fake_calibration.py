"""The fake's shipped calibration is what the real 2026 lists say (recomputed from ../shared)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fake_spse.calibration import REAL_TENDER_LISTS, TENDER_LIST_LENGTHS, measure
from fake_spse.world import build_world

LISTS_2026 = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures" / "lpse" / "lists-2026"


@pytest.mark.skipif(not LISTS_2026.is_dir(), reason="../shared (real 2026 lists) not present")
def test_shipped_numbers_equal_a_fresh_measurement_of_the_real_lists():
    assert measure(LISTS_2026) == REAL_TENDER_LISTS


def test_real_sizes_give_each_slug_a_real_tender_list_length():
    slugs = ["a", "b", "c"]
    world = build_world(slugs, "real", seed=4, year=2026)
    lengths = TENDER_LIST_LENGTHS  # acehprov 87, baliprov 94, gorontaloprov 12, … (by portal name)
    for slug in slugs:
        tenders = sum(p.list == "tender" for p in world.packages(slug))
        want = lengths[slugs.index(slug)]
        assert abs(tenders - want) <= max(6, want * 0.35), (slug, tenders, want)
