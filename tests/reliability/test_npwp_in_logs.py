"""NPWPs reach logs only partly masked: one helper (`domain.npwp.mask_npwp_for_log`) on every path.

Paths checked: the masking itself; normalise_npwp's error text (it becomes a ParseError, then a
"package not yielded" warning); the validate pipeline's drop reason; Scrapy's item log lines
(scraped / dropped / error), which by default dump the whole item; database errors, which by
default quote the bound values.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from crawler.items import PackageItem
from crawler.logformatter import LpseLogFormatter
from crawler.settings import LOG_FORMATTER
from crawler.spiders.spse import SpseSpider
from dbschema import upgrade
from domain.npwp import mask_npwp_for_log, normalise_npwp
from pipeline.db import make_engine
from pipeline.models import PackageWinner
from pipeline.validate import ValidatePipeline

SITE = "http://127.0.0.1:8081/kemkes"
#: A run of 6+ digits in a row that is not the kode paket: an NPWP (or most of one) in clear.
_DIGIT_RUN = re.compile(r"\d{6,}")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("015448632009000", "01**********000"),
        ("0154486320090001", "01***********001"),
        ("01.544.863.2-009.000", "01.***.***.*-***.000"),
        ("01 544 863 2 009 000", "01 *** *** * *** 000"),
        ("07*3**1****01**0", "07*************0"),
        ("npwp='015448632009000' (PT A)", "npwp='01**********000' (PT A)"),
        ("kode 10102453000, Rp 125.398.000.000,00, 2026-02-06T16:05:00+07:00", None),
        ("15448632009000", "15*********000"),
        ("12345", None),
        ("", None),
    ],
)
def test_mask_npwp_for_log_keeps_the_first_two_and_last_three_digits(text, expected):
    assert mask_npwp_for_log(text) == (text if expected is None else expected)


def test_an_unreadable_npwp_is_masked_in_the_error_message():
    with pytest.raises(ValueError) as caught:
        normalise_npwp("01.544.863.2-009.00012")
    assert "01.***.***.*-***.**012" in str(caught.value)
    assert "544" not in str(caught.value)


def package(**values: Any) -> PackageItem:
    winner = {"name": "Budi Santoso", "address": "Jl. Melati 5", "npwp": "01.544.863.2-009.000"}
    base: dict[str, Any] = {
        "site": SITE,
        "list": "tender",
        "code": "10102453000",
        "name": "Pembangunan Jembatan",
        "winners": [winner],
        "contract_winners": [{**winner, "contract_value": Decimal("5000000.00")}],
    }
    return PackageItem(**{**base, **values})


def rendered(result: Any) -> str:
    """A LogFormatter result as the log line Scrapy writes."""
    return result["msg"] % result["args"]


def assert_no_npwp_or_person(line: str) -> None:
    assert [run for run in _DIGIT_RUN.findall(line) if run != "10102453000"] == []
    assert "544" not in line and "863" not in line
    assert "Budi" not in line and "Melati" not in line


@pytest.fixture
def crawler():
    crawler = get_crawler(SpseSpider, {"LOG_FORMATTER": LOG_FORMATTER})
    crawler.spider = SpseSpider.from_crawler(crawler, site=SITE, year=2026)
    return crawler


def test_the_crawl_uses_the_masking_log_formatter(crawler):
    assert isinstance(crawler.logformatter, LpseLogFormatter)


def test_a_dropped_item_logs_its_key_and_masked_reason_not_the_item(crawler):
    bad = package(winners=[{"name": "Budi Santoso", "npwp": "01.544.863.2-009.00012"}])
    with pytest.raises(DropItem) as caught:
        ValidatePipeline(crawler).process_item(bad)
    assert "01.***.***.*-***.**012" in str(caught.value)
    line = rendered(crawler.logformatter.dropped(bad, caught.value, None, crawler.spider))
    assert line.startswith(f"Dropped package {SITE} 10102453000: bad_winners")
    assert_no_npwp_or_person(line)


def test_scraped_and_failed_items_are_named_by_key_only(crawler):
    item = package()
    scraped = rendered(crawler.logformatter.scraped(item, None, crawler.spider))
    failed = rendered(crawler.logformatter.item_error(item, RuntimeError("x"), None, crawler.spider))
    assert scraped == f"Scraped package {SITE} 10102453000 from start"
    assert failed == f"Error processing package {SITE} 10102453000"


def test_a_database_error_does_not_quote_the_npwp_it_was_given(db_url):
    engine = make_engine(db_url)
    upgrade(engine)
    row = {"package_id": 999999, "kind": "winner", "position": 0, "name": "Budi", "npwp": "015448632009000"}
    with pytest.raises(IntegrityError) as caught, engine.begin() as connection:
        connection.execute(insert(PackageWinner), [row])
    engine.dispose()
    assert "015448632009000" not in str(caught.value)
    assert "hidden due to hide_parameters" in str(caught.value)
