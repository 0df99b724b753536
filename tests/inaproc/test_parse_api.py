"""Contract and e-Katalog v6 purchase rows as the keyed API carries them (ISB shapes, Kab. Bandung
2025): one assertion per field, values read off the files."""

import datetime as dt
from decimal import Decimal

import pytest

from crawler.parsers.errors import ParseError
from crawler.parsers.inaproc import load_json, parse_api_contract, parse_api_page, parse_api_purchase
from tests.inaproc.captured import ISB_CONTRACTS, ISB_PURCHASES, inaproc_file


@pytest.fixture(scope="module")
def contracts():
    return [parse_api_contract(r) for r in load_json(inaproc_file(ISB_CONTRACTS).read_bytes())]


@pytest.fixture(scope="module")
def contract(contracts):
    return contracts[0]


@pytest.fixture(scope="module")
def purchases():
    return [parse_api_purchase(r) for r in load_json(inaproc_file(ISB_PURCHASES).read_bytes())]


@pytest.fixture(scope="module")
def purchase(purchases):
    return purchases[0]


def test_tender_code(contract):
    assert contract["tender_code"] == "10005990000"


def test_contract_year(contract):
    assert contract["fiscal_year"] == 2025


def test_lpse_id(contract):
    assert contract["lpse_id"] == "93"


def test_agency_code(contract):
    assert contract["agency_code"] == "D107"


def test_agency(contract):
    assert contract["agency"] == "Kab. Bandung"


def test_work_unit(contract):
    assert contract["work_unit"] == "DINAS PEKERJAAN UMUM DAN TATA RUANG"


def test_work_unit_code(contract):
    assert contract["work_unit_code"] == "1.03.2.15.1.04.03.0000"


def test_name(contract):
    assert contract["name"] == "Pembangunan Gedung Dinas Koperasi dan UKM"


def test_contract_no(contract):
    assert contract["contract_no"] == "602.1/13/KTR/Pemb.Gd.Diskop/DPUTR/2025"


def test_signed_on(contract):
    assert contract["signed_on"] == dt.date(2025, 4, 30)


def test_starts_on(contract):
    assert contract["starts_on"] == dt.date(2025, 4, 30)


def test_ends_on(contract):
    assert contract["ends_on"] == dt.date(2025, 4, 30)


def test_city(contract):
    assert contract["city"] == "Soreang"


def test_provider_id(contract):
    assert contract["provider_id"] == "12593047"


def test_provider_name(contract):
    assert contract["provider_name"] == "CV. RK UTAMA"


def test_npwp_16_unmasked(contract):
    assert contract["npwp"] == "0820710333425000"


def test_contract_value_with_cents(contract):
    assert contract["contract_value"] == Decimal("5380803707.15")


def test_pdn(contract):
    assert contract["pdn_value"] == Decimal("5380803707.15")


def test_umk(contract):
    assert contract["umk_value"] == Decimal("5380803707.15")


def test_contract_type(contract):
    assert contract["contract_type"] == "Gabungan Lumsum dan Harga Satuan"


def test_status(contract):
    assert contract["status"] == "Kontrak Sedang Berjalan"


def test_second_contract_value(contracts):
    assert contracts[1]["contract_value"] == Decimal("6528354560.19")


def test_second_contract_npwp(contracts):
    assert contracts[1]["npwp"] == "0761618958425000"


def test_second_contract_signed(contracts):
    assert contracts[1]["signed_on"] == dt.date(2025, 3, 21)


def test_purchase_code(purchase):
    assert purchase["code"] == "01K32QD12XPKKTQMJ6E33ADS47"


def test_purchase_rup(purchase):
    assert purchase["rup_codes"] == ["60608395"]


def test_purchase_name(purchase):
    assert purchase["name"] == (
        "Belanja Barang Pakai Habis Alat/Bahan untuk Kegiatan Kantor- Alat Tulis Kantor + Bahan Cetak"
    )


def test_purchase_year(purchase):
    assert purchase["fiscal_year"] == 2025


def test_purchase_agency_code(purchase):
    assert purchase["agency_code"] == "D107"


def test_purchase_agency(purchase):
    assert purchase["agency"] == "Kab. Bandung"


def test_purchase_agency_type(purchase):
    assert purchase["agency_type"] == "KABUPATEN"


def test_purchase_work_unit(purchase):
    assert purchase["work_unit"] == "BADAN KEPEGAWAIAN DAN PENGEMBANGAN SUMBER DAYA MANUSIA"


def test_purchase_work_unit_code(purchase):
    assert purchase["work_unit_code"] == "5.03.5.04.0.00.29.0000"


def test_purchase_provider_sikap(purchase):
    assert purchase["provider_id"] == "4186014"


def test_purchase_provider_v6(purchase):
    assert purchase["provider_v6_id"] == "01JHKT4BFAVEMPVFWSNK1BQ4F6"


def test_purchase_value(purchase):
    assert purchase["value"] == Decimal("28578060")


def test_purchase_shipping(purchase):
    assert purchase["shipping"] == Decimal("0")


def test_purchase_quantity(purchase):
    assert purchase["quantity"] == 2022


def test_purchase_products(purchase):
    assert purchase["products"] == 9


def test_purchase_ordered(purchase):
    assert purchase["ordered_on"] == dt.date(2025, 8, 27)


def test_purchase_status(purchase):
    assert purchase["status"] == "ON_PROCESS"


def test_purchase_delivery(purchase):
    assert purchase["delivery_status"] == "COMPLETED"


def test_purchase_funding(purchase):
    assert purchase["funding_source"] == "APBD"


def test_purchase_without_sikap_id(purchases):
    assert "provider_id" not in purchases[1]


def test_purchase_second_funding_apbdp(purchases):
    assert purchases[1]["funding_source"] == "APBDP"


def test_six_purchases(purchases):
    assert len(purchases) == 6


def test_api_envelope_next_cursor():
    body = b'{"success": true, "data": [1], "meta": {"limit": 1, "has_more": true, "cursor": "abc"}}'
    rows, cursor = parse_api_page(body)
    assert (rows, cursor) == ([1], "abc")


def test_api_envelope_last_page():
    body = b'{"success": true, "data": [], "meta": {"limit": 1, "has_more": false, "cursor": null}}'
    rows, cursor = parse_api_page(body)
    assert (rows, cursor) == ([], None)


def test_api_error_envelope():
    with pytest.raises(ParseError):
        parse_api_page(b'{"success": false, "message": "Invalid or missing API key"}')
