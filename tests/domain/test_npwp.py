"""NPWP normalisation, keys and mask matching (protocol §7.5, §8)."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.npwp import format_npwp15, is_masked, masks_agree, normalise_npwp, npwp_key


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("01.544.863.2-009.000", "015448632009000"),
        (" 01.513.583.3-915.000\n", "015135833915000"),
        ("0016711962421000", "0016711962421000"),
        ("07*3**1****01**0", "07*3**1****01**0"),
        ("  07*3**1****01**0 ", "07*3**1****01**0"),
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert normalise_npwp(text) == expected


@pytest.mark.parametrize("text", ["", "   ", None])
def test_normalise_empty(text: str | None) -> None:
    assert normalise_npwp(text) is None


@pytest.mark.parametrize("text", ["12345", "01.544.863.2-009.00A", "NPWP", "0154486320090001234", "**"])
def test_normalise_garbage(text: str) -> None:
    with pytest.raises(ValueError):
        normalise_npwp(text)


def test_is_masked() -> None:
    assert is_masked("07*3**1****01**0")
    assert not is_masked("015448632009000")


def test_key() -> None:
    assert npwp_key("015448632009000") == "0015448632009000"
    assert npwp_key("01.544.863.2-009.000") == "0015448632009000"
    assert npwp_key("0016711962421000") == "0016711962421000"
    assert npwp_key("07*3**1****01**0") is None
    assert npwp_key(None) is None


def test_format15() -> None:
    assert format_npwp15("015448632009000") == "01.544.863.2-009.000"
    assert format_npwp15("0015448632009000") == "01.544.863.2-009.000"


def test_masks_agree() -> None:
    assert masks_agree("07*3**1****01**0", "0713451234501230")
    assert not masks_agree("07*3**1****01**0", "0813451234501230")
    assert masks_agree("01*5**8*3**0*9*0*", "015448632009000") is False  # 17 chars: not an NPWP mask
    assert masks_agree("0*5**8*32*0*0*0", "015448632009000")  # 15-char mask of a 15-digit NPWP
    assert not masks_agree("07*3**1****01**0", "07*3**1****01**0")


digits15 = st.text(alphabet="0123456789", min_size=15, max_size=15)
separators = st.text(alphabet=" .-/", max_size=2)


@given(digits15, st.lists(separators, min_size=16, max_size=16))
def test_separators_do_not_matter(digits: str, seps: list[str]) -> None:
    decorated = "".join(sep + d for sep, d in zip(seps, digits, strict=False)) + seps[-1]
    assert normalise_npwp(decorated) == digits
    assert npwp_key(decorated) == "0" + digits


@given(digits15)
def test_format_round_trip(digits: str) -> None:
    assert normalise_npwp(format_npwp15(digits)) == digits


@given(st.text())
def test_random_text_raises_only_value_error(text: str) -> None:
    with contextlib.suppress(ValueError):
        normalise_npwp(text)
