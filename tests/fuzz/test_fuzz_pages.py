"""Fuzzing the detail-page parsers with damaged real pages: a dict or ParseError, never another
exception, and a garbled value cell never comes out as a plausible value."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from crawler.parsers import labels as L
from crawler.parsers.labels import label_key
from domain.dates import parse_id_date, parse_id_datetime
from domain.money import parse_rupiah
from domain.npwp import normalise_npwp
from tests.fuzz.fuzz_pages import (
    MUTATIONS,
    PAGES,
    PARSERS,
    document,
    outcome,
    page_bytes,
    serialise,
    set_text,
    value_cells,
)
from tests.fuzz.fuzz_strategies import JUNK_TEXT, SLOW, broken_rupiah_texts

PAGE_NAMES = sorted(PAGES)
MARK = "GARBAGE-7f3a"

#: Garbage whose page text is itself (no markup, no entities, no controls), so the reader's verdict
#: on it is the expected outcome.
PLAIN_GARBAGE = st.one_of(
    JUNK_TEXT,
    broken_rupiah_texts(),
    st.sampled_from(
        ["", "-", "0", "N/A", "Rp. -", "Rp. ,00", "Rp. 0,00x", "nol", "Rp. 1.2.3,,4", "31 Februari 2026"]
    ),
).map(lambda t: re.sub("[<>&\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff\r]", "", t))


def _damaged(relative: str, rng: random.Random, count: int) -> bytes:
    doc = document(relative)
    for _ in range(count):
        rng.choice(MUTATIONS)(doc, rng)
    return serialise(doc)


@settings(**SLOW)
@given(st.sampled_from(PAGE_NAMES), st.randoms(use_true_random=False), st.integers(min_value=1, max_value=6))
def test_damaged_page_gives_dict_or_parse_error(relative: str, rng: random.Random, count: int) -> None:
    body = _damaged(relative, rng, count)
    for parser in PARSERS.values():
        outcome(parser, body)


@settings(**SLOW)
@given(st.sampled_from(PAGE_NAMES), st.data())
def test_truncated_page_gives_dict_or_parse_error(relative: str, data: st.DataObject) -> None:
    body = page_bytes(relative)
    cut = data.draw(st.integers(min_value=0, max_value=len(body)))
    for parser in PARSERS.values():
        outcome(parser, body[:cut])


@settings(**SLOW)
@given(
    st.binary(max_size=2000)
    | st.sampled_from([b"", b" \n", b"\x00", b"\xef\xbb\xbf", b"<", b"<html>", b"{}"])
)
def test_junk_body_gives_dict_or_parse_error(body: bytes) -> None:
    for parser in PARSERS.values():
        outcome(parser, body)


@pytest.mark.parametrize("parser", sorted(PARSERS))
def test_empty_body_is_a_parse_error(parser: str) -> None:
    assert outcome(PARSERS[parser], b"") is None


PAGES_WITH_CELLS = [r for r in PAGE_NAMES if value_cells(document(r))]


@settings(**SLOW)
@given(st.sampled_from(PAGES_WITH_CELLS), st.randoms(use_true_random=False), JUNK_TEXT | st.text())
def test_any_garbage_in_a_value_cell_gives_dict_or_parse_error(
    relative: str, rng: random.Random, garbage: str
) -> None:
    doc = document(relative)
    set_text(rng.choice(value_cells(doc)), MARK)
    body = serialise(doc).replace(MARK.encode(), garbage.encode("utf-8", "replace"))
    for parser in PARSERS.values():
        outcome(parser, body)


# ----- a garbled cell never becomes a plausible value ------------------------------------------------

#: label synonyms → (record key, the domain reader of that value)
FIELDS: list[tuple[frozenset[str], str, Callable[[str], Any]]] = [
    (L.BUDGET, "budget_value", parse_rupiah),
    (L.ESTIMATE, "estimate_value", parse_rupiah),
    (L.REALISED, "realised_value", parse_rupiah),
    (L.PDN, "pdn_value", parse_rupiah),
    (L.UMK, "umk_value", parse_rupiah),
    (L.CREATED, "created_on", parse_id_date),
    (L.COMPLETED, "completed_on", parse_id_date),
]


def _expected(reader: Callable[[str], Any], text: str) -> Any:
    """What the reader makes of the garbage: its value, or None when it is empty or invalid."""
    try:
        return reader(text)
    except ValueError:
        return None


def _field_cell(doc: Any, labels: frozenset[str]) -> Any:
    """The first value cell of these labels (the one the parser reads), or None."""
    for th in doc.xpath("//th[contains(@class, 'bgwarning')]"):
        if label_key(th.text_content()) in labels and th.getnext() is not None and th.getnext().tag == "td":
            return th.getnext()
    return None


def _garble_field(relative: str, labels: frozenset[str], garbage: str) -> bytes:
    """The page with the value cell of these labels set to garbage."""
    doc = document(relative)
    set_text(_field_cell(doc, labels), MARK)
    return serialise(doc).replace(MARK.encode(), garbage.encode("utf-8"))


FIELD_CASES = [
    (relative, labels, key, reader)
    for relative in PAGE_NAMES
    for labels, key, reader in FIELDS
    if _field_cell(document(relative), labels) is not None
]


@settings(**SLOW)
@given(st.sampled_from(FIELD_CASES), PLAIN_GARBAGE)
@example(FIELD_CASES[0], "Rp. 1.2.3,,4")
def test_garbled_field_is_absent_or_parse_error(case: tuple, garbage: str) -> None:
    relative, labels, key, reader = case
    result = outcome(PARSERS[PAGES[relative]], _garble_field(relative, labels, garbage))
    if result is not None:
        assert result.get(key) == _expected(reader, garbage)


FISCAL_PAGES = [r for r in PAGE_NAMES if PAGES[r] == "announcement"]


@settings(**SLOW)
@given(
    st.sampled_from(FISCAL_PAGES), PLAIN_GARBAGE | st.from_regex(r"[A-Z]{0,5} ?[0-9]{1,7}", fullmatch=True)
)
@example(FISCAL_PAGES[0], "APBD 12345")
@example(FISCAL_PAGES[0], "x20251")
@example(FISCAL_PAGES[0], "0000")
@example(FISCAL_PAGES[0], "APBD 0251")
def test_garbled_fiscal_year_is_a_plausible_whole_year_of_the_text_or_absent(
    relative: str, garbage: str
) -> None:
    result = outcome(PARSERS["announcement"], _garble_field(relative, L.FISCAL_YEAR, garbage))
    if result is not None and "fiscal_year" in result:
        year = result["fiscal_year"]
        assert 2000 <= year <= 2099
        assert re.search(rf"(?<![0-9A-Za-z]){year}(?![0-9A-Za-z])", garbage)


#: sub-table column → (record key inside winners / stages, reader)
COLUMNS = {
    "harga penawaran": ("offer_value", parse_rupiah),
    "harga terkoreksi": ("corrected_value", parse_rupiah),
    "hasil negosiasi": ("negotiated_value", parse_rupiah),
    "harga kontrak": ("contract_value", parse_rupiah),
    "npwp": ("npwp", normalise_npwp),
    "mulai": ("start", parse_id_datetime),
    "sampai": ("end", parse_id_datetime),
}


def _column_cells(relative: str) -> list[tuple[int, int, int, str]]:
    """(table, row, cell index, column) of every data cell under a known column header."""
    found = []
    for t, table in enumerate(document(relative).iter("table")):
        rows = table.xpath("./tr | ./thead/tr | ./tbody/tr")
        heads = [label_key(th.text_content()) for th in rows[0].xpath("./th")] if rows else []
        for r, row in enumerate(rows[1:], start=1):
            tds = row.xpath("./td")
            if len(tds) != len(heads):
                continue
            for c, head in enumerate(heads):
                if head in COLUMNS:
                    found.append((t, r, c, head))
    return found


COLUMN_CASES = [(relative, cell) for relative in PAGE_NAMES for cell in _column_cells(relative)]


def _values(record: dict[str, Any] | None, key: str) -> list[Any]:
    rows = (record or {}).get("winners", []) + (record or {}).get("stages", [])
    return [row[key] for row in rows if key in row]


@settings(**SLOW)
@given(st.sampled_from(COLUMN_CASES), PLAIN_GARBAGE)
def test_garbled_column_cell_is_absent_or_parse_error(case: tuple, garbage: str) -> None:
    relative, (t, r, c, head) = case
    key, reader = COLUMNS[head]
    parser = PARSERS[PAGES[relative]]
    before = _values(outcome(parser, page_bytes(relative)), key)
    doc = document(relative)
    table = list(doc.iter("table"))[t]
    row = table.xpath("./tr | ./thead/tr | ./tbody/tr")[r]
    set_text(row.xpath("./td")[c], MARK)
    result = outcome(parser, serialise(doc).replace(MARK.encode(), garbage.encode("utf-8")))
    if result is None:
        return
    expected = _expected(reader, garbage)
    after = _values(result, key)
    assert all(v in before or v == expected for v in after)
    assert len(after) <= len(before) + (expected is not None)
