"""Read a BPJS TK registry export (projects already registered for Jasa Konstruksi) into checked rows.

Registration status cannot be read from public data (bpjs-jakon-rules.md §10); officers export what
their system knows and we match it against packages. Exports come from different tools, so headers
may be ours, Indonesian, or anything with a user mapping; money and dates come in Indonesian forms.
The import is all-or-nothing: every bad row is reported with its Excel row number and nothing is
returned unless the whole file is good.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from domain.dates import parse_id_date
from domain.money import parse_rupiah
from domain.npwp import normalise_npwp
from domain.text import clean_text
from leads.tabular import TableFileError, cell_text, header_key, iter_cells, map_columns, read_table

FIELDS: tuple[str, ...] = (
    "registration_no",
    "project_name",
    "contractor_name",
    "npwp",
    "npp",
    "contract_value",
    "location",
    "registered_on",
    "tender_code",
)
REQUIRED: tuple[str, ...] = ("registration_no", "project_name")

#: Accepted header spellings (compared with ``header_key``) → field.
HEADER_ALIASES: dict[str, str] = {
    **{f: f for f in FIELDS},
    "no_registrasi": "registration_no",
    "nomor_registrasi": "registration_no",
    "nama_proyek": "project_name",
    "nama_kontraktor": "contractor_name",
    "nilai_kontrak": "contract_value",
    "lokasi": "location",
    "tgl_daftar": "registered_on",
    "tanggal_daftar": "registered_on",
    "kode_tender": "tender_code",
}

_PLAIN_DECIMAL = re.compile(r"\d+\.\d{1,2}", re.ASCII)
_COMMA_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?", re.ASCII)
_DMY = re.compile(r"(?P<d>\d{1,2})[/.\-](?P<m>\d{1,2})[/.\-](?P<y>\d{4})", re.ASCII)
_YEAR_MIN, _YEAR_MAX = 2000, 2100


@dataclass(frozen=True, slots=True)
class Registration:
    """One registered project; absent facts are None. NPWP is normalised (digits or mask)."""

    registration_no: str
    project_name: str
    contractor_name: str | None = None
    npwp: str | None = None
    npp: str | None = None
    contract_value: Decimal | None = None
    location: str | None = None
    registered_on: dt.date | None = None
    tender_code: str | None = None


class RegistryFileError(TableFileError):
    """A registry file with bad rows; ``problems`` is [(row, reason)] with Excel row numbers."""


def parse_money(value: object) -> Decimal | None:
    """Rupiah from a cell: ``Rp1.234.567,00``, ``1.234.567``, ``1234567``, ``1234567.50``, numbers.

    None for an empty cell; ValueError for anything else or a negative amount.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"not an amount: {value!r}")
    if isinstance(value, int | float | Decimal):
        amount = Decimal(str(value))
    else:
        text = clean_text(str(value)).replace(" ", "")
        if not text:
            return None
        if _PLAIN_DECIMAL.fullmatch(text):
            amount = Decimal(text)
        elif _COMMA_THOUSANDS.fullmatch(text):
            amount = Decimal(text.replace(",", ""))
        else:
            parsed = parse_rupiah(text)
            if parsed is None:
                return None
            amount = parsed
    try:
        if not amount.is_finite() or amount < 0:
            raise ValueError(f"not a non-negative amount: {value!r}")
    except InvalidOperation:
        raise ValueError(f"not an amount: {value!r}") from None
    return amount


def parse_date(value: object) -> dt.date | None:
    """A date from a cell: ``2026-03-01``, ``01/03/2026`` (day first), ``1 Maret 2026``, an Excel date."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = clean_text(str(value))
    if not text:
        return None
    m = _DMY.fullmatch(text)
    if m is not None:
        day = dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
    else:
        try:
            day = dt.date.fromisoformat(text[:10]) if re.match(r"\d{4}-", text) else parse_id_date(text)
        except ValueError:
            raise ValueError(f"not a date (use 2026-03-01, 01/03/2026 or 1 Maret 2026): {text!r}") from None
    if day is None:
        return None
    if not _YEAR_MIN <= day.year <= _YEAR_MAX:
        raise ValueError(f"implausible year in date {text!r}")
    return day


def _row(number: int, cells: Mapping[str, object], problems: list[tuple[int, str]]) -> Registration | None:
    """One checked Registration, or None after appending this row's problems."""
    before = len(problems)
    text = {f: cell_text([cells.get(f)], 0) for f in FIELDS}
    for field in REQUIRED:
        if text[field] is None:
            problems.append((number, f"{field} is empty"))
    npwp = None
    if text["npwp"] is not None:
        try:
            npwp = normalise_npwp(text["npwp"])
        except ValueError:
            problems.append((number, f"npwp {text['npwp']!r} is not a 15/16-digit or masked NPWP"))
    value = None
    try:
        value = parse_money(cells.get("contract_value"))
    except ValueError:
        problems.append((number, f"contract_value {text['contract_value']!r} is not a rupiah amount"))
    registered_on = None
    try:
        registered_on = parse_date(cells.get("registered_on"))
    except ValueError as exc:
        problems.append((number, f"registered_on: {exc}"))
    if len(problems) > before:
        return None
    return Registration(
        registration_no=clean_text(text["registration_no"] or ""),
        project_name=clean_text(text["project_name"] or ""),
        contractor_name=clean_text(text["contractor_name"]) if text["contractor_name"] else None,
        npwp=npwp,
        npp=text["npp"],
        contract_value=value,
        location=clean_text(text["location"]) if text["location"] else None,
        registered_on=registered_on,
        tender_code=text["tender_code"],
    )


def read_registry(path: str | Path, mapping: Mapping[str, str] | None = None) -> list[Registration]:
    """All registrations in a CSV/XLSX export, or RegistryFileError listing every bad row.

    ``mapping`` maps the user's own headers to field names (``{"No. Reg": "registration_no"}``).
    A registration_no appearing twice is an error on the later row.
    """
    try:
        table = read_table(path)
        columns = map_columns(path, table.header, HEADER_ALIASES, REQUIRED, mapping)
    except TableFileError as exc:
        raise RegistryFileError(path, exc.problems) from None
    problems: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    rows: list[Registration] = []
    for number, cells in iter_cells(table, columns):
        registration = _row(number, cells, problems)
        if registration is None:
            continue
        first = seen.setdefault(registration.registration_no, number)
        if first != number:
            problems.append(
                (number, f"registration_no {registration.registration_no!r} already on row {first}")
            )
            continue
        rows.append(registration)
    if problems:
        raise RegistryFileError(path, problems)
    return rows


__all__ = ["FIELDS", "HEADER_ALIASES", "Registration", "RegistryFileError", "header_key", "read_registry"]
