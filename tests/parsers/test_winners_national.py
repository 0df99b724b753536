"""spse.inaproc.id pemenang (razifaisal…/pemenang.html): masked NPWP, Hasil Negosiasi."""

from decimal import Decimal

from crawler.parsers import parse_winners
from tests.parsers.parsed import parsed_page

page = parsed_page("razifaisal-design__webscrapperrazi/pemenang.html", parse_winners)


def test_one_winner(page):
    assert len(page["winners"]) == 1


def test_name(page):
    assert page["winners"][0]["name"] == "CV DW KREASI KONSULTAN"


def test_address(page):
    assert (
        page["winners"][0]["address"]
        == "Jl HM SUWIGNYO GG KURNIA 6 NO7 - Pontianak (Kota) - Kalimantan Barat"
    )


def test_npwp_kept_masked(page):
    assert page["winners"][0]["npwp"] == "07*3**1****01**0"


def test_offer_value(page):
    assert page["winners"][0]["offer_value"] == Decimal("99808536.00")


def test_corrected_value(page):
    assert page["winners"][0]["corrected_value"] == Decimal("99808536.00")


def test_negotiated_value(page):
    assert page["winners"][0]["negotiated_value"] == Decimal("99800000.00")


def test_budget_value(page):
    assert page["budget_value"] == Decimal("100000000.00")


def test_estimate_value(page):
    assert page["estimate_value"] == Decimal("99920000.00")
