"""Branch table import (all-or-nothing with row numbers), the starter table, and routing rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from leads.branches_file import BranchesFileError, example_table, province_kanwil, read_branches
from leads.routing import BranchTable, ResolvedLocation, route

HEADER = "branch_code,branch_name,kanwil,emails,kabkota_codes\n"


def write(path: Path, text: str) -> Path:
    """Write a CSV file and return its path."""
    path.write_text(text, encoding="utf-8")
    return path


def test_good_table_with_bps_codes_normalised(tmp_path: Path) -> None:
    path = write(
        tmp_path / "b.csv",
        HEADER + "KC-BPN,KC Balikpapan,Kalimantan,a@bpjs.example; b@bpjs.example,6471;64.09\n",
    )
    [row] = read_branches(path)
    assert row.branch_code == "KC-BPN"
    assert row.branch_name == "KC Balikpapan"
    assert row.kanwil == "Kalimantan"
    assert row.emails == ("a@bpjs.example", "b@bpjs.example")
    assert row.kabkota_codes == ("64.71", "64.09")


def test_bad_rows_listed_with_row_numbers(tmp_path: Path) -> None:
    path = write(
        tmp_path / "b.csv",
        HEADER
        + "KC-A,A,Kalimantan,,64.71\n"  # row 2 fine
        + "KC-B,B,Kalimantan,not-an-email,99.99\n"  # row 3: e-mail and unknown code
        + "KC-A,A again,Kalimantan,,64.72\n"  # row 4: duplicate branch code
        + "KC-C,C,Kalimantan,,6471\n",  # row 5: 64.71 already claimed by KC-A
    )
    with pytest.raises(BranchesFileError) as caught:
        read_branches(path)
    problems = caught.value.problems
    assert [row for row, _ in problems] == [3, 3, 4, 5]
    assert "bad e-mail address 'not-an-email'" in problems[0][1]
    assert "unknown kab/kota code '99.99'" in problems[1][1]
    assert "already on row 2" in problems[2][1]
    assert "already claimed by KC-A on row 2" in problems[3][1]


def test_example_table_is_valid_and_partial() -> None:
    rows = read_branches(example_table())
    assert len(rows) == 16
    by_code = {r.branch_code: r for r in rows}
    assert by_code["KC-BALIKPAPAN"].kabkota_codes == ("64.71", "64.09", "64.01")
    assert all(e.endswith("@example.invalid") for r in rows for e in r.emails)


def test_province_kanwil_table() -> None:
    table = province_kanwil()
    assert {table[p].name for p in ("61", "62", "63", "64", "65")} == {"Kalimantan"}
    assert {table[p].name for p in ("15", "16", "17", "18", "19")} == {"Sumbagsel"}
    assert len(table) == 38
    assert {k.name for k in table.values()} == {
        "Sumbagut",
        "Sumbarriau",
        "Sumbagsel",
        "Banten",
        "DKI Jakarta",
        "Jawa Barat",
        "Jawa Tengah & DIY",
        "Jawa Timur",
        "Kalimantan",
        "Sulama",
        "Banuspa",
    }
    assert table["64"].verified and table["12"].verified and table["34"].verified
    assert (table["31"].basis, table["31"].source) == ("inferred_from_name", "the Kanwil's name")
    assert table["21"].basis == "confirmed" and "source D" in table["21"].source


@pytest.fixture
def table() -> BranchTable:
    """The starter branch table."""
    return BranchTable.from_rows(read_branches(example_table()))


def test_route_to_branch(table: BranchTable) -> None:
    r = route([ResolvedLocation("64.71", "64")], table)
    assert (r.kind, r.branch_code, r.kabkota_code, r.kanwil) == (
        "branch",
        "KC-BALIKPAPAN",
        "64.71",
        "Kalimantan",
    )


def test_several_locations_first_resolved_decides_others_listed(table: BranchTable) -> None:
    r = route(
        [ResolvedLocation(None, None), ResolvedLocation("64.72", "64"), ResolvedLocation("63.71", "63")],
        table,
    )
    assert (r.kind, r.branch_code, r.others) == ("branch", "KC-SAMARINDA", ("KC-BANJARMASIN",))


def test_region_without_branch_goes_to_province_fallback(table: BranchTable) -> None:
    r = route([ResolvedLocation("64.74", "64")], table)  # Bontang: no branch in the starter table
    assert (r.kind, r.branch_code, r.province_code, r.kanwil) == ("fallback", None, "64", "Kalimantan")


def test_province_only_goes_to_fallback_and_nothing_to_unrouted(table: BranchTable) -> None:
    assert route([ResolvedLocation(None, "16")], table).kind == "fallback"
    assert route([ResolvedLocation(None, "16")], table).kanwil == "Sumbagsel"
    assert route([ResolvedLocation(None, None)], table).kind == "unrouted"
    assert route([], table).kind == "unrouted"
