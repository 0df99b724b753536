"""/dt/pl, 12 columns (aansubarkah…/dt_pl_kemkes_tahun2025.json), rows read off the JSON."""

from decimal import Decimal

from crawler.parsers import is_construction, parse_page
from tests.parsers.parsed import parsed_page

page = parsed_page(
    "aansubarkah__ssa_agentic_lpse/dt_pl_kemkes_tahun2025.json", lambda b: parse_page("list", b, "non_tender")
)


def row(page, code):
    return next(r for r in page["rows"] if r["code"] == code)


def test_row_count(page):
    assert len(page["rows"]) == 25


def test_construction_rows(page):
    assert [r["code"] for r in page["rows"] if is_construction(r["category"])] == [
        "10700732000",
        "10689454000",
        "10644707000",
        "10650970000",
        "10650519000",
    ]


def test_double_quoted_badge(page):
    assert row(page, "10748063000")["flags"] == ["Pengadaan Langsung Batal"]


def test_badge_stripped_from_name(page):
    assert row(page, "10748063000")["name"] == (
        "Pengadaan Genset Untuk RS Daerah di Wilayah Terdampak Bencana Sumatera Tahap I"
    )


def test_entity_unescaped(page):
    assert row(page, "10650519000")["name"].startswith("Pengadaan Pekerjaan Pemasangan Lampu & Passbox,")


def test_stage(page):
    assert row(page, "10748063000")["stage"] == "Paket Dibatalkan"


def test_method(page):
    assert row(page, "10700732000")["method"] == "Pengadaan Langsung"


def test_short_estimate(page):
    assert row(page, "10700732000")["estimate_value"] == Decimal(396_100_000)


def test_contract_value_with_sen(page):
    assert row(page, "10689454000")["contract_value"] == Decimal("237256128.60")


def test_fiscal_years(page):
    assert row(page, "10748063000")["fiscal_years"] == [2025, 2026]
