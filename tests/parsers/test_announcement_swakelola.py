"""Swakelola pengumuman (wakataw__pyproc/swakelola_pengumuman.html): Kode/Nama Swakelola labels."""

from datetime import date
from decimal import Decimal

from crawler.parsers import parse_announcement
from tests.parsers.parsed import parsed_page

page = parsed_page("wakataw__pyproc/swakelola_pengumuman.html", parse_announcement)


def test_code(page):
    assert page["code"] == "10336514000"


def test_name(page):
    assert page["name"] == "Seleksi Pengisian Jabatan"


def test_agency_from_plain_klpd_label(page):
    assert page["agency"] == "Kementerian Ekonomi Kreatif/Badan Ekonomi Kreatif"


def test_fiscal_year_from_repeated_sources(page):
    assert page["fiscal_year"] == 2026


def test_funding_source_once(page):
    assert page["funding_source"] == "APBN"


def test_budget_value(page):
    assert page["budget_value"] == Decimal("176320000.00")


def test_no_category(page):
    assert "category" not in page


def test_created_on(page):
    assert page["created_on"] == date(2026, 6, 9)


def test_rup_codes(page):
    assert page["rup_codes"] == ["43000958"]
