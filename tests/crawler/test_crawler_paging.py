"""Page-length learning: one call per list on a host that honours the length, no rows lost on a cap."""

from __future__ import annotations

import datetime as dt

from crawler.paging import RECHECK_DAYS, After, Learned, PageLength


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


# --- a finding kept between runs -------------------------------------------------------------------

NOW = dt.datetime(2026, 12, 5, 6, 0, tzinfo=dt.UTC)


def _run(host_cap: int | None, lists: list[int], learner: PageLength) -> list[tuple[int, int, After]]:
    """Page several lists from one host: (rows read, calls, last decision) per list."""
    out = []
    for total in lists:
        start, calls, probing = 0, 0, None
        while True:
            asked = learner.length
            rows = max(0, min(total - start, asked if host_cap is None else min(asked, host_cap)))
            calls += 1
            decision = learner.after(rows, asked, probing)
            start += rows
            if decision in (After.DONE, After.TRUSTED):
                out.append((start, calls, decision))
                break
            probing = rows if decision is After.PROBE else None
    return out


def _day(found: Learned | None, days: float = 1) -> PageLength:
    return PageLength.recalled(100_000, found, NOW + dt.timedelta(days=days))


def test_the_next_run_spends_no_check_call_on_what_the_last_one_proved():
    first = PageLength(100_000)
    assert [c for _, c, _ in _run(None, [2_000, 1_500, 2_500, 90], first)] == [2, 1, 2, 1]
    found = first.learned(NOW)
    assert found == Learned(100_000, None, 2_500, NOW, NOW)
    second = _day(found)
    assert _run(None, [2_400, 2_000, 90], second) == [
        (2_400, 1, After.TRUSTED),
        (2_000, 1, After.DONE),  # smaller than a page sent in this run: proven here
        (90, 1, After.DONE),
    ]
    assert second.trusted == 1 and not second.changed
    assert second.learned(NOW + dt.timedelta(days=1)) == found  # nothing new proven: confirmed when it was


def test_a_list_longer_than_the_finding_is_checked_and_confirms_it():
    learner = _day(Learned(100_000, None, 2_500, NOW, NOW), days=3)
    assert _run(None, [2_600], learner) == [(2_600, 2, After.DONE)]
    later = NOW + dt.timedelta(days=3, hours=1)
    assert learner.learned(later) == Learned(100_000, None, 2_600, NOW, later)


def test_a_host_that_started_capping_below_the_finding_is_caught_by_two_pages_of_the_same_size():
    learner = _day(Learned(100_000, None, 2_500, NOW, NOW))
    first, second = _run(300, [1_000, 700], learner)
    assert first == (300, 1, After.TRUSTED)  # on trust: the spider reads it on once the cap is found
    assert second == (700, 3, After.DONE)  # 300 again: checked (300 more: the cap), then 100
    assert learner.cap == 300 and learner.length == 300 and learner.changed
    assert learner.learned(NOW) == Learned(100_000, 300, 0, NOW, NOW)


def test_a_remembered_cap_is_asked_for_at_once_and_a_lower_one_is_noticed():
    found = Learned(100_000, 300, 0, NOW, NOW)
    learner = _day(found)
    assert learner.length == 300
    assert _run(300, [1_000, 250], learner) == [(1_000, 4, After.DONE), (250, 1, After.DONE)]
    assert learner.learned(NOW + dt.timedelta(days=1)) == found  # a cap is confirmed only by a re-check
    lowered = _day(found)
    first, second = _run(200, [500, 800], lowered)
    assert first == (200, 1, After.TRUSTED)
    assert second[0] == 800 and lowered.cap == 200 and lowered.changed


def test_a_finding_older_than_the_recheck_days_is_checked_again():
    old = Learned(100_000, 300, 0, NOW, NOW)
    learner = _day(old, days=RECHECK_DAYS + 1)
    assert learner.remembered is None and learner.length == 100_000  # the long page is asked for again
    assert _run(None, [1_000], learner) == [(1_000, 2, After.DONE)]  # the cap is gone: one check call
    assert learner.changed
    later = NOW + dt.timedelta(days=RECHECK_DAYS + 1)
    assert learner.learned(later) == Learned(100_000, None, 1_000, later, later)
    still = _day(old, days=RECHECK_DAYS + 1)
    assert _run(300, [1_000], still) == [(1_000, 4, After.DONE)]  # 300, the check (300 more: a cap), 300, 100
    assert not still.changed and still.learned(later) == Learned(100_000, 300, 0, NOW, later)


def test_a_finding_round_trips_through_its_stored_form():
    found = Learned(100_000, None, 2_500, NOW, NOW + dt.timedelta(hours=2))
    assert Learned.from_json(found.as_json()) == found
    naive = {**found.as_json(), "learned_at": dt.datetime(2026, 12, 5, 6, 0)}  # SQLite without a zone
    assert Learned.from_json(naive).learned_at == NOW


def test_a_page_as_large_as_one_under_check_waits_for_that_check_instead_of_its_own():
    learner = PageLength(100_000)
    assert learner.after(300, 100_000) is After.PROBE
    assert learner.after(300, 100_000) is After.TRUSTED  # another list of 300 rows, the check still out
    assert learner.after(0, 100_000, probing_after=300) is After.DONE  # the check: both lists end there
    assert learner.after(300, 100_000) is After.DONE and learner.trusted == 1
    capped = PageLength(100_000)
    assert capped.after(300, 100_000) is After.PROBE
    assert capped.after(300, 100_000) is After.TRUSTED
    assert capped.after(300, 100_000, probing_after=300) is After.NEXT  # more rows: a cap, read both on
    assert capped.cap == 300 and capped.checking == set()
