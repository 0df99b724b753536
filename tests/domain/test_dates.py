"""Indonesian dates and WIB date-times as SPSE shows them (protocol §8), plus round trips."""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.dates import JAKARTA, format_id_date, format_id_datetime, parse_id_date, parse_id_datetime


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("28 April 2022", date(2022, 4, 28)),
        ("11 Agustus 2026", date(2026, 8, 11)),
        ("10 Juni 2026", date(2026, 6, 10)),
        ("  1 JANUARI 2025\n", date(2025, 1, 1)),
        ("11 Agt 2026", date(2026, 8, 11)),
        ("3 Des 2024", date(2024, 12, 3)),
        ("5&nbsp;Mei&nbsp;2023", date(2023, 5, 5)),
    ],
)
def test_parse_id_date(text: str, expected: date) -> None:
    assert parse_id_date(text) == expected


def test_parse_id_datetime_is_aware_wib() -> None:
    value = parse_id_datetime("6 Februari 2026 16:05")
    assert value == datetime(2026, 2, 6, 16, 5, tzinfo=JAKARTA)
    assert value.utcoffset() == timedelta(hours=7)


def test_parse_id_datetime_date_only_gives_date() -> None:
    value = parse_id_datetime("10 Februari 2026")
    assert type(value) is date
    assert value == date(2026, 2, 10)


@pytest.mark.parametrize("text", ["", "  ", "&nbsp;"])
def test_empty_is_none(text: str) -> None:
    assert parse_id_date(text) is None
    assert parse_id_datetime(text) is None


@pytest.mark.parametrize(
    "text", ["28 Foo 2022", "2022-04-28", "31 Februari 2026", "April 2022", "6 Februari 2026 25:00"]
)
def test_garbage_raises_value_error(text: str) -> None:
    with pytest.raises(ValueError):
        parse_id_datetime(text)


def test_format_forms() -> None:
    assert format_id_date(date(2026, 8, 11)) == "11 Agustus 2026"
    assert format_id_datetime(datetime(2026, 2, 6, 16, 5, tzinfo=JAKARTA)) == "6 Februari 2026 16:05"
    assert format_id_datetime(datetime(2026, 2, 6, 9, 5, tzinfo=UTC)) == "6 Februari 2026 16:05"


@given(st.dates(min_value=date(1000, 1, 1)))
def test_date_round_trip(d: date) -> None:
    assert parse_id_date(format_id_date(d)) == d


@given(st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1)))
def test_datetime_round_trip_to_the_minute(naive: datetime) -> None:
    dt = naive.replace(second=0, microsecond=0, tzinfo=JAKARTA)
    assert parse_id_datetime(format_id_datetime(dt)) == dt


@given(st.text())
def test_random_text_raises_only_value_error(text: str) -> None:
    with contextlib.suppress(ValueError):
        parse_id_datetime(text)
