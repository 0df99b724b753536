"""Empty pemenang berkontrak tables: SPSE 4.3 (bare table) and spse.inaproc.id (headers, no rows)."""

from decimal import Decimal

from crawler.parsers import parse_contract
from tests.parsers.parsed import parsed_page

bare = parsed_page("aristhiooo__lpse-52349127/pemenang-berkontrak.html", parse_contract)
national = parsed_page("aansubarkah__ssa_agentic_lpse/LPSE_-_Informasi_Tender.htm", parse_contract)


def test_bare_table_has_no_winners(bare):
    assert bare["winners"] == []


def test_bare_table_shows_no_values(bare):
    assert set(bare) == {"winners"}


def test_national_no_winners(national):
    assert national["winners"] == []


def test_national_budget_value(national):
    assert national["budget_value"] == Decimal("787406000.00")


def test_national_estimate_value(national):
    assert national["estimate_value"] == Decimal("750939420.00")


def test_national_no_realisation_keys(national):
    assert "realised_value" not in national
    assert "completed_on" not in national
