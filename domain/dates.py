"""Indonesian dates as SPSE writes them (`28 April 2022`, `6 Februari 2026 16:05`), in WIB.

SPSE shows month names in Indonesian and times without a zone; the sites run on
Asia/Jakarta time, so date-times become aware datetimes in that zone.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from domain.text import clean_text

JAKARTA = ZoneInfo("Asia/Jakarta")

MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
_MONTH_NUMBER = {name.lower(): i for i, name in enumerate(MONTHS, start=1)}
_MONTH_NUMBER.update({name[:3].lower(): i for i, name in enumerate(MONTHS, start=1)})
_MONTH_NUMBER.update(
    {"agt": 8, "agu": 8, "okt": 10, "des": 12, "sept": 9, "peb": 2, "pebruari": 2, "nop": 11, "nopember": 11}
)
_DATE = re.compile(r"(?P<day>\d{1,2})\s+(?P<month>[a-z]+)\.?\s+(?P<year>\d{4})", re.I | re.ASCII)
_DATETIME = re.compile(_DATE.pattern + r"(?:\s+(?P<hour>\d{1,2})[:.](?P<minute>\d{2}))?", re.I | re.ASCII)


def _match(text: str) -> re.Match[str] | None:
    """Match a cleaned date(-time) text; None for empty; ValueError for anything else."""
    if not isinstance(text, str):
        raise TypeError(f"expected text, got {type(text).__name__}")
    t = clean_text(text)
    if not t:
        return None
    m = _DATETIME.fullmatch(t)
    if m is None or m["month"].lower() not in _MONTH_NUMBER:
        raise ValueError(f"not an Indonesian date like '28 April 2022': {text!r}")
    return m


def _date_of(m: re.Match[str]) -> date:
    """The calendar date of a match; ValueError for an impossible day."""
    return date(int(m["year"]), _MONTH_NUMBER[m["month"].lower()], int(m["day"]))


def parse_id_date(text: str) -> date | None:
    """`28 April 2022` → date(2022, 4, 28); a time after the date is ignored; None for empty."""
    m = _match(text)
    return None if m is None else _date_of(m)


def parse_id_datetime(text: str) -> datetime | date | None:
    """`6 Februari 2026 16:05` → aware datetime in Asia/Jakarta; date-only text → date; None if empty."""
    m = _match(text)
    if m is None:
        return None
    day = _date_of(m)
    if m["hour"] is None:
        return day
    return datetime(day.year, day.month, day.day, int(m["hour"]), int(m["minute"]), tzinfo=JAKARTA)


def format_id_date(d: date) -> str:
    """The SPSE form `28 April 2022` (no leading zero)."""
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def format_id_datetime(dt: datetime) -> str:
    """The SPSE form `6 Februari 2026 16:05`, in Jakarta time (aware values are converted)."""
    if dt.tzinfo is not None:
        dt = dt.astimezone(JAKARTA)
    return f"{format_id_date(dt)} {dt.hour:02d}:{dt.minute:02d}"
