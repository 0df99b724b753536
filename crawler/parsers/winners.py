"""Pemenang (winner) tab: who won, with offer/corrected/negotiated prices (protocol §7.5)."""

from __future__ import annotations

from typing import Any

from crawler.parsers.html import field_cells, header_tables, load_html, party_rows, put_values


def parse_winners(body: bytes) -> dict[str, Any]:
    """`{"winners": [...], "budget_value", "estimate_value"}`; winner keys only when shown.

    Winner keys: name, address, npwp (normalised; masked kept masked), offer_value,
    corrected_value, negotiated_value.
    """
    doc = load_html(body)
    record: dict[str, Any] = {"winners": []}
    for table in header_tables(doc, "Nama Pemenang"):
        record["winners"].extend(party_rows(table))
    put_values(record, field_cells(doc))
    return record
