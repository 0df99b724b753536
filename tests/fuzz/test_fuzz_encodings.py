"""Fuzzing page encodings: a real page re-encoded (cp1252, Latin-1, UTF-8 with a BOM), with or without
its meta charset, parses to the same record as the UTF-8 original."""

from __future__ import annotations

import re

from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from crawler.parsers import labels as L
from crawler.parsers.labels import label_key
from tests.fuzz.fuzz_pages import PAGES, PARSERS, document, outcome, serialise, set_text
from tests.fuzz.fuzz_strategies import SLOW

META = re.compile(rb"<meta[^>]*charset[^>]*>", re.IGNORECASE)
#: Pages with a Satuan Kerja cell, where non-Latin-1-ASCII text is written to show mojibake.
PAGE_NAMES = sorted(
    r for r in PAGES if any(label_key(th.text_content()) in L.WORK_UNIT for th in document(r).xpath("//th"))
)
#: Text every legacy encoding here can carry (Latin-1 ∩ cp1252 printable), no markup characters.
LATIN_TEXT = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="<>&\x7f"), max_size=20
).filter(lambda t: all(not 0x80 <= ord(c) <= 0x9F for c in t))


def _page(relative: str, unit: str) -> bytes:
    """The page (UTF-8, meta charset UTF-8) with its Satuan Kerja set to `unit`."""
    doc = document(relative)
    cell = next(
        th.getnext()
        for th in doc.xpath("//th")
        if label_key(th.text_content()) in L.WORK_UNIT and th.getnext() is not None
    )
    set_text(cell, f"Dinas {unit} PUPR")
    return serialise(doc)


def _variants(utf8: bytes) -> dict[str, bytes]:
    """The same page in other encodings, with the meta charset matching, removed, or left stale."""
    text = utf8.decode("utf-8")
    bare = META.sub(b"", utf8).decode("utf-8")
    declared = {
        "windows-1252": META.sub(b'<meta charset="windows-1252">', utf8).decode("utf-8").encode("cp1252"),
        "iso-8859-1": META.sub(b'<meta charset="iso-8859-1">', utf8).decode("utf-8").encode("latin-1"),
    }
    return {
        **declared,
        "utf-8 + BOM": b"\xef\xbb\xbf" + utf8,
        "utf-8 + BOM, no meta": b"\xef\xbb\xbf" + bare.encode("utf-8"),
        "utf-8, no meta": bare.encode("utf-8"),
        "cp1252, no meta": bare.encode("cp1252"),
        "latin-1, no meta": bare.encode("latin-1"),
        "utf-8 page": text.encode("utf-8"),
    }


def _valid_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@settings(**SLOW)
@given(st.sampled_from(PAGE_NAMES), LATIN_TEXT)
@example(PAGE_NAMES[0], "Désa\xa0Marundé")
def test_reencoded_page_parses_the_same(relative: str, unit: str) -> None:
    parser = PARSERS[PAGES[relative]]
    original = _page(relative, unit)
    expected = outcome(parser, original)
    assume(expected is not None)
    for name, body in _variants(original).items():
        if "no meta" in name and "utf-8" not in name and _valid_utf8(body) and not body.isascii():
            continue  # legacy bytes that happen to be valid UTF-8 cannot be told apart
        assert outcome(parser, body) == expected, name
