"""Shared reading of SPSE detail pages: label/value cells, sub-tables, tabs, typed values.

Every detail page is a set of `<th class="bgwarning">Label</th><td>Value</td>` pairs (one
`<tr>` may hold two), plus nested `table.table-sm` sub-tables with a plain `<th>` header.
Parsers ask for values by synonym set; typed readers turn bad values into ParseError.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import lxml.etree
import lxml.html

from crawler.parsers.errors import ParseError
from crawler.parsers.labels import BUDGET, ESTIMATE, MONEY_COLUMNS, WINNER_COLUMNS, label_key
from domain.money import parse_rupiah
from domain.npwp import normalise_npwp
from domain.text import clean_text

Element = lxml.html.HtmlElement
T = TypeVar("T")


_DECLARED_CHARSET = re.compile(rb"<meta[^>]+charset", re.IGNORECASE)
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def _undeclared_encoding(body: bytes) -> str | None:
    """The encoding to impose on a page that declares none (no BOM, no meta charset), else None.

    libxml2 reads an undeclared page as Latin-1, which turns SPSE's UTF-8 (names, &nbsp; written
    raw) into mojibake and valid amounts into parse errors; SPSE serves UTF-8, so that is the
    default, and a body that is not valid UTF-8 is read as Windows-1252.
    """
    if body.startswith(_BOMS) or _DECLARED_CHARSET.search(body):
        return None
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return "windows-1252"
    return "utf-8"


def load_html(body: bytes) -> Element:
    """Parse a page body; ParseError when it is empty or not HTML at all."""
    if not body or not body.strip():
        raise ParseError("empty page body")
    encoding = _undeclared_encoding(body)
    parser = lxml.html.HTMLParser(encoding=encoding) if encoding else None
    try:
        return lxml.html.document_fromstring(body, parser=parser)
    except (ValueError, lxml.etree.ParserError) as exc:
        raise ParseError(f"not an HTML page: {exc}") from exc


def field_cells(doc: Element) -> dict[str, Element]:
    """Each `th.bgwarning` label (normalised) → its value cell; the first occurrence of a label wins.

    Pairs are found per `th`, so rows holding two pairs and rows the HTML parser moved out of
    their table (unbalanced markup in Syarat Kualifikasi) are both read.
    """
    cells: dict[str, Element] = {}
    for th in doc.xpath("//th[contains(concat(' ', normalize-space(@class), ' '), ' bgwarning ')]"):
        following = th.xpath("following-sibling::*[1]")
        if following and following[0].tag == "td":
            cells.setdefault(label_key(th.text_content()), following[0])
    return cells


def find(cells: dict[str, Element], labels: frozenset[str]) -> Element | None:
    """The value cell of the first label present from a synonym set."""
    for key, cell in cells.items():
        if key in labels:
            return cell
    return None


def text_of(cell: Element) -> str:
    """Cell text with entities unescaped and whitespace collapsed."""
    return clean_text(cell.text_content())


def typed(cell: Element, label: str, reader: Callable[[str], T | None]) -> T | None:
    """Read a cell with a domain reader; a ValueError becomes a ParseError naming the label."""
    try:
        return reader(cell.text_content())
    except ValueError as exc:
        raise ParseError(f"{label}: {exc}") from exc


def put(record: dict[str, Any], key: str, value: Any) -> None:
    """Set a key only when the page showed a value (absent, never None or empty)."""
    if value is not None and value != "":
        record[key] = value


def put_money(record: dict[str, Any], key: str, cells: dict[str, Element], labels: frozenset[str]) -> None:
    """Set an exact rupiah value read from the first label present."""
    cell = find(cells, labels)
    if cell is not None:
        put(record, key, typed(cell, key, parse_rupiah))


def put_text(record: dict[str, Any], key: str, cells: dict[str, Element], labels: frozenset[str]) -> None:
    """Set a cleaned text value read from the first label present."""
    cell = find(cells, labels)
    if cell is not None:
        put(record, key, text_of(cell))


def table_rows(table: Element) -> list[Element]:
    """The rows of a table itself (thead/tbody included), not of tables nested in it."""
    return table.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")


def header_tables(doc: Element, header: str) -> list[Element]:
    """Tables whose own header row has a plain `<th>` with this label (e.g. "Nama Pemenang")."""
    wanted = label_key(header)
    found = []
    for table in doc.iter("table"):
        for row in table_rows(table):
            ths = row.xpath("./th")
            if ths and any(label_key(th.text_content()) == wanted for th in ths):
                found.append(table)
                break
    return found


def column_rows(table: Element) -> Iterable[dict[str, Element]]:
    """Data rows of a sub-table as {normalised header: cell}, using its first `<th>` row as header."""
    header: list[str] | None = None
    for row in table_rows(table):
        ths = row.xpath("./th")
        if header is None:
            if ths:
                header = [label_key(th.text_content()) for th in ths]
            continue
        tds = row.xpath("./td")
        if len(tds) == len(header):
            yield dict(zip(header, tds, strict=True))


def party_rows(table: Element) -> list[dict[str, Any]]:
    """Winner/provider objects from a sub-table: name, address, npwp and money columns when shown."""
    parties = []
    for row in column_rows(table):
        party: dict[str, Any] = {}
        for header, cell in row.items():
            key = WINNER_COLUMNS.get(header)
            if key is None:
                continue
            if key in MONEY_COLUMNS:
                value: Any = typed(cell, key, parse_rupiah)
            elif key == "npwp":
                value = typed(cell, key, normalise_npwp)
            else:
                value = text_of(cell)
            put(party, key, value)
        if party:
            parties.append(party)
    return parties


def tabs(doc: Element) -> list[dict[str, str]]:
    """The detail tabs shown in `ul.nav-tabs`, in order: label and href as written on the page."""
    return [
        {"label": clean_text(a.text_content()), "href": a.get("href", "")}
        for a in doc.cssselect("ul.nav-tabs a.nav-link")
    ]


def put_values(record: dict[str, Any], cells: dict[str, Element]) -> None:
    """Budget (Pagu) and estimate (HPS), exact, when shown."""
    put_money(record, "budget_value", cells, BUDGET)
    put_money(record, "estimate_value", cells, ESTIMATE)
