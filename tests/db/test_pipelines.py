"""The item-pipeline chain before the store: validate (drops with a counted reason), normalise, dedup."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from crawler.items import ListSeenItem, PackageItem
from crawler.settings import ITEM_PIPELINES
from pipeline.dedup import DeduplicatePipeline
from pipeline.normalise import NormalisePipeline
from pipeline.validate import ValidatePipeline

SITE = "http://127.0.0.1:8081/kemkes"


def item(**values) -> PackageItem:
    base = {"site": SITE, "list": "tender", "code": "1", "name": "Pembangunan Jembatan"}
    return PackageItem(**{**base, **values})


@pytest.fixture
def crawler():
    return get_crawler()


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"code": ""}, "missing_code"),
        ({"site": "  "}, "missing_site"),
        ({"name": None}, "missing_name"),
        ({"budget_value": "Rp 1.000"}, "bad_budget_value"),
        ({"estimate_value": Decimal("-5")}, "bad_estimate_value"),
        ({"contract_value": Decimal("1.005")}, "bad_contract_value"),
        ({"fiscal_year": "2025/2026"}, "bad_fiscal_year"),
        ({"stages": [{"start": "2026-01-01"}]}, "bad_stages"),
        ({"winners": [{"name": "PT A", "offer_value": "banyak"}]}, "bad_winners"),
        ({"contract_winners": [{"name": "PT A", "npwp": "12345"}]}, "bad_contract_winners"),
    ],
)
def test_a_bad_item_is_dropped_with_its_reason_counted(crawler, values, reason):
    pipeline = ValidatePipeline.from_crawler(crawler)
    with pytest.raises(DropItem, match=reason):
        pipeline.process_item(item(**values))
    assert crawler.stats.get_value(f"lpse/drop/{reason}") == 1


def test_a_good_item_passes_validation_untouched(crawler):
    good = item(budget_value=Decimal("787406000.00"), fiscal_year=2025)
    assert ValidatePipeline.from_crawler(crawler).process_item(good) is good
    assert not [k for k in crawler.stats.get_stats() if k.startswith("lpse/drop/")]


def test_normalise_brings_values_to_their_stored_form(crawler):
    raw = item(
        site=SITE + "/",
        agency="  Kementerian Kesehatan ",
        work_unit="",
        budget_value="787406000.00",
        fiscal_year="2025",
        stages=[{"name": "Pengumuman", "start": dt.date(2026, 1, 2), "end": None}],
        winners=[{"name": "PT A ", "npwp": "01.544.863.2-009.000", "offer_value": "100", "address": None}],
    )
    out = NormalisePipeline.from_crawler(crawler).process_item(raw)
    assert out.site == SITE
    assert out.agency == "Kementerian Kesehatan"
    assert out.work_unit is None
    assert out.budget_value == Decimal("787406000.00")
    assert out.fiscal_year == 2025
    assert out.stages == [{"name": "Pengumuman", "start": "2026-01-02"}]
    assert out.winners == [{"name": "PT A", "npwp": "015448632009000", "offer_value": Decimal("100")}]


def test_a_package_seen_twice_in_one_crawl_is_dropped_once_counted(crawler):
    pipeline = DeduplicatePipeline.from_crawler(crawler)
    pipeline.process_item(item())
    pipeline.process_item(ListSeenItem(site=SITE, list="tender", code="1", fingerprint="f"))
    with pytest.raises(DropItem, match="duplicate"):
        pipeline.process_item(item(list="darurat"))
    assert crawler.stats.get_value("lpse/drop/duplicate") == 1


def test_the_chain_is_numbered_validate_normalise_dedup_store():
    assert sorted(ITEM_PIPELINES, key=ITEM_PIPELINES.get) == [
        "pipeline.validate.ValidatePipeline",
        "pipeline.normalise.NormalisePipeline",
        "pipeline.dedup.DeduplicatePipeline",
        "pipeline.store.StorePipeline",
    ]
    assert sorted(ITEM_PIPELINES.values()) == [100, 200, 300, 400]
