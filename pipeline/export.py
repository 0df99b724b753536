"""Export the current state of packages as records (JSON lines) or flat CSV rows.

Records are rebuilt from the tables (`pipeline.rebuild`), so the JSON-lines export compares
equal to the crawl's `--jsonl` output and to the fake SPSE's truth. CSV flattens lists with
`;` and neutralises cells a spreadsheet would run as a formula.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from typing import Any, TextIO

from sqlalchemy import Engine

from domain.jsonio import dumps_record
from pipeline.models import Package, Site
from pipeline.rebuild import package_query, rebuild_records
from pipeline.record import SCALAR_FIELDS, STAGE_FIELDS, WINNER_FIELDS, Record, value_text

_PAGE = 1000
#: First characters that make Excel / LibreOffice read a cell as a formula.
FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")

CSV_COLUMNS = (
    "site",
    "code",
    *SCALAR_FIELDS,
    "flags",
    "locations",
    *(f"winner_{k}" for k in WINNER_FIELDS),
    *(f"contract_winner_{k}" for k in WINNER_FIELDS),
    "stages",
)


def iter_records(
    engine: Engine, *, site: str | None = None, since: dt.datetime | None = None
) -> Iterator[Record]:
    """Current records ordered by (site, code), read in pages; `since` keeps packages changed since then."""
    last: tuple[str, str] | None = None
    while True:
        query = package_query().order_by(Site.url, Package.code).limit(_PAGE)
        if site is not None:
            query = query.where(Site.url == site.rstrip("/"))
        if since is not None:
            query = query.where(Package.last_changed >= since)
        if last is not None:
            query = query.where((Site.url > last[0]) | ((Site.url == last[0]) & (Package.code > last[1])))
        with engine.connect() as connection:
            rows = list(connection.execute(query))
            records = rebuild_records(connection, rows)
        if not rows:
            return
        for row in rows:
            yield records[row.id]
        last = (rows[-1].site, rows[-1].code)


def write_jsonl(records: Iterator[Record], out: TextIO) -> int:
    """One record per line (domain.jsonio); returns the count."""
    count = 0
    for record in records:
        out.write(dumps_record(record) + "\n")
        count += 1
    return count


def safe_cell(value: Any) -> Any:
    """`value` unchanged, except text a spreadsheet would run as a formula gets a leading `'`.

    The one implementation (OWASP "CSV injection"): text from SPSE pages or imported files that
    starts with `=`, `+`, `-`, `@`, a tab or a carriage return. Numbers and dates stay typed
    (XLSX cells); `leads.export` and the digest's attachment use this function.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _cell_text(value: Any) -> str:
    """A flat CSV cell: the value as text (empty for None), neutralised."""
    return safe_cell("" if value is None else value_text(value) or "")


def _joined(values: list[Any]) -> str:
    """`;`-joined list cell."""
    return ";".join("" if v is None else (value_text(v) or "") for v in values)


def csv_row(record: Record) -> list[str]:
    """The flat CSV row of a record (winner columns list every winner, `;`-joined)."""
    row: dict[str, Any] = {k: record.get(k) for k in ("site", "code", *SCALAR_FIELDS)}
    row["flags"] = _joined(record["flags"])
    row["locations"] = _joined(record["locations"])
    for prefix, key in (("winner_", "winners"), ("contract_winner_", "contract_winners")):
        for field in WINNER_FIELDS:
            row[prefix + field] = _joined([w.get(field) for w in record[key]])
    row["stages"] = _joined(["|".join(s.get(k) or "" for k in STAGE_FIELDS) for s in record["stages"]])
    return [_cell_text(row[c]) for c in CSV_COLUMNS]


def write_csv(records: Iterator[Record], out: TextIO) -> int:
    """A header row then one row per record; returns the count."""
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    count = 0
    for record in records:
        writer.writerow(csv_row(record))
        count += 1
    return count
