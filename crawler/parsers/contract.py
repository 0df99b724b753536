"""Pemenang Berkontrak tab and the realisation tabs of darurat/pencatatan/swakelola (§7.6, §7.8).

A tender's contract table gives the contract value per winner; the realisation pages give
the total realised value, PDN/UMK, the completion date and the providers paid.
"""

from __future__ import annotations

from typing import Any

from crawler.parsers import labels as L
from crawler.parsers.html import (
    field_cells,
    find,
    header_tables,
    load_html,
    party_rows,
    put,
    put_money,
    put_values,
    typed,
)
from domain.dates import parse_id_date


def _unique(parties: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop repeated identical provider rows (one per realisation entry on pencatatan pages)."""
    seen: list[dict[str, Any]] = []
    for party in parties:
        if party not in seen:
            seen.append(party)
    return seen


def parse_contract(body: bytes) -> dict[str, Any]:
    """`{"winners": [...], "budget_value", "estimate_value"}` plus, on realisation pages,
    `realised_value`, `pdn_value`, `umk_value` and `completed_on` when shown.

    Winner keys: name, address, npwp, contract_value, pdn_value, umk_value. On realisation
    pages the winners are the providers of the Realisasi table (name, npwp, address).
    """
    doc = load_html(body)
    cells = field_cells(doc)
    record: dict[str, Any] = {"winners": []}
    for table in header_tables(doc, "Nama Pemenang"):
        record["winners"].extend(party_rows(table))
    for table in header_tables(doc, "Nama Penyedia"):
        record["winners"].extend(party_rows(table))
    record["winners"] = _unique(record["winners"])
    put_values(record, cells)
    put_money(record, "realised_value", cells, L.REALISED)
    put_money(record, "pdn_value", cells, L.PDN)
    put_money(record, "umk_value", cells, L.UMK)
    completed = find(cells, L.COMPLETED)
    if completed is not None:
        put(record, "completed_on", typed(completed, "Tanggal Paket Selesai", parse_id_date))
    return record
