"""spse.inaproc.id non-tender pengumumanpl (aansubarkah…/LPSE_-_Informasi_Paket.htm), read off the page."""

from datetime import date
from decimal import Decimal

from crawler.parsers import parse_announcement
from tests.parsers.parsed import parsed_page

page = parsed_page("aansubarkah__ssa_agentic_lpse/LPSE_-_Informasi_Paket.htm", parse_announcement)


def test_code(page):
    assert page["code"] == "11002302000"


def test_name_has_trailing_space_removed(page):
    assert page["name"] == "Pemeriksaan Kualitas Lingkungan Dalam Rangka lmplementasi DELH TA 2026"


def test_flags(page):
    assert page["flags"] == []


def test_stage(page):
    assert page["stage"] == "Paket Sudah Selesai"


def test_schedule_href(page):
    assert page["schedule_href"] == "https://spse.inaproc.id/kemkes/nontender/11002302000/jadwal"


def test_agency_from_instansi_lainnya_label(page):
    assert page["agency"] == "Kementerian Kesehatan"


def test_work_unit(page):
    assert page["work_unit"] == "RUMAH SAKIT DR MARZUKI MAHDI BOGOR"


def test_category(page):
    assert page["category"] == "Jasa Lainnya"


def test_method(page):
    assert page["method"] == "Pengadaan Langsung"


def test_fiscal_year(page):
    assert page["fiscal_year"] == 2026


def test_funding_source(page):
    assert page["funding_source"] == "APBN"


def test_budget_value(page):
    assert page["budget_value"] == Decimal("165146000.00")


def test_estimate_value(page):
    assert page["estimate_value"] == Decimal("165146000.00")


def test_locations(page):
    assert page["locations"] == ["Jl. Dr. Sumeru No. 114 Bogor - Bogor (Kota)"]


def test_no_qualification_on_non_tender(page):
    assert "qualification" not in page


def test_created_on(page):
    assert page["created_on"] == date(2026, 8, 11)


def test_tabs(page):
    assert len(page["tabs"]) == 5
    assert page["tabs"][4] == {
        "label": "Pemenang Berkontrak",
        "href": "https://spse.inaproc.id/kemkes/evaluasinontender/11002302000/pemenangberkontrak",
    }


def test_rup_codes(page):
    assert page["rup_codes"] == ["67643676"]
