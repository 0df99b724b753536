"""Bad list answers: HTML instead of JSON, broken JSON, wrong widths; and the construction rule."""

import pytest

from crawler.parsers import CONSTRUCTION_CATEGORIES, ParseError, is_construction, parse_page


def test_html_body_is_a_parse_error():
    with pytest.raises(ParseError, match="HTML"):
        parse_page("list", b"<!DOCTYPE html><html><body>Login</body></html>", "tender")


def test_truncated_json_is_a_parse_error():
    with pytest.raises(ParseError):
        parse_page("list", b'{"draw":"1","data":[["1","x"', "tender")


def test_no_data_list_is_a_parse_error():
    with pytest.raises(ParseError, match="data"):
        parse_page("list", b'{"draw":"1"}', "tender")


def test_width_mismatch_is_a_parse_error():
    with pytest.raises(ParseError, match="16 columns"):
        parse_page("list", b'{"data":[["1","a","b","c","1 Jt","e","f","g"]]}', "tender")


def test_swakelola_width_is_not_taken_for_darurat():
    page = parse_page("list", b'{"data":[["1","a","b","1 Jt","5","2026","5","Selesai"]]}')
    assert page["rows"] == [
        {
            "code": "1",
            "flags": [],
            "name": "a",
            "agency": "b",
            "budget_value": 1_000_000,
            "approximate": ["budget_value"],
            "fiscal_years": [2026],
            "stage": "Selesai",
        }
    ]


def test_unknown_width_is_a_parse_error():
    with pytest.raises(ParseError, match="list kind"):
        parse_page("list", b'{"data":[["1","a","b","1 Jt","5","2026","5"]]}')


def test_empty_page():
    assert parse_page("list", b'{"draw":"2","data":[]}') == {"rows": [], "unread": [], "dropped": []}


def test_bare_empty_array():
    assert parse_page("list", b"[]", "tender") == {"rows": [], "unread": [], "dropped": []}


def test_json_that_is_neither_array_nor_datatables_object():
    with pytest.raises(ParseError, match="array of rows"):
        parse_page("list", b'"rows"', "tender")


@pytest.mark.parametrize("category", sorted(CONSTRUCTION_CATEGORIES))
def test_construction_categories(category):
    assert is_construction(category)


@pytest.mark.parametrize(
    "category",
    ["Jasa Konsultansi Badan Usaha Non Konstruksi", "Pengadaan Barang", "Jasa Lainnya", "Konstruksi"],
)
def test_non_construction(category):
    assert not is_construction(category)
