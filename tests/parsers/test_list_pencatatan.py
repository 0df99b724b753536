"""/dt/nonspk (pencatatan non tender), 9 columns (wakataw__pyproc/dt_nonspk.json), rows read off the JSON."""

from decimal import Decimal

import pytest

from crawler.parsers import is_construction, parse_page
from tests.parsers.parsed import parsed_page

page = parsed_page("wakataw__pyproc/dt_nonspk.json", lambda b: parse_page("list", b, "pencatatan"))

#: Row 10942236000, every field read by hand off the JSON.
FIRST = {
    "code": "10942236000",
    "name": "Pengadaan Jasa Lainnya Pengadaan Biaya Paket Data dan Informasi untuk kegiatan Pengelolaan "
    "Informasi dan Komunikasi Keimigrasian Layanan Data dan Informasi pada Kantor Imigrasi Kelas II TPI "
    "Sabang-Provinsi Aceh Tahun Anggaran 2026",
    "flags": [],
    "agency": "Kementerian Imigrasi dan Pemasyarakatan",
    "budget_value": Decimal(3_800_000),  # "3,8 Jt" is the pagu
    "approximate": ["budget_value"],
    "method": "Pengadaan Langsung",
    "category": "Jasa Lainnya",
    "fiscal_years": [2026],
    "stage": "Paket Sedang Berjalan",
}


def test_row_count(page):
    assert len(page["rows"]) == 25


def test_inferred_kind_gives_the_same_rows(page, fixture_bytes):
    assert parse_page("list", fixture_bytes("wakataw__pyproc/dt_nonspk.json")) == page


@pytest.mark.parametrize("field", sorted(FIRST))
def test_first_row_field(page, field):
    assert page["rows"][0].get(field) == FIRST[field]


def test_first_row_has_no_other_field(page):
    assert set(page["rows"][0]) == set(FIRST)


def test_finished_stage(page):
    row = next(r for r in page["rows"] if r["code"] == "10941802000")
    assert (row["stage"], row["budget_value"], row["category"]) == (
        "Paket Sudah Selesai",
        Decimal(106_000_000),
        "Pengadaan Barang",
    )


def test_below_one_juta(page):
    row = next(r for r in page["rows"] if r["code"] == "10940496000")
    assert row["budget_value"] == Decimal(500_000)  # "0,5 Jt"


def test_no_construction_in_this_sample(page):
    assert not any(is_construction(r["category"]) for r in page["rows"])


def test_nothing_unread(page):
    assert (page["unread"], page["dropped"]) == ([], [])
