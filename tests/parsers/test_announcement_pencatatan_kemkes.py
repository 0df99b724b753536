"""Pencatatan pengumuman on spse.inaproc.id/kemkes (aansubarkah…/LPSE_-_Informasi_Paket2.htm)."""

from datetime import date
from decimal import Decimal

from crawler.parsers import parse_announcement
from tests.parsers.parsed import parsed_page

page = parsed_page("aansubarkah__ssa_agentic_lpse/LPSE_-_Informasi_Paket2.htm", parse_announcement)


def test_code(page):
    assert page["code"] == "11024357000"


def test_name(page):
    assert page["name"] == (
        "Pekerjaan Pemeliharaan Sanitasi dan Kesehatan Lingkungan Berupa Peremajaan Bakteri dan Media IPAL"
    )


def test_work_unit(page):
    assert page["work_unit"] == "RUMAH SAKIT PARU DRMGOENAWAN PARTOWIDIGDO CISARUA"


def test_budget_value(page):
    assert page["budget_value"] == Decimal("124126000.00")


def test_created_on(page):
    assert page["created_on"] == date(2026, 8, 6)


def test_tabs(page):
    assert [t["label"] for t in page["tabs"]] == ["Pengumuman", "Pemenang Berkontrak"]


def test_rup_codes(page):
    assert page["rup_codes"] == []
