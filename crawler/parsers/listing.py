"""DataTables list responses of every SPSE list kind (protocol §5–6): rows become plain dicts.

Kinds and endpoints: tender `/dt/lelang` (16 columns), non tender `/dt/pl` (12), pencatatan
`/dt/nonspk` (9), swakelola `/dt/swakelola` (8) and darurat `/dt/darurat-list` (8). The body is
the DataTables object or a bare JSON array of rows (as saved by other clients).

The short HPS/pagu (`750,9 Jt`, `1.000 Jt`) is approximate and marked so; the contract column is
exact when it holds `Rp. …`. Construction is decided by the jenis pengadaan compared exactly,
never by a substring ("… Non Konstruksi" is not construction).

One odd cell never rejects a page: the row is kept without that value and the cell is listed
in `unread` (code, field, column, label form, error), so a crawl counts it and a new label form
is seen. A row that cannot be a package (no kode, wrong width, not an array) is listed in
`dropped` with its reason. Only a body that is not a list at all, or whose rows all have
another width (a changed layout or the wrong kind), is a ParseError.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from typing import Any

from crawler.parsers.errors import ParseError
from domain.money import label_form, parse_rupiah, parse_short_rupiah
from domain.text import clean_text, split_badges

CONSTRUCTION_CATEGORIES = frozenset(
    {"Pekerjaan Konstruksi", "Pekerjaan Konstruksi Terintegrasi", "Jasa Konsultansi Badan Usaha Konstruksi"}
)
LIST_WIDTHS = {"tender": 16, "non_tender": 12, "pencatatan": 9, "swakelola": 8, "darurat": 8}
LIST_KINDS = tuple(LIST_WIDTHS)


def is_construction(category: str) -> bool:
    """True only for the three construction jenis pengadaan, compared exactly (whitespace-collapsed)."""
    return clean_text(category) in CONSTRUCTION_CATEGORIES


class _NotText(ValueError):
    """A cell holding a JSON value that is not an SPSE cell (list, object, float, boolean)."""


def _raw(value: Any) -> str:
    """A cell as sent: text, an integer as its digits, '' for null; any other JSON value is `_NotText`
    (its repr must never become a kode or a name)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise _NotText(f"holds a {type(value).__name__} ({value!r:.40}), not text")


def _years(text: str) -> list[int]:
    """`2025` or `2025,2026` → [2025, 2026]; ValueError for anything else."""
    parts = [p for p in text.replace(" ", "").split(",") if p]
    if not parts or not all(p.isdigit() and len(p) == 4 for p in parts):
        raise ValueError(f"not a fiscal year list: {text!r}")
    return [int(p) for p in parts]


def _contract(text: str) -> Any:
    """Exact contract value of `Rp. …`; None for a sentence without digits ("Nilai Kontrak belum dibuat")."""
    if not text.lower().startswith("rp") and not any(c.isdigit() for c in text):
        return None
    return parse_rupiah(text)


class _Row:
    """One raw row being read: the record so far and the cells it could not read."""

    def __init__(self, raw: list[Any], code: str) -> None:
        self.raw = raw
        self.record: dict[str, Any] = {"code": code, "flags": []}
        self.unread: list[dict[str, Any]] = []

    def _miss(self, field: str, column: int, text: str, error: Exception) -> None:
        self.unread.append(
            {
                "code": self.record["code"],
                "field": field,
                "column": column,
                "form": label_form(text) if text else "",
                "error": str(error),
            }
        )

    def text(self, column: int, field: str) -> str:
        """The cleaned cell, or '' (listed as unread) when it is not text."""
        try:
            return clean_text(_raw(self.raw[column]))
        except _NotText as exc:
            self._miss(field, column, "", exc)
            return ""

    def put(self, field: str, value: Any) -> None:
        """Set only shown values."""
        if value is not None and value != "" and value != []:
            self.record[field] = value

    def read(self, field: str, column: int, reader: Callable[[str], Any]) -> Any:
        """`reader(cell)` into `field`; a ValueError leaves the field out and lists the cell as unread."""
        text = self.text(column, field)
        if not text:
            return None
        try:
            value = reader(text)
        except ValueError as exc:
            self._miss(field, column, text, exc)
            return None
        self.put(field, value)
        return value

    def name(self) -> None:
        """Name without markup; badge texts go to `flags`."""
        try:
            name, flags = split_badges(_raw(self.raw[1]))
        except _NotText as exc:
            self._miss("name", 1, "", exc)
            return
        self.put("name", name)
        self.record["flags"] = flags

    def short(self, field: str, column: int) -> None:
        """The rounded HPS/pagu label, marked approximate."""
        if self.read(field, column, parse_short_rupiah) is not None:
            self.record["approximate"] = [field]

    def jenis_and_years(self, column: int) -> None:
        """`Pekerjaan Konstruksi - TA 2025,2026` → category and fiscal_years (a text without ` - TA `
        is the category alone, its years listed as unread)."""
        text = self.text(column, "category")
        category, sep, years = text.rpartition(" - TA ")
        if not sep:
            self.put("category", text)
            if text:
                self._miss("fiscal_years", column, text, ValueError(f"no ' - TA ' in {text!r}"))
            return
        self.put("category", category.strip())
        try:
            self.put("fiscal_years", _years(years))
        except ValueError as exc:
            self._miss("fiscal_years", column, text, exc)


def _tender(row: _Row) -> None:
    row.put("stage", row.text(3, "stage"))
    row.short("estimate_value", 4)
    row.jenis_and_years(8)
    parts = (row.text(6, "method"), row.text(5, "method"), row.text(7, "method"))
    row.put("method", " - ".join(p for p in parts if p))
    row.read("contract_value", 10, _contract)


def _non_tender(row: _Row) -> None:
    row.put("stage", row.text(3, "stage"))
    row.short("estimate_value", 4)
    row.put("method", row.text(5, "method"))
    row.jenis_and_years(6)
    row.read("contract_value", 8, _contract)


def _pencatatan(row: _Row) -> None:
    row.short("budget_value", 3)
    row.put("method", row.text(4, "method"))
    row.put("category", row.text(5, "category"))
    row.read("fiscal_years", 6, _years)
    row.put("stage", row.text(8, "stage"))


def _swakelola(row: _Row) -> None:
    row.short("budget_value", 3)
    row.read("fiscal_years", 5, _years)
    row.put("stage", row.text(7, "stage"))


def _darurat(row: _Row) -> None:
    row.short("budget_value", 3)
    row.read("fiscal_years", 4, _years)
    row.put("category", row.text(6, "category"))
    row.put("stage", row.text(7, "stage"))


_ROW_READERS: dict[str, Callable[[_Row], None]] = {
    "tender": _tender,
    "non_tender": _non_tender,
    "pencatatan": _pencatatan,
    "swakelola": _swakelola,
    "darurat": _darurat,
}


def load_rows(body: bytes) -> list[Any]:
    """The rows of a DataTables answer (its `data`) or of a bare JSON array; ParseError for HTML,
    bad JSON or another shape. Rows are returned as sent (a row that is not an array included)."""
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:  # RecursionError: `[[[[…` junk
        start = body.lstrip()[:1]
        what = "an HTML page (token expired or login page?)" if start == b"<" else "not JSON"
        raise ParseError(f"DataTables answer is {what}: {exc}") from exc
    if isinstance(payload, list):
        return payload
    if not isinstance(payload, dict) or not isinstance(payload.get("data"), list):
        raise ParseError("DataTables answer has no 'data' list (nor is it an array of rows)")
    return payload["data"]


def infer_list_kind(rows: list[Any]) -> str:
    """Kind from the commonest row width: 16 tender, 12 non tender, 9 pencatatan; 8 is darurat when
    column 6 holds a jenis pengadaan and swakelola when it holds the version marker (`5`)."""
    widths = Counter(len(r) for r in rows if isinstance(r, list))
    if not widths:
        raise ParseError("no row is an array: cannot tell the list kind")
    width = widths.most_common(1)[0][0]
    by_width = {16: "tender", 12: "non_tender", 9: "pencatatan"}
    if width in by_width:
        return by_width[width]
    if width == 8:
        markers = Counter(
            str(r[6] or "").strip().isdigit() for r in rows if isinstance(r, list) and len(r) == 8
        )
        return "swakelola" if markers[True] > markers[False] else "darurat"
    raise ParseError(f"cannot tell the list kind from a {width}-column row")


def _dropped(index: int, reason: str, detail: str) -> dict[str, Any]:
    return {"row": index, "reason": reason, "detail": detail}


def parse_list(body: bytes, list_kind: str) -> dict[str, Any]:
    """`{"rows", "unread", "dropped"}` for one list answer; rows keep only the values the list shows.

    `len(rows) + len(dropped)` is the number of rows the server sent (what paging must count).
    """
    if list_kind not in _ROW_READERS:
        raise ValueError(f"unknown list kind {list_kind!r}; expected one of {', '.join(LIST_KINDS)}")
    raws = load_rows(body)
    width = LIST_WIDTHS[list_kind]
    if raws and not any(isinstance(r, list) and len(r) == width for r in raws):
        found = sorted({len(r) for r in raws if isinstance(r, list)})
        raise ParseError(f"{list_kind} list rows have {width} columns, got {found or 'no arrays'}")
    rows: list[dict[str, Any]] = []
    unread: list[dict[str, Any]] = []
    dropped: list[dict[str, Any]] = []
    for index, raw in enumerate(raws):
        if not isinstance(raw, list):
            dropped.append(_dropped(index, "not_array", f"a {type(raw).__name__}, not an array"))
            continue
        if len(raw) != width:
            dropped.append(_dropped(index, "width", f"{len(raw)} columns, not {width}"))
            continue
        try:
            code = clean_text(_raw(raw[0]))
        except _NotText as exc:
            dropped.append(_dropped(index, "no_code", f"kode {exc}"))
            continue
        if not code:
            dropped.append(_dropped(index, "no_code", "empty kode"))
            continue
        row = _Row(raw, code)
        row.name()
        row.put("agency", row.text(2, "agency"))
        _ROW_READERS[list_kind](row)
        if row.unread:
            row.record["unread"] = sorted({u["field"] for u in row.unread})
        rows.append(row.record)
        unread += row.unread
    return {"rows": rows, "unread": unread, "dropped": dropped}
