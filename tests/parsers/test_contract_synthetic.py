"""A filled tender pemenang berkontrak tab (tests/pages/synthetic_contract_tender.html, hand-made)."""

from decimal import Decimal

import pytest

from crawler.parsers import parse_contract
from tests.parsers.synthetic import synthetic


@pytest.fixture(scope="module")
def page():
    return parse_contract(synthetic("synthetic_contract_tender.html"))


def test_two_winners(page):
    assert len(page["winners"]) == 2


def test_name(page):
    assert page["winners"][0]["name"] == "PT. CONTOH KARYA UTAMA"


def test_address(page):
    assert (
        page["winners"][0]["address"]
        == "Jl. Contoh Raya No. 1 Kel. Contoh - Jakarta Selatan (Kota) - DKI Jakarta"
    )


def test_masked_npwp(page):
    assert page["winners"][0]["npwp"] == "01*4**6****09**0"


def test_plain_npwp(page):
    assert page["winners"][1]["npwp"] == "023456789012000"


def test_contract_value(page):
    assert page["winners"][0]["contract_value"] == Decimal("125398000000.00")


def test_pdn_value(page):
    assert page["winners"][0]["pdn_value"] == Decimal("100318400000.50")


def test_empty_umk_absent(page):
    assert "umk_value" not in page["winners"][0]


def test_umk_value(page):
    assert page["winners"][1]["umk_value"] == Decimal("1250000.00")


def test_budget_value(page):
    assert page["budget_value"] == Decimal("127000000000.00")


def test_estimate_value(page):
    assert page["estimate_value"] == Decimal("126100450000.00")
