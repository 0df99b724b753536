"""The Jakon registration deadline: 14 Indonesian working days after the contract (SPK) date.

Permenaker 44/2015 Pasal 3(3): register "paling lambat 14 (empat belas) hari kerja setelah Surat
Perintah Kerja diterbitkan" (bpjs-jakon-rules.md §5.1). Working days exclude Saturdays, Sundays and
national holidays. Holidays come from ``lokal-id``, which only carries years whose SKB 3 Menteri is
published (``lokal.HOLIDAY_YEARS``, 2026 and 2027 in 0.7.2) and raises for any other year; for those
years this module counts weekends only, and ``holiday_data_covers`` lets callers flag the deadline
as approximate.
"""

from __future__ import annotations

from datetime import date, timedelta

from lokal import HOLIDAY_YEARS
from lokal import is_working_day as _lokal_is_working_day

#: Working days allowed for registration after the SPK (Permenaker 44/2015 Pasal 3(3)).
REGISTRATION_WORKING_DAYS = 14

_ONE_DAY = timedelta(days=1)


def holiday_data_covers(year: int) -> bool:
    """Whether lokal-id has the official holiday list for ``year``; if not, only weekends are skipped."""
    return year in HOLIDAY_YEARS


def is_working_day(day: date, *, cuti_bersama_off: bool = True) -> bool:
    """Whether ``day`` is an Indonesian working day (Mon-Fri, not a holiday).

    For years without holiday data only weekends are off (see ``holiday_data_covers``).
    ``cuti_bersama_off``: see ``registration_deadline``.
    """
    if not holiday_data_covers(day.year):
        return day.weekday() < 5
    return _lokal_is_working_day(day, cuti_bersama=cuti_bersama_off)


def add_working_days(start: date, days: int, *, cuti_bersama_off: bool = True) -> date:
    """The date ``days`` (>= 0) working days after ``start``; ``start`` itself never counts.

    Unlike ``lokal.add_working_days`` this does not raise in years without holiday data, and it
    may cross from a covered year into an uncovered one (e.g. a December 2027 SPK).
    """
    if days < 0:
        raise ValueError(f"days must be >= 0: {days}")
    current = start
    left = days
    while left:
        current += _ONE_DAY
        if is_working_day(current, cuti_bersama_off=cuti_bersama_off):
            left -= 1
    return current


def registration_deadline(signed_on: date, *, cuti_bersama_off: bool = True) -> date:
    """Last day to register the project: 14 working days after the contract/SPK date ``signed_on``.

    The signing day is day 0; the first working day after it is day 1, so a contract signed on
    Friday 3 July 2026 is due on Thursday 23 July 2026.

    ``cuti_bersama_off`` (default True) treats cuti bersama as days off. Whether cuti bersama count
    as working days is OPEN (§11.6). The default follows government offices: PPK, BPKAD and BPJS TK
    branches are closed on cuti bersama, and counting them off gives the later deadline, so a lead
    is never called overdue because of a day the contractor could not have registered. Pass False
    for the stricter reading. Years without holiday data count weekends only (``holiday_data_covers``).
    """
    return add_working_days(signed_on, REGISTRATION_WORKING_DAYS, cuti_bersama_off=cuti_bersama_off)


def days_overdue(deadline: date, today: date) -> int:
    """CALENDAR days from ``deadline`` to ``today``; 0 while not yet due (including the deadline day).

    Calendar days, not working days: it is what officers read as "days late", and it does not depend
    on holiday data that may be missing for the year.
    """
    return max((today - deadline).days, 0)
