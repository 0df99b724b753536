"""Reading the spreadsheets users hand us (registry exports, branch tables, officer feedback).

Users keep these files in Excel or export them as CSV; every reader must accept both, map the
headers the user wrote to our field names, and report ALL bad rows at once with the row number the
user sees in Excel (header = row 1), so one round of fixing is enough. Nothing is imported unless
the whole file is good: the readers collect problems and raise one ``TableFileError``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

_HEADER_SPACES = re.compile(r"[\s_\-]+")


class TableFileError(ValueError):
    """A file with problems; ``problems`` lists (row number as in Excel, reason), header = row 1."""

    def __init__(self, path: str | Path, problems: Sequence[tuple[int, str]]) -> None:
        self.path = str(path)
        self.problems: list[tuple[int, str]] = sorted(problems)
        shown = "; ".join(f"row {row}: {reason}" for row, reason in self.problems[:50])
        more = f" (and {len(self.problems) - 50} more)" if len(self.problems) > 50 else ""
        super().__init__(f"{self.path}: {len(self.problems)} problem(s), nothing imported: {shown}{more}")


@dataclass(frozen=True)
class Table:
    """A file's header and its data rows, each with its Excel row number; cells are str, number or date."""

    header: list[str]
    rows: list[tuple[int, list[object]]]


def header_key(text: object) -> str:
    """A header compared loosely: case, outer spaces and space/underscore/hyphen differences ignored."""
    return _HEADER_SPACES.sub("_", str(text or "").strip().lower()).strip("_")


def _blank(cells: Sequence[object]) -> bool:
    """True when every cell of a row is empty (trailing rows Excel keeps after deletions)."""
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _read_csv(data: bytes) -> list[list[object]]:
    """CSV rows; UTF-8 (BOM or not), else cp1252 (Excel on Windows); ``;`` or ``,`` separated."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def _read_xlsx(path: Path) -> list[list[object]]:
    """Rows of the first worksheet, values as openpyxl gives them (str, int, float, datetime)."""
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def read_table(path: str | Path) -> Table:
    """Read a CSV or XLSX file (by suffix) into header + numbered non-blank rows.

    A missing file or an unreadable workbook is a one-problem TableFileError at row 1.
    """
    path = Path(path)
    try:
        raw = _read_xlsx(path) if path.suffix.lower() in (".xlsx", ".xlsm") else _read_csv(path.read_bytes())
    except FileNotFoundError:
        raise TableFileError(path, [(1, "file not found")]) from None
    except (OSError, ValueError, KeyError) as exc:  # openpyxl raises these for non-workbooks
        raise TableFileError(path, [(1, f"cannot read the file: {exc}")]) from None
    if not raw:
        raise TableFileError(path, [(1, "the file is empty (no header row)")])
    header = [str(c).strip() if c is not None else "" for c in raw[0]]
    rows = [(number, cells) for number, cells in enumerate(raw[1:], start=2) if not _blank(cells)]
    return Table(header=header, rows=rows)


def map_columns(
    path: str | Path,
    header: Sequence[str],
    aliases: Mapping[str, str],
    required: Sequence[str],
    mapping: Mapping[str, str] | None = None,
) -> dict[str, int]:
    """Field name → column index, from our names, accepted aliases and the user's own mapping.

    ``aliases`` maps accepted header spellings (already ``header_key``-ed) to field names; the user's
    ``mapping`` ({"Their Header": "field"}) wins over both. Unknown extra columns are ignored; a
    missing required field or two columns for one field is a TableFileError at row 1.
    """
    fields = set(aliases.values())
    user = {header_key(k): v for k, v in (mapping or {}).items()}
    problems: list[tuple[int, str]] = []
    for their, field in (mapping or {}).items():
        if field not in fields:
            problems.append(
                (1, f"mapping {their!r} → {field!r}: unknown field (known: {', '.join(sorted(fields))})")
            )
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        key = header_key(name)
        field = user.get(key) or aliases.get(key)
        if field is None or field not in fields:
            continue
        if field in found:
            problems.append((1, f"two columns for {field!r}: {header[found[field]]!r} and {name!r}"))
            continue
        found[field] = index
    for field in required:
        if field not in found:
            problems.append((1, f"required column {field!r} is missing"))
    if problems:
        raise TableFileError(path, problems)
    return found


def cell_text(cells: Sequence[object], index: int | None) -> str | None:
    """The cell as stripped text (numbers written without a spurious ``.0``); None when empty or absent."""
    if index is None or index >= len(cells):
        return None
    value = cells[index]
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def iter_cells(table: Table, columns: Mapping[str, int]) -> Iterator[tuple[int, dict[str, object]]]:
    """Each row as (row number, {field: raw cell or None}) for the mapped columns."""
    for number, cells in table.rows:
        yield number, {field: (cells[i] if i < len(cells) else None) for field, i in columns.items()}
