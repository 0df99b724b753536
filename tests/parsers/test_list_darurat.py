"""/dt/darurat-list, 8 columns (wakataw__pyproc/dt_darurat_list.json): the short value is the pagu."""

from decimal import Decimal

from crawler.parsers import is_construction, parse_page
from tests.parsers.parsed import parsed_page

page = parsed_page("wakataw__pyproc/dt_darurat_list.json", lambda b: parse_page("list", b))


def test_row_count(page):
    assert len(page["rows"]) == 3


def test_all_construction(page):
    assert all(is_construction(r["category"]) for r in page["rows"])


def test_code(page):
    assert [r["code"] for r in page["rows"]] == ["106802", "105802", "104802"]


def test_budget_from_short_form(page):
    assert page["rows"][1]["budget_value"] == Decimal(900_000_000)


def test_budget_marked_approximate(page):
    assert page["rows"][1]["approximate"] == ["budget_value"]


def test_no_estimate(page):
    assert "estimate_value" not in page["rows"][0]


def test_agency(page):
    assert page["rows"][0]["agency"] == "Kab. Lampung Selatan"


def test_fiscal_years(page):
    assert page["rows"][0]["fiscal_years"] == [2026]


def test_stage(page):
    assert page["rows"][2]["stage"] == "Paket Sedang Berjalan"
