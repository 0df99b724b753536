"""data.inaproc.id realisation rows (Kab. Aceh Tengah 2026, 662 rows): one assertion per field of
four hand-checked rows (non-tender construction, e-Katalog goods, tender without a provider yet,
several RUP codes), and the whole file parses."""

from decimal import Decimal

import pytest

from crawler.parsers.errors import ParseError
from crawler.parsers.inaproc import parse_realisation_page, parse_realisation_row, transaction_is_construction
from tests.inaproc.captured import REALISATION, inaproc_file


@pytest.fixture(scope="module")
def rows():
    return parse_realisation_page(inaproc_file(REALISATION).read_bytes())


@pytest.fixture(scope="module")
def nontender(rows):
    return rows[0]


@pytest.fixture(scope="module")
def ekatalog(rows):
    return rows[1]


def test_all_rows_parse(rows):
    assert len(rows) == 662


def test_code(nontender):
    assert nontender["code"] == "10863328000"


def test_channel(nontender):
    assert nontender["channel"] == "non_tender"


def test_rup_codes(nontender):
    assert nontender["rup_codes"] == ["65615251"]


def test_name(nontender):
    assert nontender["name"] == "Rabat Beton Ruas II Kampung Blang Kolak II Kec. Bebesen"


def test_agency(nontender):
    assert nontender["agency"] == "KAB. ACEH TENGAH"


def test_work_unit_name(nontender):
    assert nontender["work_unit"] == "DINAS PERUMAHAN DAN PERMUKIMAN"


def test_work_unit_code(nontender):
    assert nontender["work_unit_code"] == "1.04.1.03.0.00.01.0000"


def test_fiscal_year(nontender):
    assert nontender["fiscal_year"] == 2026


def test_category(nontender):
    assert nontender["category"] == "Pekerjaan Konstruksi"


def test_method(nontender):
    assert nontender["method"] == "Pengadaan Langsung"


def test_stage(nontender):
    assert nontender["stage"] == "Pemilihan Selesai"


def test_status(nontender):
    assert nontender["status"] == "SELESAI"


def test_provider(nontender):
    assert nontender["provider_name"] == "CV. FAJAR LESTARI"


def test_value_exact(nontender):
    assert nontender["value"] == Decimal("94553401")


def test_pdn(nontender):
    assert nontender["pdn_value"] == Decimal("94553401")


def test_umk(nontender):
    assert nontender["umk_value"] == Decimal("94553401")


def test_funding(nontender):
    assert nontender["funding_source"] == "APBD"


def test_construction(nontender):
    assert transaction_is_construction(nontender) is True


def test_ekatalog_code_is_26_characters(ekatalog):
    assert ekatalog["code"] == "01KYW5M5Y8K5ZDNXRA29X56SRE"


def test_ekatalog_channel(ekatalog):
    assert ekatalog["channel"] == "ekatalog"


def test_ekatalog_method(ekatalog):
    assert ekatalog["method"] == "E-Purchasing"


def test_ekatalog_name_trailing_space_collapsed(ekatalog):
    assert ekatalog["name"] == "Belanja Obat Obatan"


def test_ekatalog_null_umk_absent(ekatalog):
    assert "umk_value" not in ekatalog


def test_ekatalog_work_unit_code(ekatalog):
    assert ekatalog["work_unit_code"] == "1.02.0.00.0.00.01.0001"


def test_ekatalog_goods_not_construction(ekatalog):
    assert transaction_is_construction(ekatalog) is False


def test_unknown_provider_absent(rows):
    assert "provider_name" not in rows[25]


def test_unknown_provider_row_is_a_tender(rows):
    assert (rows[25]["code"], rows[25]["channel"]) == ("10167399000", "tender")


def test_unknown_provider_row_value(rows):
    assert rows[25]["value"] == Decimal("1250000000")


def test_several_rup_codes(rows):
    assert rows[96]["rup_codes"] == ["67386362", "67386409", "67386463"]


def test_envelope():
    page = parse_realisation_page(b'{"tableRows": []}')
    assert page == []


def test_unknown_channel_is_an_error():
    with pytest.raises(ParseError, match="sumber_transaksi"):
        parse_realisation_row({"kode_paket": "1", "nama_paket": "x", "sumber_transaksi": "Swakelola"})


def test_float_amount_from_text_is_exact():
    row = parse_realisation_page(
        b'[{"kode_paket": "1", "nama_paket": "x", "sumber_transaksi": "Tender",'
        b' "total_nilai": 5380803707.15}]'
    )
    assert row[0]["value"] == Decimal("5380803707.15")
