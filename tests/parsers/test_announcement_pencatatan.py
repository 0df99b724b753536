"""Pencatatan non tender pengumuman (wakataw__pyproc/nonspk_pengumuman.html), read off the page."""

from datetime import date
from decimal import Decimal

from crawler.parsers import parse_announcement
from tests.parsers.parsed import parsed_page

page = parsed_page("wakataw__pyproc/nonspk_pengumuman.html", parse_announcement)


def test_code(page):
    assert page["code"] == "10942236000"


def test_name_start(page):
    assert page["name"].startswith("Pengadaan Jasa Lainnya Pengadaan Biaya Paket Data dan Informasi")
    assert page["name"].endswith("Sabang-Provinsi Aceh Tahun Anggaran 2026")


def test_agency(page):
    assert page["agency"] == "Kementerian Imigrasi dan Pemasyarakatan"


def test_work_unit(page):
    assert page["work_unit"] == "IM01 KANTOR IMIGRASI KELAS II TPI SABANG"


def test_category(page):
    assert page["category"] == "Jasa Lainnya"


def test_method_trailing_space_removed(page):
    assert page["method"] == "Pengadaan Langsung"


def test_fiscal_year(page):
    assert page["fiscal_year"] == 2026


def test_funding_source(page):
    assert page["funding_source"] == "APBN"


def test_budget_value(page):
    assert page["budget_value"] == Decimal("3800000.00")


def test_created_on(page):
    assert page["created_on"] == date(2026, 6, 10)


def test_rup_codes(page):
    assert page["rup_codes"] == ["62075727"]
