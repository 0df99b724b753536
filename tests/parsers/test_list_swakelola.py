"""/dt/swakelola, 8 columns (wakataw__pyproc/dt_swakelola.json): told apart from darurat by column 6."""

from decimal import Decimal

import pytest

from crawler.parsers import parse_page
from tests.parsers.parsed import parsed_page

page = parsed_page("wakataw__pyproc/dt_swakelola.json", lambda b: parse_page("list", b))

#: Row 10336514000, every field read by hand off the JSON.
FIRST = {
    "code": "10336514000",
    "name": "Seleksi Pengisian Jabatan",
    "flags": [],
    "agency": "Kementerian Ekonomi Kreatif/Badan Ekonomi Kreatif",
    "budget_value": Decimal(176_300_000),  # "176,3 Jt" is the pagu
    "approximate": ["budget_value"],
    "fiscal_years": [2026],
    "stage": "Paket Sedang Berjalan",
}


def test_row_count(page):
    assert len(page["rows"]) == 25


def test_inferred_as_swakelola(page, fixture_bytes):
    assert parse_page("list", fixture_bytes("wakataw__pyproc/dt_swakelola.json"), "swakelola") == page


@pytest.mark.parametrize("field", sorted(FIRST))
def test_first_row_field(page, field):
    assert page["rows"][0].get(field) == FIRST[field]


def test_first_row_has_no_other_field(page):
    """Swakelola rows carry no jenis pengadaan; column 4 (`5`, unknown) is not read."""
    assert set(page["rows"][0]) == set(FIRST)


def test_other_agency_and_stage(page):
    row = next(r for r in page["rows"] if r["code"] == "10324238000")
    assert (row["agency"], row["budget_value"], row["stage"]) == (
        "Kab. Lampung Selatan",
        Decimal(67_900_000),
        "Paket Sedang Berjalan",
    )
    done = next(r for r in page["rows"] if r["code"] == "10335010000")
    assert (done["budget_value"], done["stage"]) == (Decimal(2_500_000), "Paket Sudah Selesai")


def test_nothing_unread(page):
    assert (page["unread"], page["dropped"]) == ([], [])
