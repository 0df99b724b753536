"""`crawler.plan`: what a list row costs, checked on every construction row of the real 2026 lists."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from crawler import protocol
from crawler.parsers import is_construction
from crawler.plan import row_requests, stage_class
from domain.text import split_badges
from tests.conftest import shared_file

PORTALS = ("acehprov", "baliprov", "gorontaloprov", "jogjaprov", "kepriprov")
TENDER = protocol.LIST_KINDS["tender"]


def _rows(portal: str) -> list[dict]:
    """Construction rows of one real national list (the fixture is the bare `data` array), with the
    cells the plan reads: stage (column 3), contract value (column 10 when it holds `Rp.`), badges."""
    rows = json.loads(shared_file(f"lists-2026/{portal}_2025.json").read_text(encoding="utf-8"))
    out = []
    for cells in rows:
        if is_construction(cells[8].rpartition(" - TA ")[0]):
            contract = cells[10] if str(cells[10] or "").startswith("Rp") else None
            out.append({"stage": cells[3], "contract_value": contract, "flags": split_badges(cells[1])[1]})
    return out


def test_real_rows_cost_what_their_stage_and_contract_column_say() -> None:
    costs: Counter[tuple[str, tuple[str, ...]]] = Counter()
    for portal in PORTALS:
        for row in _rows(portal):
            costs[(stage_class(row), row_requests(TENDER, row))] += 1
    contract = ("announcement", protocol.CONTRACT, protocol.SCHEDULE)
    assert set(costs) <= {
        ("contract", contract),
        ("winner", ("announcement", protocol.WINNERS, protocol.SCHEDULE)),
        ("failed", ("announcement",)),
        ("pre_award", ("announcement",)),
    }
    assert costs[("contract", contract)] > 0 and costs[("failed", ("announcement",))] > 0


@pytest.mark.parametrize(
    ("stage", "contract", "flags", "expected"),
    [
        ("Tender Sudah Selesai", "125398000000.00", [], "contract"),
        ("Tender Sudah Selesai", None, [], "winner"),
        ("Seleksi Batal", None, [], "failed"),
        ("Tender Gagal", None, [], "failed"),
        ("Masa Sanggah", None, [], "winner"),
        ("Pengumuman Pemenang", None, [], "winner"),
        ("Penetapan Pemenang", None, [], "pre_award"),
        ("Upload Dokumen Penawaran", None, [], "pre_award"),
        ("Upload Dokumen Penawaran", None, ["Tender Batal"], "failed"),
    ],
)
def test_stage_class(stage: str, contract: str | None, flags: list[str], expected: str) -> None:
    assert stage_class({"stage": stage, "contract_value": contract, "flags": flags}) == expected


def test_darurat_costs_the_announcement_and_the_realisation() -> None:
    row = {"stage": "", "contract_value": None}
    assert row_requests(protocol.LIST_KINDS["darurat"], row) == ("announcement", protocol.REALISATION)
