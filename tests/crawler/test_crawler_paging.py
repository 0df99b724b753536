"""Page-length learning: one call per list on a host that honours the length, no rows lost on a cap."""

from __future__ import annotations

from crawler.paging import After, PageLength


def _read(host_cap: int | None, total: int, learner: PageLength) -> tuple[int, int]:
    """Page a list of `total` rows from a host capping at `host_cap`: (rows read, calls)."""
    start, calls, probing = 0, 0, None
    while True:
        asked = learner.length
        rows = max(0, min(total - start, asked if host_cap is None else min(asked, host_cap)))
        calls += 1
        decision = learner.after(rows, asked, probing)
        start += rows
        if decision is After.DONE:
            return start, calls
        probing = rows if decision is After.PROBE else None


def test_a_host_that_honours_the_length_costs_one_call_per_list_below_the_minimum_cap():
    learner = PageLength(100_000)
    assert _read(None, 87, learner) == (87, 1)
    assert _read(None, 0, learner) == (0, 1)


def test_a_large_short_page_is_probed_once_then_trusted():
    learner = PageLength(100_000)
    assert _read(None, 2_000, learner) == (2_000, 2)  # probe: nothing more
    assert _read(None, 1_500, learner) == (1_500, 1)  # ≤ a proven-final size
    assert _read(None, 2_500, learner) == (2_500, 2)  # a new largest size: probed once more


def test_a_capping_host_is_detected_and_every_row_read():
    learner = PageLength(100_000)
    assert _read(300, 1_000, learner) == (1_000, 4)  # 300 (then a probe: more), 300, 300, 100
    assert learner.cap == 300 and learner.length == 300
    assert _read(300, 250, learner) == (250, 1)
    assert _read(300, 600, learner) == (600, 3)  # 300, 300, 0
