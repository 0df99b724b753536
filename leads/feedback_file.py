"""The feedback sheet officers fill in: ``site, code, status, note`` per lead (CSV or XLSX).

All-or-nothing like every import: unknown statuses, missing keys and duplicate (site, code) rows
are reported with Excel row numbers; whether each lead exists is checked against the database by
the command, also before anything is applied.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from leads.models import STATUSES
from leads.tabular import TableFileError, cell_text, iter_cells, map_columns, read_table

FIELDS: tuple[str, ...] = ("site", "code", "status", "note")
HEADER_ALIASES: dict[str, str] = {**{f: f for f in FIELDS}, "kode": "code", "catatan": "note"}


@dataclass(frozen=True)
class Feedback:
    """One officer's verdict on one lead; ``row`` is its Excel row number."""

    row: int
    site: str
    code: str
    status: str
    note: str | None


class FeedbackFileError(TableFileError):
    """A feedback file with bad rows; ``problems`` is [(row, reason)]."""


def read_feedback(path: str | Path) -> list[Feedback]:
    """Every row of a feedback file, or FeedbackFileError listing every bad row."""
    try:
        table = read_table(path)
        columns = map_columns(path, table.header, HEADER_ALIASES, ("site", "code", "status"))
    except TableFileError as exc:
        raise FeedbackFileError(path, exc.problems) from None
    problems: list[tuple[int, str]] = []
    seen: dict[tuple[str, str], int] = {}
    rows: list[Feedback] = []
    for number, cells in iter_cells(table, columns):
        text = {f: cell_text([cells.get(f)], 0) for f in FIELDS}
        before = len(problems)
        problems.extend((number, f"{f} is empty") for f in ("site", "code", "status") if text[f] is None)
        status = (text["status"] or "").strip().lower()
        if text["status"] is not None and status not in STATUSES:
            problems.append((number, f"status {text['status']!r} is not one of {', '.join(STATUSES)}"))
        key = ((text["site"] or "").rstrip("/"), text["code"] or "")
        if all(key) and key in seen:
            problems.append((number, f"lead {key[0]} {key[1]} already on row {seen[key]}"))
        seen.setdefault(key, number)
        if len(problems) == before:
            rows.append(Feedback(number, key[0], key[1], status, text["note"]))
    if problems:
        raise FeedbackFileError(path, problems)
    return rows
