"""Fuzzing `domain.npwp`: an NPWP gives its digits, a mask stays a mask, anything else ValueError."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from domain.npwp import format_npwp15, masks_agree, normalise_npwp, npwp_key
from tests.fuzz.fuzz_strategies import FAST, JUNK_TEXT, UNICODE_DIGITS, masked_npwp_texts, npwp_texts


def _rejected(text: str) -> bool:
    try:
        normalise_npwp(text)
    except ValueError:
        return True
    return False


@settings(**FAST)
@given(npwp_texts())
def test_valid_npwp_gives_its_digits(case: tuple[str, str]) -> None:
    text, digits = case
    assert normalise_npwp(text) == digits
    assert npwp_key(text) == digits.rjust(16, "0")


@settings(**FAST)
@given(st.text(alphabet="0123456789", min_size=14, max_size=14) | st.text(alphabet="0123456789", min_size=17))
@example("01.544.863.2-009.00")
@example("01.544.863.2-009.00000")
def test_wrong_digit_count_is_rejected(text: str) -> None:
    assert _rejected(text)


@settings(**FAST)
@given(npwp_texts(), st.data())
def test_a_foreign_digit_is_rejected(case: tuple[str, str], data: st.DataObject) -> None:
    text, _ = case
    positions = [i for i, c in enumerate(text) if c.isascii() and c.isdigit()]
    i = data.draw(st.sampled_from(positions))
    assert _rejected(text[:i] + data.draw(UNICODE_DIGITS) + text[i + 1 :])


@settings(**FAST)
@given(masked_npwp_texts())
@example("07*3**1****01**0")
def test_mask_is_kept_as_shown_and_never_a_key(mask: str) -> None:
    assert normalise_npwp(f" {mask}\xa0") == mask
    assert npwp_key(mask) is None


@settings(**FAST)
@given(
    st.lists(st.sampled_from("0123456789*"), min_size=1, max_size=20)
    .filter(lambda cs: "*" in cs and len(cs) not in (15, 16))
    .map("".join)
)
@example("07*3**1****01*")
@example("07*3**1****01**0a")
def test_mask_of_wrong_width_is_rejected(mask: str) -> None:
    assert _rejected(mask)


@settings(**FAST)
@given(JUNK_TEXT)
def test_any_text_gives_its_own_digits_or_value_error(text: str) -> None:
    try:
        value = normalise_npwp(text)
    except ValueError:
        return
    if value is None:
        assert not text.strip()
    elif "*" in value:
        assert value == re.sub(r"\s+", "", text)
    else:
        assert re.fullmatch(r"[0-9]{15,16}", value)
        assert value == re.sub(r"[^0-9]", "", text)


@settings(**FAST)
@given(masked_npwp_texts(), npwp_texts())
def test_masks_agree_only_where_shown_digits_match(mask: str, case: tuple[str, str]) -> None:
    _, digits = case
    key = digits.rjust(16, "0")
    expected = all(m in ("*", d) for m, d in zip(mask.rjust(16, "0"), key, strict=True))
    assert masks_agree(mask, digits) == expected


@settings(**FAST)
@given(npwp_texts())
def test_format15_reads_back(case: tuple[str, str]) -> None:
    _, digits = case
    if len(digits) == 16 and not digits.startswith("0"):
        return
    assert normalise_npwp(format_npwp15(digits)) == digits[-15:]
