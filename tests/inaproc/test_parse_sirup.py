"""SiRUP `caripaketctr/search` record (Provinsi Gorontalo, 2026): every field, values read off the file."""

from decimal import Decimal

import pytest

from crawler.parsers.errors import ParseError
from crawler.parsers.inaproc import (
    load_json,
    parse_sirup_page,
    parse_sirup_plan,
    planned_month,
    sirup_location_query,
)
from domain.regions import region_index
from tests.inaproc.captured import SIRUP_RECORD, inaproc_file


@pytest.fixture(scope="module")
def plan():
    return parse_sirup_plan(load_json(inaproc_file(SIRUP_RECORD).read_bytes()))


def test_rup_code(plan):
    assert plan["rup_code"] == "62466015"


def test_name(plan):
    assert plan["name"] == "Pengadaan Bahan-Bahan Bangunan dan Konstruksi (Bahan Baku Bangunan)"


def test_pagu_exact(plan):
    assert plan["budget_value"] == Decimal("45553000")


def test_category(plan):
    assert plan["category"] == "Barang"


def test_category_id(plan):
    assert plan["category_id"] == "1"


def test_method(plan):
    assert plan["method"] == "Pengadaan Langsung"


def test_method_id(plan):
    assert plan["method_id"] == "8"


def test_funding_source(plan):
    assert plan["funding_source"] == "APBD"


def test_agency(plan):
    assert plan["agency"] == "Provinsi Gorontalo"


def test_agency_code(plan):
    assert plan["agency_code"] == "D76"


def test_work_unit(plan):
    assert plan["work_unit"] == "Badan Perencanaan Pembangunan Daerah"


def test_work_unit_id(plan):
    assert plan["work_unit_id"] == "415091"


def test_location_as_shown(plan):
    assert plan["location"] == "Gorontalo, Gorontalo (Kota)"


def test_location_ids(plan):
    assert plan["location_ids"] == ["15052"]


def test_planned_month(plan):
    assert plan["planned_month"] == "2026-01"


def test_pdn_flag(plan):
    assert plan["domestic"] is True


def test_umk_flag(plan):
    assert plan["small_business"] is True


def test_location_resolves_to_kota_gorontalo(plan):
    match = region_index().resolve(sirup_location_query(plan["location"]), plan["agency"])
    assert (match.kabkota_code, match.confidence) == ("75.71", "suffix")


def test_no_other_keys(plan):
    assert set(plan) == {
        "rup_code", "name", "budget_value", "category", "category_id", "method", "method_id",
        "funding_source", "agency", "agency_code", "work_unit", "work_unit_id", "location",
        "location_ids", "planned_month", "domestic", "small_business",
    }  # fmt: skip


def test_page_envelope():
    record = inaproc_file(SIRUP_RECORD).read_text(encoding="utf-8")
    total, plans = parse_sirup_page('{"draw": 1, "recordsFiltered": 3210751, "data": [' + record + "]}")
    assert (total, [p["rup_code"] for p in plans]) == (3210751, ["62466015"])


@pytest.mark.parametrize("text", ["Januari 2026", "2026-01", "January"])
def test_unreadable_month_is_an_error(text):
    with pytest.raises(ParseError):
        planned_month(text)


def test_record_without_id_is_an_error():
    with pytest.raises(ParseError, match="id"):
        parse_sirup_plan({"paket": "x"})
