"""Rupiah parsing/formatting: the forms SPSE shows (protocol §8) and round-trip properties."""

from __future__ import annotations

import contextlib
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.money import format_rupiah, format_short_rupiah, label_form, parse_rupiah, parse_short_rupiah


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Rp. 49.802.888.461,02", Decimal("49802888461.02")),
        ("Rp. 59.000.000.000,00", Decimal("59000000000.00")),
        ("\n      Rp. 787.406.000,00\n   ", Decimal("787406000.00")),
        ("Rp 391.189.900,00", Decimal("391189900.00")),
        ("Rp.&nbsp;750.939.420,00", Decimal("750939420.00")),
        ("Rp.\xa0125.398.000.000,00", Decimal("125398000000.00")),
        ("Rp. 0,00", Decimal("0.00")),
        ("Rp. 500", Decimal("500")),
    ],
)
def test_parse_rupiah_exact(text: str, expected: Decimal) -> None:
    value = parse_rupiah(text)
    assert value == expected
    assert str(value) == str(expected)


@pytest.mark.parametrize(
    "text", ["", "   ", "&nbsp;", "Nilai Kontrak belum dibuat", " nilai kontrak BELUM dibuat "]
)
def test_parse_rupiah_none(text: str) -> None:
    assert parse_rupiah(text) is None


@pytest.mark.parametrize(
    "text", ["goceng", "Rp.", "Rp. 1.23,00", "12 M", "Rp. 1,000,000", "abc", "Rp. 1.000,00 x"]
)
def test_parse_rupiah_garbage(text: str) -> None:
    with pytest.raises(ValueError, match="not a rupiah amount"):
        parse_rupiah(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("750,9 Jt", Decimal(750_900_000)),
        ("22,7 M", Decimal(22_700_000_000)),
        ("130 M", Decimal(130_000_000_000)),
        ("0,8 Jt", Decimal(800_000)),
        ("500 Jt", Decimal(500_000_000)),
        ("126,1 M", Decimal(126_100_000_000)),
        ("1,2 T", Decimal(1_200_000_000_000)),
        ("396,1 jt", Decimal(396_100_000)),
        # 2026 national lists: a value rounding to 1000 juta keeps the unit, thousands dotted
        ("1.000 Jt", Decimal(1_000_000_000)),
        ("1.234,5 M", Decimal(1_234_500_000_000)),
        ("1.000.000 Jt", Decimal(10**12)),
        ("1000 Jt", Decimal(1_000_000_000)),
        # other unit words and spellings
        ("12 Rb", Decimal(12_000)),
        ("12,5 rb", Decimal(12_500)),
        ("2 Juta", Decimal(2_000_000)),
        ("3,25 Miliar", Decimal(3_250_000_000)),
        ("3 Milyar", Decimal(3_000_000_000)),
        ("1 Triliun", Decimal(10**12)),
        ("750,9Jt", Decimal(750_900_000)),
        ("750,9 Jt.", Decimal(750_900_000)),
        ("Rp 1,9 M", Decimal(1_900_000_000)),
        ("Rp. 1,9 M", Decimal(1_900_000_000)),
        # English-style numbers only where they cannot be Indonesian
        ("1.9 M", Decimal(1_900_000_000)),
        ("1,234.5 M", Decimal(1_234_500_000_000)),
        ("1,234,567 Rb", Decimal(1_234_567_000)),
        # an exact amount in the short column is read exactly
        ("Rp. 750.939.420,00", Decimal("750939420.00")),
    ],
)
def test_parse_short_rupiah(text: str, expected: Decimal) -> None:
    assert parse_short_rupiah(text) == expected


def test_parse_short_rupiah_empty() -> None:
    assert parse_short_rupiah(" ") is None


@pytest.mark.parametrize(
    "text",
    ["750,9", "1.000", "750,9 Kg", "Jt", "1,2,3 M", "1.00.0 Jt", "1.0000 M", "Rp. -", "M 750", "- 1 M"],
)
def test_parse_short_rupiah_garbage(text: str) -> None:
    with pytest.raises(ValueError, match="short rupiah"):
        parse_short_rupiah(text)


@pytest.mark.parametrize(
    ("text", "form"),
    [("1.000 Jt", "9.999 Jt"), ("  750,9&nbsp;Jt ", "999,9 Jt"), ("x" * 50, "x" * 40), ("", "")],
)
def test_label_form(text: str, form: str) -> None:
    assert label_form(text) == form


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("49802888461.02"), "Rp. 49.802.888.461,02"),
        (Decimal("787406000"), "Rp. 787.406.000,00"),
        (Decimal("0"), "Rp. 0,00"),
        (Decimal("999.5"), "Rp. 999,50"),
    ],
)
def test_format_rupiah(value: Decimal, expected: str) -> None:
    assert format_rupiah(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal(750_939_420), "750,9 Jt"),
        (Decimal(130_000_000_000), "130 M"),
        (Decimal(500_000_000), "500 Jt"),
        (Decimal(800_000), "0,8 Jt"),
        (Decimal(22_650_000_000), "22,7 M"),
        (Decimal(1_500_000_000_000), "1,5 T"),
        (Decimal(999_999_999), "1.000 Jt"),
        (Decimal(1_234_500_000_000_000), "1.234,5 T"),
    ],
)
def test_format_short_rupiah(value: Decimal, expected: str) -> None:
    assert format_short_rupiah(value) == expected


cents = st.integers(min_value=0, max_value=10**17).map(lambda c: Decimal(c).scaleb(-2))


@given(cents)
def test_format_then_parse_is_identity(value: Decimal) -> None:
    assert parse_rupiah(format_rupiah(value)) == value


@given(cents)
def test_short_form_is_within_rounding(value: Decimal) -> None:
    approx = parse_short_rupiah(format_short_rupiah(value))
    unit = Decimal(10) ** (6 if value < 10**9 else 9 if value < 10**12 else 12)
    assert abs(approx - value) <= unit / 20


@given(st.text())
def test_random_text_raises_only_value_error(text: str) -> None:
    for parse in (parse_rupiah, parse_short_rupiah):
        with contextlib.suppress(ValueError):
            parse(text)
