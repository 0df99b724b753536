"""Jadwal (schedule) tab: stage names with WIB start/end (protocol §7.7).

The "Penandatanganan Kontrak" stage is the best public proxy for the contract date.
"""

from __future__ import annotations

from typing import Any

from crawler.parsers.errors import ParseError
from crawler.parsers.html import column_rows, header_tables, load_html, put, text_of, typed
from crawler.parsers.labels import label_key
from domain.dates import parse_id_datetime

_EMPTY = {"", "-"}


def parse_schedule(body: bytes) -> dict[str, Any]:
    """`{"stages": [{"name", "start", "end", "history_href"}]}`; a value not shown is absent."""
    doc = load_html(body)
    tables = [t for t in header_tables(doc, "Tahap") if header_tables(t, "Mulai")]
    if not tables:
        raise ParseError("not a schedule page: no Tahap/Mulai/Sampai table")
    stages = []
    for row in column_rows(tables[0]):
        stage: dict[str, Any] = {}
        put(stage, "name", text_of(row[label_key("Tahap")]))
        for key, header in (("start", "Mulai"), ("end", "Sampai")):
            cell = row.get(label_key(header))
            if cell is not None and text_of(cell) not in _EMPTY:
                put(stage, key, typed(cell, header, parse_id_datetime))
        change = row.get(label_key("Perubahan"))
        links = change.xpath(".//a[@href]") if change is not None else []
        if links:
            stage["history_href"] = links[0].get("href")
        stages.append(stage)
    return {"stages": stages}
