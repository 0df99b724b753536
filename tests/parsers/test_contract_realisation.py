"""Realisation tabs of darurat, pencatatan and swakelola packages: Nilai Total Realisasi, PDN/UMK,
Tanggal Paket Selesai and the providers of the Realisasi table; values read off each page."""

from datetime import date
from decimal import Decimal

from crawler.parsers import parse_contract
from tests.parsers.parsed import parsed_page

darurat = parsed_page("wakataw__pyproc/darurat_pemenang.html", parse_contract)
nonspk = parsed_page("wakataw__pyproc/nonspk_pemenang_berkontrak.html", parse_contract)
bug = parsed_page("wakataw__pyproc/nonspk_pemenang_bug_10941898000.html", parse_contract)
darurat_kemkes = parsed_page(
    "aansubarkah__ssa_agentic_lpse/LPSE_-_Informasi_Pengadaan_Darurat.htm", parse_contract
)
swakelola = parsed_page("wakataw__pyproc/swakelola_pelaksana.html", parse_contract)
swakelola_kemkes = parsed_page("aansubarkah__ssa_agentic_lpse/LPSE_-_Informasi_Swakelola.htm", parse_contract)


def test_darurat_budget(darurat):
    assert darurat["budget_value"] == Decimal("500000000.00")


def test_darurat_realised(darurat):
    assert darurat["realised_value"] == Decimal("0.00")


def test_darurat_empty_pdn_umk_absent(darurat):
    assert "pdn_value" not in darurat
    assert "umk_value" not in darurat


def test_darurat_completed_on(darurat):
    assert darurat["completed_on"] == date(2026, 8, 3)


def test_darurat_no_providers(darurat):
    assert darurat["winners"] == []


def test_nonspk_realised(nonspk):
    assert nonspk["realised_value"] == Decimal("266400.00")


def test_nonspk_budget(nonspk):
    assert nonspk["budget_value"] == Decimal("3800000.00")


def test_nonspk_pdn(nonspk):
    assert nonspk["pdn_value"] == Decimal("0.00")


def test_nonspk_completed_on(nonspk):
    assert nonspk["completed_on"] == date(2026, 12, 31)


def test_nonspk_no_providers(nonspk):
    assert nonspk["winners"] == []


def test_bug_page_realised(bug):
    assert bug["realised_value"] == Decimal("495000.00")


def test_bug_page_pdn(bug):
    assert bug["pdn_value"] == Decimal("495000.00")


def test_bug_page_umk(bug):
    assert bug["umk_value"] == Decimal("0.00")


def test_bug_page_budget(bug):
    assert bug["budget_value"] == Decimal("20392000.00")


def test_bug_page_completed_on(bug):
    assert bug["completed_on"] == date(2026, 4, 10)


def test_bug_page_provider_once_without_npwp(bug):
    assert bug["winners"] == [{"name": "Diana Safitri", "address": "Mataram (Kota) Nusa Tenggara Barat"}]


def test_darurat_kemkes_budget(darurat_kemkes):
    assert darurat_kemkes["budget_value"] == Decimal("663823912000.00")


def test_darurat_kemkes_completed_on(darurat_kemkes):
    assert darurat_kemkes["completed_on"] == date(2021, 9, 10)


def test_swakelola_realised(swakelola):
    assert swakelola["realised_value"] == Decimal("800000.00")


def test_swakelola_completed_on(swakelola):
    assert swakelola["completed_on"] == date(2026, 12, 31)


def test_swakelola_kemkes_budget(swakelola_kemkes):
    assert swakelola_kemkes["budget_value"] == Decimal("1000000000.00")


def test_swakelola_kemkes_completed_on(swakelola_kemkes):
    assert swakelola_kemkes["completed_on"] == date(2025, 10, 30)
