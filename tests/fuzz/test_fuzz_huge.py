"""Huge pages (a table of 50,000 rows) parse completely and in one pass, without recursion or
quadratic blow-ups; each is built from a real captured page by repeating one data row."""

from __future__ import annotations

import copy
import json

from crawler.parsers import parse_list, parse_schedule, parse_winners
from tests.conftest import shared_file
from tests.fuzz.fuzz_pages import document, serialise

ROWS = 50_000


def _repeat_last_row(relative: str, header: str) -> bytes:
    """The page with the last data row of the table headed `header` repeated to ROWS rows."""
    doc = document(relative)
    own = "./tr/th | ./thead/tr/th | ./tbody/tr/th"
    table = next(
        t for t in doc.iter("table") if any(th.text_content().strip() == header for th in t.xpath(own))
    )
    data_rows = table.xpath("./tr[td] | ./tbody/tr[td]")
    row = data_rows[-1]
    parent = row.getparent()
    for old in data_rows:
        old.getparent().remove(old)
    parent.extend(copy.deepcopy(row) for _ in range(ROWS))
    return serialise(doc)


def test_winners_table_of_50000_rows() -> None:
    body = _repeat_last_row("aristhiooo__lpse-52349127/pemenang.html", "Nama Pemenang")
    winners = parse_winners(body)["winners"]
    assert len(winners) == ROWS
    assert winners[-1]["npwp"] == "015448632009000"


def test_schedule_of_50000_stages() -> None:
    body = _repeat_last_row("razifaisal-design__webscrapperrazi/jadwal_berubah.html", "Tahap")
    stages = parse_schedule(body)["stages"]
    assert len(stages) == ROWS
    assert stages[-1]["name"] == "Penandatanganan Kontrak"


def test_list_of_50000_rows() -> None:
    payload = json.loads(
        shared_file("aansubarkah__ssa_agentic_lpse/dt_lelang_kemkes_tahun2025.json").read_bytes()
    )
    payload["data"] = [payload["data"][i % len(payload["data"])] for i in range(ROWS)]
    rows = parse_list(json.dumps(payload).encode(), "tender")["rows"]
    assert len(rows) == ROWS
    assert rows[-1]["code"] == payload["data"][-1][0]
