"""A tender jadwal with a missing end and a date-only start (tests/pages/synthetic_jadwal_tender.html)."""

from datetime import date, datetime

import pytest

from crawler.parsers import ParseError, parse_schedule
from domain.dates import JAKARTA
from tests.parsers.synthetic import synthetic


@pytest.fixture(scope="module")
def page():
    return parse_schedule(synthetic("synthetic_jadwal_tender.html"))


def test_names_whitespace_collapsed(page):
    assert [s["name"] for s in page["stages"]] == ["Pengumuman Pascakualifikasi", "Penandatanganan Kontrak"]


def test_datetime_start(page):
    assert page["stages"][0]["start"] == datetime(2026, 1, 2, 8, 0, tzinfo=JAKARTA)


def test_date_only_start_is_a_date(page):
    assert page["stages"][1]["start"] == date(2026, 2, 16)
    assert not isinstance(page["stages"][1]["start"], datetime)


def test_missing_end_absent(page):
    assert "end" not in page["stages"][1]


def test_no_history_link_absent(page):
    assert "history_href" not in page["stages"][0]


def test_not_a_schedule_page():
    with pytest.raises(ParseError, match="schedule"):
        parse_schedule(synthetic("synthetic_not_found.html"))
