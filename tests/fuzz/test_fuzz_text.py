"""Fuzzing `domain.text`: any cell text cleans up without an exception; badges come out as flags."""

from __future__ import annotations

import html
import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from domain.text import clean_text, split_badges
from tests.fuzz.fuzz_strategies import FAST, JUNK_TEXT

#: Name words as they appear in package names (controls included; no markup characters).
WORDS = st.text(alphabet=st.characters(exclude_characters="<>&\"'", exclude_categories=("Cs",)), max_size=30)
#: Control characters, which a name cell must treat as whitespace.
CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _expected(text: str) -> str:
    """A name or badge as the page shows it: controls are whitespace, then the usual clean-up."""
    return clean_text(CONTROLS.sub(" ", text))


@settings(**FAST)
@given(JUNK_TEXT | st.text())
@example("Pembangunan\x01 Gedung")
@example("a\x0bb\x1f")
@example("&#1")
@example("Gedung &#x1f;&#0; Baru")
@example("\ufffe &#xFFFF;")
@example("<?xml version='1.0' encoding='utf-8'?>Gedung")
@example("<!DOCTYPE")
def test_any_cell_splits_without_error(cell: str) -> None:
    name, badges = split_badges(cell)
    assert name == clean_text(name)
    assert all(b and b == clean_text(b) for b in badges)


@settings(**FAST)
@given(WORDS, st.lists(WORDS.filter(lambda w: _expected(w) != ""), max_size=3), st.sampled_from("'\""))
@example("Pembangunan\x01 Gedung", ["Tender Batal"], "'")
def test_badges_are_split_from_the_name(name: str, badges: list[str], quote: str) -> None:
    spans = "".join(f"<span class={quote}badge badge-warning{quote}>{html.escape(b)}</span>" for b in badges)
    got_name, got_badges = split_badges(html.escape(name) + " " + spans)
    assert got_badges == [_expected(b) for b in badges]
    assert got_name == _expected(name)
