"""Fuzzing `domain.money`: a rupiah text gives its exact amount or ValueError, nothing else."""

from __future__ import annotations

import re
from decimal import Decimal

from hypothesis import example, given, settings
from hypothesis import strategies as st

from domain.money import format_rupiah, format_short_rupiah, parse_rupiah, parse_short_rupiah
from tests.fuzz.fuzz_strategies import FAST, JUNK_TEXT, broken_rupiah_texts, rupiah_texts, short_rupiah_texts

_ASCII_DIGITS = re.compile(r"[^0-9]")


def _digits(value: Decimal) -> str:
    """The digits of an amount as written (int part and sen), without leading zeros."""
    return _ASCII_DIGITS.sub("", format(value, "f")).lstrip("0")


@settings(**FAST)
@given(rupiah_texts())
@example(("-Rp. 12345678901234567890123456789012,34", Decimal("-12345678901234567890123456789012.34")))
def test_valid_rupiah_text_gives_exact_amount(case: tuple[str, Decimal]) -> None:
    text, value = case
    assert parse_rupiah(text) == value


@settings(**FAST)
@given(broken_rupiah_texts())
@example("Rp. 1.2.3,,4")
@example("Rp. 1.000,00,00")
def test_near_valid_rupiah_text_is_rejected(text: str) -> None:
    try:
        parse_rupiah(text)
    except ValueError:
        return
    raise AssertionError(f"accepted {text!r}")


@settings(**FAST)
@given(JUNK_TEXT)
@example("Rp. 1&#46;000,00")
def test_any_text_gives_amount_with_the_same_digits_or_value_error(text: str) -> None:
    try:
        value = parse_rupiah(text)
    except ValueError:
        return
    if value is not None:
        assert _digits(value) == _ASCII_DIGITS.sub("", text.replace("&#46;", "")).lstrip("0")


@settings(**FAST)
@given(st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-(10**40), max_value=10**40))
@example(Decimal("-12345678901234567890123456789012.34"))
def test_format_then_parse_is_exact(value: Decimal) -> None:
    assert parse_rupiah(format_rupiah(value)) == value


@settings(**FAST)
@given(short_rupiah_texts())
@example((" 99999999999999999999999 T", Decimal(99999999999999999999999 * 10**12)))
def test_valid_short_rupiah_gives_its_amount(case: tuple[str, Decimal]) -> None:
    text, value = case
    assert parse_short_rupiah(text) == value


@settings(**FAST)
@given(JUNK_TEXT)
def test_short_rupiah_of_any_text_is_value_or_value_error(text: str) -> None:
    try:
        value = parse_short_rupiah(text)
    except ValueError:
        return
    assert value is None or value >= 0


@settings(**FAST)
@given(st.decimals(allow_nan=False, allow_infinity=False, places=0, min_value=0, max_value=10**30))
def test_short_form_reads_back_within_rounding(value: Decimal) -> None:
    back = parse_short_rupiah(format_short_rupiah(value))
    unit = Decimal(10) ** (6 if value < 10**9 else 9 if value < 10**12 else 12)
    assert back is not None and abs(back - value) <= unit / 20
