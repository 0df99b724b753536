"""/dt/lelang, 16 columns (aansubarkah…/dt_lelang_kemkes_tahun2025.json), rows read off the JSON."""

from decimal import Decimal

from crawler.parsers import is_construction, parse_page
from tests.parsers.parsed import parsed_page

page = parsed_page(
    "aansubarkah__ssa_agentic_lpse/dt_lelang_kemkes_tahun2025.json", lambda b: parse_page("list", b, "tender")
)


def row(page, code):
    return next(r for r in page["rows"] if r["code"] == code)


def test_row_count(page):
    assert len(page["rows"]) == 25


def test_construction_rows(page):
    assert sum(is_construction(r["category"]) for r in page["rows"]) == 10


def test_inferred_kind_gives_the_same_rows(page, fixture_bytes):
    body = fixture_bytes("aansubarkah__ssa_agentic_lpse/dt_lelang_kemkes_tahun2025.json")
    assert parse_page("list", body) == page


def test_badge_row_name(page):
    assert row(page, "10101578000")["name"] == (
        "Pelaksanaan Konstruksi terintegrasi Rancang Bangun Pembangunan/Renovasi RSUD Rumah Rodo Fabo "
        "dalam Rangka PHTC Bidang Kesehatan Batch 3"
    )


def test_badge_row_flags(page):
    assert row(page, "10101578000")["flags"] == ["Tender Batal"]


def test_two_badges(page):
    assert row(page, "10100208000")["flags"] == ["Tender Ulang", "Tender Gagal"]


def test_stage(page):
    assert row(page, "10101578000")["stage"] == "Tender Batal"


def test_agency(page):
    assert row(page, "10099967000")["agency"] == "Kementerian Kesehatan"


def test_short_estimate_value(page):
    assert row(page, "10102453000")["estimate_value"] == Decimal(750_900_000)


def test_estimate_marked_approximate(page):
    assert row(page, "10102453000")["approximate"] == ["estimate_value"]


def test_category(page):
    assert row(page, "10100464000")["category"] == "Pekerjaan Konstruksi Terintegrasi"


def test_multi_year(page):
    assert row(page, "10100464000")["fiscal_years"] == [2025, 2026]


def test_method(page):
    assert (
        row(page, "10102453000")["method"]
        == "Tender Cepat - Pascakualifikasi Satu File - Harga Terendah Sistem Gugur"
    )


def test_contract_value_exact(page):
    assert row(page, "10099967000")["contract_value"] == Decimal("125398000000.00")


def test_no_contract_value_when_not_made(page):
    assert "contract_value" not in row(page, "10102453000")
