"""Writing lead rows for people: CSV, XLSX and JSON lines, with spreadsheet formulas neutralised.

A cell whose text starts with ``=``, ``+``, ``-``, ``@`` (or a tab / carriage return) is run as a
formula by Excel and LibreOffice; package names and contractor names come from public web pages,
so such text is prefixed with ``'`` (OWASP "CSV injection"). ``safe_cell`` (defined once, in
``pipeline.export``, re-exported here) is the one place that does it; the digest uses it too.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from domain.jsonio import to_json
from pipeline.export import FORMULA_STARTS, safe_cell

__all__ = ["FORMULA_STARTS", "safe_cell", "write_csv", "write_jsonl", "write_xlsx"]


def _csv_text(value: Any) -> str:
    """A cell as CSV text: exact money, ISO dates, empty for None, formulas neutralised."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(safe_cell(value))


def write_csv(stream: IO[str], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Header + rows as CSV on ``stream``; returns the number of rows."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(columns)
    count = 0
    for row in rows:
        writer.writerow([_csv_text(v) for v in row])
        count += 1
    return count


def write_jsonl(stream: IO[str], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """One JSON object per row (money as exact numbers, dates ISO); no neutralising: JSON is not a sheet."""
    count = 0
    for row in rows:
        stream.write(to_json(dict(zip(columns, row, strict=True))) + "\n")
        count += 1
    return count


def write_xlsx(
    path: str | Path, columns: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet: str = "leads"
) -> int:
    """An XLSX workbook with one sheet: header + rows (numbers and dates typed, text neutralised)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet)
    ws.append(list(columns))
    count = 0
    for row in rows:
        ws.append([safe_cell(v) for v in row])
        count += 1
    book.save(path)
    return count
