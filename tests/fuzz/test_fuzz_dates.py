"""Fuzzing `domain.dates`: an Indonesian date gives that date, an impossible one ValueError."""

from __future__ import annotations

import re
from datetime import date, datetime

from hypothesis import example, given, settings
from hypothesis import strategies as st

from domain.dates import JAKARTA, format_id_date, format_id_datetime, parse_id_date, parse_id_datetime
from tests.fuzz.fuzz_strategies import FAST, JUNK_TEXT, id_date_texts, impossible_date_texts


@settings(**FAST)
@given(id_date_texts())
def test_valid_date_text_gives_the_date(case: tuple[str, date]) -> None:
    text, day = case
    assert parse_id_date(text) == day
    assert parse_id_datetime(text) == day


@settings(**FAST)
@given(impossible_date_texts())
@example("31 Februari 2026")
@example("29 Februari 2025")
@example("0 Mei 2026")
@example("1 Mei 0000")
def test_impossible_date_is_rejected(text: str) -> None:
    for parse in (parse_id_date, parse_id_datetime):
        try:
            parse(text)
        except ValueError:
            continue
        raise AssertionError(f"{parse.__name__} accepted {text!r}")


@settings(**FAST)
@given(JUNK_TEXT | st.from_regex(r"\d{1,3} [A-Za-z]{2,9}\.? \d{3,5}( \d{1,3}[:.]\d{1,3})?", fullmatch=True))
@example("6 Februari 2026 24:00")
@example("6 Februari 2026 16:60")
@example("٦ Februari ٢٠٢٦")
def test_any_text_gives_a_date_with_its_numbers_or_value_error(text: str) -> None:
    try:
        value = parse_id_datetime(text)
    except ValueError:
        return
    if value is None:
        return
    numbers = [int(n) for n in re.findall(r"[0-9]+", text)]
    assert numbers[0] == value.day and numbers[1] == value.year
    if isinstance(value, datetime):
        assert value.tzinfo is JAKARTA
        assert numbers[2:4] == [value.hour, value.minute]


@settings(**FAST)
@given(st.datetimes(min_value=datetime(1000, 1, 1), max_value=datetime(9999, 12, 30)))
def test_format_then_parse_datetime_is_exact_to_the_minute(moment: datetime) -> None:
    wib = moment.replace(second=0, microsecond=0, tzinfo=JAKARTA)
    assert parse_id_datetime(format_id_datetime(wib)) == wib
    assert parse_id_date(format_id_date(wib.date())) == wib.date()
