"""SPSE 4.3 pemenang tab (aristhiooo__lpse-52349127/pemenang.html): plain NPWP, read off the page."""

from decimal import Decimal

from crawler.parsers import parse_winners
from tests.parsers.parsed import parsed_page

page = parsed_page("aristhiooo__lpse-52349127/pemenang.html", parse_winners)


def test_one_winner(page):
    assert len(page["winners"]) == 1


def test_name(page):
    assert page["winners"][0]["name"] == "PT. DUTARAYA DINAMETRO"


def test_address_tags_stripped_whitespace_collapsed(page):
    assert page["winners"][0]["address"] == (
        "Jalan Raya Pahlawan Revolusi No. 10 Kav. GG 1 Kel. Pondok Bambu Kec. Duren Sawit"
        " - Jakarta Timur (Kota) - DKI Jakarta"
    )


def test_npwp_digits(page):
    assert page["winners"][0]["npwp"] == "015448632009000"


def test_offer_value(page):
    assert page["winners"][0]["offer_value"] == Decimal("49802888461.02")


def test_corrected_value(page):
    assert page["winners"][0]["corrected_value"] == Decimal("49802888461.02")


def test_no_negotiated_column(page):
    assert "negotiated_value" not in page["winners"][0]


def test_budget_value(page):
    assert page["budget_value"] == Decimal("59000000000.00")


def test_estimate_value(page):
    assert page["estimate_value"] == Decimal("58938321000.00")
