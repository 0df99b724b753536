"""One odd cell never rejects a list page: the row is kept, the value left out, the cell counted.

Synthetic rows (hand-made from the 2026 tender shape); the real files are in test_list_2026.py.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from crawler.parsers import ParseError, parse_page
from lpse_leads.cli import main


def tender(
    code: Any = "10001000",
    hps: Any = "1,9 M",
    jenis: Any = "Pekerjaan Konstruksi - TA 2026",
    contract: Any = "Nilai Kontrak belum dibuat",
    agency: Any = "Provinsi X",
) -> list[Any]:
    name = "Jalan <span class='badge badge-warning'>Tender Ulang</span>"
    methods = ["Pascakualifikasi Satu File", "Tender", "Harga Terendah Sistem Gugur"]
    return [
        code,
        name,
        agency,
        "Tender Sudah Selesai",
        hps,
        *methods,
        jenis,
        "5",
        contract,
        None,
        None,
        "0",
        "0",
        None,
    ]


def parse(*rows: list[Any]) -> dict[str, Any]:
    return parse_page("list", json.dumps(list(rows)).encode())


def test_unknown_hps_label_keeps_the_row_without_the_value():
    page = parse(tender(), tender(code="10002000", hps="1,9 Gajillion"))
    good, odd = page["rows"]
    assert good["estimate_value"] == Decimal(1_900_000_000)
    assert "estimate_value" not in odd and "approximate" not in odd
    assert odd["unread"] == ["estimate_value"]
    assert (odd["name"], odd["flags"], odd["category"]) == ("Jalan", ["Tender Ulang"], "Pekerjaan Konstruksi")
    (cell,) = page["unread"]
    assert cell["code"] == "10002000"
    assert (cell["field"], cell["column"], cell["form"]) == ("estimate_value", 4, "9,9 Gajillion")
    assert "short rupiah" in cell["error"]


def test_thousands_dotted_label_is_read():
    (row,) = parse(tender(hps="1.000 Jt"))["rows"]
    assert row["estimate_value"] == Decimal(1_000_000_000)


def test_bad_contract_cell_is_unread():
    page = parse(tender(contract="Rp. 1.2.3"))
    assert "contract_value" not in page["rows"][0]
    assert [(u["field"], u["column"], u["form"]) for u in page["unread"]] == [
        ("contract_value", 10, "Rp. 9.9.9")
    ]


def test_contract_sentence_is_no_value_and_not_odd():
    page = parse(tender(contract="Kontrak belum ditandatangani"))
    assert "contract_value" not in page["rows"][0]
    assert page["unread"] == []


def test_jenis_without_fiscal_year_keeps_the_category():
    page = parse(tender(jenis="Pekerjaan Konstruksi"))
    assert page["rows"][0]["category"] == "Pekerjaan Konstruksi"
    assert [u["field"] for u in page["unread"]] == ["fiscal_years"]


def test_bad_fiscal_years_keep_the_category():
    page = parse(tender(jenis="Pekerjaan Konstruksi - TA dua ribu"))
    assert page["rows"][0]["category"] == "Pekerjaan Konstruksi"
    assert "fiscal_years" not in page["rows"][0]
    assert [u["field"] for u in page["unread"]] == ["fiscal_years"]


def test_non_text_cell_is_unread_never_a_repr():
    page = parse(tender(agency={"a": 1}))
    assert "agency" not in page["rows"][0]
    assert [(u["field"], u["form"]) for u in page["unread"]] == [("agency", "")]


@pytest.mark.parametrize(("code", "detail"), [("", "empty kode"), (1.5, "kode holds a float")])
def test_row_without_kode_is_dropped_with_its_reason(code, detail):
    page = parse(tender(), tender(code=code), tender(code="10003000"))
    assert [r["code"] for r in page["rows"]] == ["10001000", "10003000"]
    ((dropped),) = page["dropped"]
    assert (dropped["row"], dropped["reason"]) == (1, "no_code")
    assert dropped["detail"].startswith(detail)


def test_row_of_another_width_is_dropped_not_the_page():
    page = parse(tender(), tender()[:15], "not a row")
    assert [r["code"] for r in page["rows"]] == ["10001000"]
    assert [(d["row"], d["reason"]) for d in page["dropped"]] == [(1, "width"), (2, "not_array")]


def test_a_page_whose_rows_all_have_another_width_is_a_parse_error():
    """A changed layout: reading cells by position would put values in the wrong fields."""
    with pytest.raises(ParseError, match="16 columns"):
        parse_page("list", json.dumps([[*tender(), "extra"]]).encode(), "tender")


def test_cli_keeps_exit_0_and_notes_the_odd_cells(tmp_path, capsys):
    path = tmp_path / "list.json"
    path.write_text(json.dumps([tender(hps="1,9 Gajillion"), tender(code="")]))
    assert main(["parse", "list", str(path)]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["unread"][0]["form"] == "9,9 Gajillion"
    assert "1 cells unread (row kept), 1 rows dropped" in captured.err
