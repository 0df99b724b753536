"""Jadwal tab (razifaisal…/jadwal_berubah.html): five non-tender stages with WIB date-times."""

from datetime import datetime

from crawler.parsers import parse_schedule
from domain.dates import JAKARTA
from tests.parsers.parsed import parsed_page

page = parsed_page("razifaisal-design__webscrapperrazi/jadwal_berubah.html", parse_schedule)


def test_stage_names(page):
    assert [s["name"] for s in page["stages"]] == [
        "Upload Dokumen Penawaran",
        "Pembukaan Dokumen Penawaran",
        "Evaluasi Penawaran",
        "Klarifikasi Teknis dan Negosiasi",
        "Penandatanganan Kontrak",
    ]


def test_first_start(page):
    assert page["stages"][0]["start"] == datetime(2026, 2, 6, 16, 5, tzinfo=JAKARTA)


def test_first_end(page):
    assert page["stages"][0]["end"] == datetime(2026, 2, 10, 12, 0, tzinfo=JAKARTA)


def test_contract_signing_start(page):
    assert page["stages"][4]["start"] == datetime(2026, 2, 10, 17, 0, tzinfo=JAKARTA)


def test_contract_signing_end(page):
    assert page["stages"][4]["end"] == datetime(2026, 2, 11, 17, 0, tzinfo=JAKARTA)


def test_history_link(page):
    assert page["stages"][0]["history_href"] == "/pontianak/jadwalnontender/13404325000/history"
