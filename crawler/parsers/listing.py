"""DataTables list responses of `/dt/lelang`, `/dt/pl` and `/dt/darurat-list` (protocol §5–6).

Rows become plain dicts; the short HPS/pagu (`750,9 Jt`) is approximate and marked so, the
contract column is exact when it holds `Rp. …`. Construction is decided by the jenis
pengadaan compared exactly, never by a substring ("… Non Konstruksi" is not construction).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from crawler.parsers.errors import ParseError
from domain.money import parse_rupiah, parse_short_rupiah
from domain.text import clean_text, split_badges

CONSTRUCTION_CATEGORIES = frozenset(
    {"Pekerjaan Konstruksi", "Pekerjaan Konstruksi Terintegrasi", "Jasa Konsultansi Badan Usaha Konstruksi"}
)
LIST_WIDTHS = {"tender": 16, "non_tender": 12, "darurat": 8}
LIST_KINDS = tuple(LIST_WIDTHS)


def is_construction(category: str) -> bool:
    """True only for the three construction jenis pengadaan, compared exactly (whitespace-collapsed)."""
    return clean_text(category) in CONSTRUCTION_CATEGORIES


def _raw(row: list[Any], index: int) -> str:
    """A cell as sent: text, an integer as its digits, '' for null; any other JSON value is a ParseError
    (a list, object, float or boolean is not an SPSE cell, and its repr must not become a kode or name)."""
    value = row[index]
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise ParseError(f"column {index} holds a {type(value).__name__} ({value!r:.40}), not text")


def _cell(row: list[Any], index: int) -> str:
    """A cell as cleaned text ('' for null)."""
    return clean_text(_raw(row, index))


def _read(reader: Callable[[str], Any], text: str, column: str, code: str) -> Any:
    """A domain reader over one cell; ValueError becomes ParseError naming the row and column."""
    try:
        return reader(text)
    except ValueError as exc:
        raise ParseError(f"row {code}, {column}: {exc}") from exc


def _jenis_and_years(text: str, code: str) -> tuple[str, list[int]]:
    """`Pekerjaan Konstruksi - TA 2025,2026` → ("Pekerjaan Konstruksi", [2025, 2026])."""
    category, sep, years = text.rpartition(" - TA ")
    if not sep:
        raise ParseError(f"row {code}: no ' - TA ' in jenis pengadaan {text!r}")
    try:
        return category.strip(), [int(y) for y in years.replace(" ", "").split(",") if y]
    except ValueError as exc:
        raise ParseError(f"row {code}: bad fiscal years in {text!r}") from exc


def _put(row: dict[str, Any], key: str, value: Any) -> None:
    """Set only shown values."""
    if value is not None and value != "" and value != []:
        row[key] = value


def _common(raw: list[Any], short_key: str, short_index: int) -> dict[str, Any]:
    """Kode, name + badges, K/L/PD and the approximate short value shared by every list kind."""
    code = _cell(raw, 0)
    if not code:
        raise ParseError("row without a kode")
    name, flags = split_badges(_raw(raw, 1))
    row: dict[str, Any] = {"code": code, "flags": flags}
    _put(row, "name", name)
    _put(row, "agency", _cell(raw, 2))
    short = _read(parse_short_rupiah, _cell(raw, short_index), "short value", code)
    if short is not None:
        row[short_key] = short
        row["approximate"] = [short_key]
    return row


def _tender(raw: list[Any]) -> dict[str, Any]:
    row = _common(raw, "estimate_value", 4)
    _put(row, "stage", _cell(raw, 3))
    category, years = _jenis_and_years(_cell(raw, 8), row["code"])
    _put(row, "category", category)
    _put(row, "fiscal_years", years)
    _put(row, "method", " - ".join(p for p in (_cell(raw, 6), _cell(raw, 5), _cell(raw, 7)) if p))
    _put(row, "contract_value", _contract(_cell(raw, 10), row["code"]))
    return row


def _non_tender(raw: list[Any]) -> dict[str, Any]:
    row = _common(raw, "estimate_value", 4)
    _put(row, "stage", _cell(raw, 3))
    _put(row, "method", _cell(raw, 5))
    category, years = _jenis_and_years(_cell(raw, 6), row["code"])
    _put(row, "category", category)
    _put(row, "fiscal_years", years)
    _put(row, "contract_value", _contract(_cell(raw, 8), row["code"]))
    return row


def _darurat(raw: list[Any]) -> dict[str, Any]:
    row = _common(raw, "budget_value", 3)
    year = _cell(raw, 4)
    if year:
        if not year.isdigit():
            raise ParseError(f"row {row['code']}: bad tahun {year!r}")
        row["fiscal_years"] = [int(year)]
    _put(row, "category", _cell(raw, 6))
    _put(row, "stage", _cell(raw, 7))
    return row


def _contract(text: str, code: str) -> Any:
    """Exact contract value only when the cell is `Rp. …` (else "Nilai Kontrak belum dibuat")."""
    if not text.lower().startswith("rp"):
        return None
    return _read(parse_rupiah, text, "nilai kontrak", code)


_ROW_READERS: dict[str, Callable[[list[Any]], dict[str, Any]]] = {
    "tender": _tender,
    "non_tender": _non_tender,
    "darurat": _darurat,
}


def load_rows(body: bytes) -> list[list[Any]]:
    """The `data` rows of a DataTables answer; ParseError for HTML, bad JSON or another shape."""
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:  # RecursionError: `[[[[…` junk
        start = body.lstrip()[:1]
        what = "an HTML page (token expired or login page?)" if start == b"<" else "not JSON"
        raise ParseError(f"DataTables answer is {what}: {exc}") from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("data"), list):
        raise ParseError("DataTables answer has no 'data' list")
    rows = payload["data"]
    if not all(isinstance(r, list) for r in rows):
        raise ParseError("DataTables rows are not arrays")
    return rows


def infer_list_kind(rows: list[list[Any]]) -> str:
    """Kind from the row width: 16 tender, 12 non-tender, 8 with a jenis in column 6 darurat."""
    width = len(rows[0])
    if width == 16:
        return "tender"
    if width == 12:
        return "non_tender"
    if width == 8 and not str(rows[0][6] or "").strip().isdigit():
        return "darurat"
    raise ParseError(f"cannot tell the list kind from a {width}-column row")


def parse_list(body: bytes, list_kind: str) -> dict[str, Any]:
    """`{"rows": [...]}` for one DataTables page; rows keep only values the list shows."""
    if list_kind not in _ROW_READERS:
        raise ValueError(f"unknown list kind {list_kind!r}; expected one of {', '.join(LIST_KINDS)}")
    rows = load_rows(body)
    width = LIST_WIDTHS[list_kind]
    for raw in rows:
        if len(raw) != width:
            raise ParseError(f"{list_kind} list rows have {width} columns, got {len(raw)}")
    return {"rows": [_ROW_READERS[list_kind](raw) for raw in rows]}
