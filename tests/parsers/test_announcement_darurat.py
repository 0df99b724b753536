"""Darurat pengumuman (wakataw__pyproc/darurat_pengumuman.html), read off the page."""

from datetime import date
from decimal import Decimal

from crawler.parsers import parse_announcement
from tests.parsers.parsed import parsed_page

page = parsed_page("wakataw__pyproc/darurat_pengumuman.html", parse_announcement)


def test_code(page):
    assert page["code"] == "106802"


def test_name(page):
    assert page["name"] == (
        "Penanganan Tanggap darurat Jalan Napak Tilas Pejuang 45 Dusun Hutan Tua Desa Baru Ranji "
        "Kec. Merbau Mataram"
    )


def test_agency(page):
    assert page["agency"] == "Kab. Lampung Selatan"


def test_work_unit(page):
    assert page["work_unit"] == "Dinas Pekerjaan Umum dan Penataan Ruang"


def test_category(page):
    assert page["category"] == "Pekerjaan Konstruksi"


def test_method(page):
    assert page["method"] == "Darurat"


def test_fiscal_year_without_source(page):
    assert page["fiscal_year"] == 2026


def test_no_funding_source(page):
    assert "funding_source" not in page


def test_budget_value(page):
    assert page["budget_value"] == Decimal("500000000.00")


def test_no_estimate_value(page):
    assert "estimate_value" not in page


def test_no_stage_nor_schedule(page):
    assert "stage" not in page
    assert "schedule_href" not in page


def test_locations_empty(page):
    assert page["locations"] == []


def test_created_on(page):
    assert page["created_on"] == date(2026, 6, 10)


def test_tabs(page):
    assert [t["href"] for t in page["tabs"]] == [
        "/nasional/darurat/pengumumandarurat?id=106802",
        "/nasional/darurat/pengumumandaruratpemenang?id=106802",
    ]


def test_rup_codes(page):
    assert page["rup_codes"] == []
