"""Real captured SPSE pages (read from ../shared, never copied) and ways to damage them for fuzzing.

Each mutation takes an lxml document and a `random.Random` (drawn by hypothesis, so failures
shrink and replay) and changes the document in place, the way a half-broken server, a proxy or
a changed SPSE template might.
"""

from __future__ import annotations

import copy
import random
import re
from collections.abc import Callable
from functools import cache
from typing import Any

import lxml.html

from crawler.parsers import parse_announcement, parse_contract, parse_schedule, parse_winners
from tests.conftest import shared_file

Parser = Callable[[bytes], dict[str, Any]]
Element = lxml.html.HtmlElement

PARSERS: dict[str, Parser] = {
    "announcement": parse_announcement,
    "winners": parse_winners,
    "contract": parse_contract,
    "schedule": parse_schedule,
}

#: Real captured detail pages and the parser each one is for.
PAGES: dict[str, str] = {
    "aristhiooo__lpse-52349127/index.html": "announcement",
    "aansubarkah__ssa_agentic_lpse/LPSE_-_Informasi_Paket.htm": "announcement",
    "aansubarkah__ssa_agentic_lpse/LPSE_-_Informasi_Paket2.htm": "announcement",
    "wakataw__pyproc/darurat_pengumuman.html": "announcement",
    "wakataw__pyproc/nonspk_pengumuman.html": "announcement",
    "wakataw__pyproc/swakelola_pengumuman.html": "announcement",
    "aristhiooo__lpse-52349127/pemenang.html": "winners",
    "razifaisal-design__webscrapperrazi/pemenang.html": "winners",
    "aansubarkah__ssa_agentic_lpse/LPSE_-_Informasi_Tender.htm": "contract",
    "aansubarkah__ssa_agentic_lpse/LPSE_-_Informasi_Swakelola.htm": "contract",
    "aristhiooo__lpse-52349127/pemenang-berkontrak.html": "contract",
    "wakataw__pyproc/darurat_pemenang.html": "contract",
    "wakataw__pyproc/nonspk_pemenang_berkontrak.html": "contract",
    "wakataw__pyproc/nonspk_pemenang_bug_10941898000.html": "contract",
    "wakataw__pyproc/swakelola_pelaksana.html": "contract",
    "razifaisal-design__webscrapperrazi/jadwal_berubah.html": "schedule",
}


@cache
def page_bytes(relative: str) -> bytes:
    """The captured page, read once per test session."""
    return shared_file(relative).read_bytes()


@cache
def _document(relative: str) -> Element:
    return lxml.html.document_fromstring(page_bytes(relative))


def document(relative: str) -> Element:
    """A fresh, mutable parse of the captured page."""
    return copy.deepcopy(_document(relative))


_HEAD = re.compile(rb"<head[^>]*>", re.IGNORECASE)
_META = b'<meta http-equiv="Content-Type" content="text/html;charset=UTF-8">'


def serialise(doc: Element) -> bytes:
    """The document as UTF-8 page bytes with SPSE's meta charset (lxml's serialiser leaves it out)."""
    body = lxml.html.tostring(doc, encoding="utf-8", doctype="<!DOCTYPE html>")
    return _HEAD.sub(lambda m: m.group(0) + _META, body, count=1)


def outcome(parser: Parser, body: bytes) -> dict[str, Any] | None:
    """The parser's dict, or None when it raised ParseError; any other exception propagates."""
    from crawler.parsers import ParseError

    try:
        result = parser(body)
    except ParseError:
        return None
    assert isinstance(result, dict)
    return result


# ----- mutations ---------------------------------------------------------------------------------


def _pick(rng: random.Random, items: list[Element]) -> Element | None:
    return rng.choice(items) if items else None


def _rows(doc: Element) -> list[Element]:
    return list(doc.iter("tr"))


def drop_row(doc: Element, rng: random.Random) -> None:
    """Remove one table row (a label/value pair, a winner, a stage, a header)."""
    row = _pick(rng, _rows(doc))
    if row is not None and row.getparent() is not None:
        row.drop_tree()


def duplicate_row(doc: Element, rng: random.Random) -> None:
    """Repeat one table row right after itself."""
    row = _pick(rng, _rows(doc))
    if row is not None and row.getparent() is not None:
        row.addnext(copy.deepcopy(row))


def shuffle_rows(doc: Element, rng: random.Random) -> None:
    """Shuffle the rows of one table section (labels, winners or stages out of order)."""
    # Distinct parents in document order. Not keyed by id(): lxml makes a new proxy object when
    # none is alive, so the id of a temporary proxy is not stable and the number of "distinct"
    # parents varied between runs of one example (hypothesis: FlakyStrategyDefinition).
    parents: list[Element] = []
    for row in _rows(doc):
        found = row.getparent()
        if found is not None and not any(found is seen for seen in parents):
            parents.append(found)
    parent = _pick(rng, parents)
    if parent is None:
        return
    rows = [c for c in parent if c.tag == "tr"]
    for row in rows:
        parent.remove(row)
    rng.shuffle(rows)
    parent.extend(rows)


def delete_element(doc: Element, rng: random.Random) -> None:
    """Delete any element below <body> with its content."""
    body = doc.find("body")
    candidates = [el for el in (body.iter() if body is not None else []) if el is not body]
    el = _pick(rng, [e for e in candidates if isinstance(e.tag, str)])
    if el is not None and el.getparent() is not None:
        el.drop_tree()


def unwrap_element(doc: Element, rng: random.Random) -> None:
    """Remove one element's tags but keep its text and children (a template change)."""
    body = doc.find("body")
    candidates = [el for el in (body.iter() if body is not None else []) if el is not body]
    el = _pick(rng, [e for e in candidates if isinstance(e.tag, str)])
    if el is not None and el.getparent() is not None:
        el.drop_tag()


MUTATIONS: tuple[Callable[[Element, random.Random], None], ...] = (
    drop_row,
    duplicate_row,
    shuffle_rows,
    delete_element,
    unwrap_element,
)


def value_cells(doc: Element) -> list[Element]:
    """The value cells a parser reads: `td` after a `th.bgwarning`, and sub-table data cells."""
    cells = [
        th.getnext()
        for th in doc.xpath("//th[contains(@class, 'bgwarning')]")
        if th.getnext() is not None and th.getnext().tag == "td"
    ]
    cells += doc.xpath("//table//tr[not(th)]/td[not(.//table)]")
    return cells


def set_text(cell: Element, text: str) -> None:
    """Replace a cell's whole content by text."""
    for child in list(cell):
        cell.remove(child)
    cell.text = text
