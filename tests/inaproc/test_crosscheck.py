"""The realisation table as a cross-check, on the real sample (Kab. Aceh Tengah 2026, 662 rows): how
much construction flows through each channel (e-Katalog: none by jenis pengadaan), which construction
transactions the store lacks, and what the table saves against SPSE winner tabs."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from crawler.parsers.inaproc import parse_realisation_page
from dbschema import upgrade
from lpse_leads.cli import main
from pipeline.crosscheck import cross_check
from pipeline.db import make_engine
from pipeline.writer import PackageWriter
from tests.db.conftest import make_record
from tests.inaproc.captured import REALISATION, inaproc_file


@pytest.fixture(scope="module")
def rows():
    return parse_realisation_page(inaproc_file(REALISATION).read_bytes())


@pytest.fixture(scope="module")
def figures(rows):
    return cross_check(rows)


def cell(figures, channel, construction):
    found = figures.cells[(channel, construction)]
    return found.rows, found.value


def test_no_construction_through_ekatalog(figures):
    assert ("ekatalog", True) not in figures.cells


def test_ekatalog_rows_are_goods_and_services(figures):
    assert cell(figures, "ekatalog", False) == (144, Decimal("21390075420"))


def test_non_tender_construction(figures):
    assert cell(figures, "non_tender", True) == (449, Decimal("52125435605"))


def test_tender_construction(figures):
    assert cell(figures, "tender", True) == (54, Decimal("58827543573"))


def test_other_non_tender(figures):
    assert cell(figures, "non_tender", False) == (14, Decimal("1666372800"))


def test_other_tender(figures):
    assert cell(figures, "tender", False) == (1, Decimal("493686000"))


def test_table_costs_seven_requests(figures):
    assert figures.table_requests == 7


def test_winner_tabs_saved(figures):
    # 503 construction tender/non-tender rows, 7 tenders without a provider yet: 496 × 2 tabs
    assert figures.detail_requests_saved == 992


def test_missed_against_the_store(rows, db_url):
    engine = make_engine(db_url)
    upgrade(engine)
    PackageWriter(engine).write([(make_record(code="10863328000"), None), (make_record(code="99"), None)])
    with engine.connect() as connection:
        result = cross_check(rows, connection)
    engine.dispose()
    assert (result.stored, len(result.missed), "10863328000" in {m["code"] for m in result.missed}) == (
        1,
        502,
        False,
    )


def test_command_json(capsys, tmp_path):
    assert main(["sources", "crosscheck", "--no-db", "--json", str(inaproc_file(REALISATION))]) == 0
    data = json.loads(capsys.readouterr().out)
    ekatalog = [c for c in data["channels"] if c["channel"] == "ekatalog"]
    assert ekatalog == [{"channel": "ekatalog", "construction": False, "rows": 144, "value": "21390075420"}]
