"""Fuzzing the DataTables list parser with damaged real list answers: a dict or ParseError, and a
garbled value cell never comes out as a plausible value."""

from __future__ import annotations

import json
import random
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from crawler.parsers import ParseError, parse_page
from crawler.parsers.listing import parse_list
from domain.money import parse_rupiah, parse_short_rupiah
from domain.text import clean_text
from tests.conftest import shared_file
from tests.fuzz.fuzz_strategies import JUNK_TEXT, SLOW

#: Real list answers and their kind.
LISTS = {
    "aansubarkah__ssa_agentic_lpse/dt_lelang_kemkes_tahun2025.json": "tender",
    "aansubarkah__ssa_agentic_lpse/dt_pl_kemkes_tahun2025.json": "non_tender",
    "wakataw__pyproc/dt_darurat_list.json": "darurat",
    "wakataw__pyproc/dt_nonspk.json": "pencatatan",
    "wakataw__pyproc/dt_swakelola.json": "swakelola",
    "lists-2026/kepriprov_2025.json": "tender",
}
#: kind → (column of the short value, its record key), (column of the exact contract value or None)
VALUE_COLUMNS = {
    "tender": ((4, "estimate_value"), 10),
    "non_tender": ((4, "estimate_value"), 8),
    "darurat": ((3, "budget_value"), None),
    "pencatatan": ((3, "budget_value"), None),
    "swakelola": ((3, "budget_value"), None),
}

CELLS = st.one_of(
    st.none(),
    st.text(max_size=20),
    st.integers(),
    st.floats(),
    st.booleans(),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    JUNK_TEXT,
)


def _payload(relative: str) -> dict[str, Any]:
    """The answer as a DataTables object (a bare array of rows, as saved in lists-2026, is wrapped)."""
    payload = json.loads(shared_file(relative).read_bytes())
    return {"draw": "1", "data": payload} if isinstance(payload, list) else payload


def _outcome(body: bytes, kind: str | None) -> dict[str, Any] | None:
    """The parsed list, or None for ParseError; with kind None the kind is inferred (`parse_page`)."""
    try:
        result = parse_page("list", body) if kind is None else parse_list(body, kind)
    except ParseError:
        return None
    assert isinstance(result, dict) and isinstance(result["rows"], list)
    return result


def _mutate(payload: dict[str, Any], rng: random.Random, data: st.DataObject) -> None:
    rows = payload["data"]
    op = rng.choice(["drop", "duplicate", "shuffle", "widen", "narrow", "null", "cell", "row"])
    arrays = [i for i, row in enumerate(rows) if isinstance(row, list)]
    if not arrays and op != "row":
        return
    i = rng.choice(arrays) if arrays else 0
    if op == "drop":
        del rows[i]
    elif op == "duplicate":
        rows.insert(i, list(rows[i]))
    elif op == "shuffle":
        rng.shuffle(rows)
    elif op == "widen":
        rows[i].append(data.draw(CELLS))
    elif op == "narrow" and rows[i]:
        rows[i].pop(rng.randrange(len(rows[i])))
    elif op == "null" and rows[i]:
        rows[i][rng.randrange(len(rows[i]))] = None
    elif op == "cell" and rows[i]:
        rows[i][rng.randrange(len(rows[i]))] = data.draw(CELLS)
    elif op == "row":
        rows.insert(i, data.draw(CELLS))


@settings(**SLOW)
@given(st.sampled_from(sorted(LISTS)), st.randoms(use_true_random=False), st.integers(1, 5), st.data())
def test_damaged_list_gives_dict_or_parse_error(relative: str, rng: random.Random, count: int, data) -> None:
    payload = _payload(relative)
    for _ in range(count):
        _mutate(payload, rng, data)
    body = json.dumps(payload).encode()
    for kind in (LISTS[relative], None):
        _outcome(body, kind)


@settings(**SLOW)
@given(st.sampled_from(sorted(LISTS)), st.data())
def test_truncated_list_gives_dict_or_parse_error(relative: str, data: st.DataObject) -> None:
    body = shared_file(relative).read_bytes()
    _outcome(body[: data.draw(st.integers(0, len(body)))], LISTS[relative])


@settings(**SLOW)
@given(
    st.binary(max_size=500)
    | st.sampled_from(
        [
            b"",
            b"null",
            b"[]",
            b"{}",
            b'{"data": null}',
            b'{"data": [[]]}',
            b'{"data": [null]}',
            b"[" * 100_000,
            b'{"data": ' * 50_000,
            b'\xef\xbb\xbf{"data": []}',
            b"<html><body>login</body></html>",
            b"NaN",
        ]
    )
    | st.recursive(
        CELLS,
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.dictionaries(st.sampled_from(["data", "draw"]), inner, max_size=2)
        ),
    ).map(lambda v: json.dumps(v).encode())
)
@example(b"[" * 100_000)  # RecursionError in json
@example(b'{"data": [[' + b'"x",' * 7 + b"[1, 2]]]}")
def test_junk_list_body_gives_dict_or_parse_error(body: bytes) -> None:
    for kind in ("tender", "non_tender", "pencatatan", "swakelola", "darurat", None):
        _outcome(body, kind)


GARBAGE = st.one_of(
    JUNK_TEXT,
    st.sampled_from(
        ["", "-", "0", "N/A", "Rp. -", "Rp. ,00", "Rp. 0,00x", "nol", "Rp. 1.2.3,,4", "0 Jt", "Jt", "1,2,3 M"]
    ),
)


def _expected(reader, text: str) -> Any:
    try:
        return reader(text)
    except ValueError:
        return None


@settings(**SLOW)
@given(st.sampled_from(sorted(LISTS)), st.data(), GARBAGE)
def test_garbled_value_cell_is_absent_or_parse_error(
    relative: str, data: st.DataObject, garbage: str
) -> None:
    kind = LISTS[relative]
    payload = _payload(relative)
    i = data.draw(st.integers(0, len(payload["data"]) - 1))
    (short_col, short_key), contract_col = VALUE_COLUMNS[kind]
    col = data.draw(st.sampled_from([c for c in (short_col, contract_col) if c is not None]))
    payload["data"][i][col] = garbage
    result = _outcome(json.dumps(payload).encode(), kind)
    assert result is not None, "one odd value cell must never reject the page"
    row = result["rows"][i]
    key, reader = (short_key, parse_short_rupiah) if col == short_col else ("contract_value", parse_rupiah)
    expected = _expected(reader, garbage)
    assert row.get(key) == expected
    text = clean_text(garbage)
    if col == short_col:
        odd = bool(text) and expected is None  # any label that is not read is counted
    else:  # a sentence without digits is "no contract yet"; anything else that is not read is counted
        odd = expected is None and (text.lower().startswith("rp") or any(c.isdigit() for c in text))
    assert ((row["code"], key) in {(u["code"], u["field"]) for u in result["unread"]}) == odd
    assert (key in row.get("unread", [])) == odd


@settings(**SLOW)
@given(
    st.sampled_from(sorted(LISTS)),
    st.integers(0, 1000),
    st.sampled_from([0, 1, 2]),
    CELLS.filter(lambda v: not isinstance(v, str | int) or isinstance(v, bool)),
)
@example("aansubarkah__ssa_agentic_lpse/dt_lelang_kemkes_tahun2025.json", 0, 0, 0.0)
@example("aansubarkah__ssa_agentic_lpse/dt_pl_kemkes_tahun2025.json", 3, 1, {"a": 1})
def test_non_text_cell_is_never_a_code_or_name(relative: str, row: int, col: int, cell: Any) -> None:
    payload = _payload(relative)
    i = row % len(payload["data"])
    payload["data"][i][col] = cell
    result = _outcome(json.dumps(payload).encode(), LISTS[relative])
    assert result is not None, "one odd cell must never reject the page"
    if cell is None and col:  # null is an empty cell, nothing odd
        assert ("code", "name", "agency")[col] not in result["rows"][i]
    elif col == 0:  # no kode: the row cannot be a package; it is dropped with its reason
        assert [(d["row"], d["reason"]) for d in result["dropped"]] == [(i, "no_code")]
        assert len(result["rows"]) == len(payload["data"]) - 1
        assert all(
            r["code"] == str(raw[0]) for r, raw in zip(result["rows"], payload["data"][:i], strict=False)
        )
    else:
        key = ("code", "name", "agency")[col]
        assert key not in result["rows"][i]
        assert key in result["rows"][i]["unread"]
