"""SPSE 4.3 tender pengumumanlelang (aristhiooo__lpse-52349127/index.html), values read off the page."""

from datetime import date
from decimal import Decimal

from crawler.parsers import parse_announcement
from tests.parsers.parsed import parsed_page

page = parsed_page("aristhiooo__lpse-52349127/index.html", parse_announcement)


def test_code(page):
    assert page["code"] == "52349127"


def test_name(page):
    assert page["name"] == "Pembangunan Waduk Marunda Tahap I"


def test_flags(page):
    assert page["flags"] == ["Evaluasi Ulang"]


def test_stage(page):
    assert page["stage"] == "Penandatanganan Kontrak"


def test_schedule_href(page):
    assert page["schedule_href"] == "/eproc4/lelang/52349127/jadwal"


def test_agency(page):
    assert page["agency"] == "Pemerintah Daerah Provinsi DKI Jakarta"


def test_work_unit(page):
    assert page["work_unit"] == "DINAS SUMBER DAYA AIR"


def test_category(page):
    assert page["category"] == "Pekerjaan Konstruksi"


def test_method(page):
    assert page["method"] == "Tender - Pascakualifikasi Satu File - Harga Terendah Sistem Gugur"


def test_fiscal_year(page):
    assert page["fiscal_year"] == 2022


def test_funding_source(page):
    assert page["funding_source"] == "APBD"


def test_budget_value(page):
    assert page["budget_value"] == Decimal("59000000000.00")


def test_estimate_value(page):
    assert page["estimate_value"] == Decimal("58938321000.00")


def test_locations(page):
    assert page["locations"] == ["Waduk Marunda - Jakarta Utara (Kota)"]


def test_qualification(page):
    assert page["qualification"] == "Besar"


def test_created_on(page):
    assert page["created_on"] == date(2022, 4, 28)


def test_tabs(page):
    assert [t["label"] for t in page["tabs"]] == [
        "Pengumuman",
        "Peserta",
        "Hasil Evaluasi",
        "Pemenang",
        "Pemenang Berkontrak",
    ]
    assert page["tabs"][3]["href"] == "/pemenang.html"


def test_rup_codes(page):
    assert page["rup_codes"] == ["35746423"]
