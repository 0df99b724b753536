"""The branch table users maintain: BPJS TK kantor cabang, their recipients and the kab/kota they serve.

No public list of branch coverage exists (bpjs-jakon-rules.md §8.3), so routing reads a table the
users keep as a CSV: ``branch_code, branch_name, kanwil, emails, kabkota_codes`` (the last two
``;``-separated). Kab/kota codes are Kemendagri dotted codes (``64.71``); the undotted BPS form
(``6471``) is accepted and normalised. The import is all-or-nothing with Excel row numbers.

Also here: the province → Kanwil table of all 38 provinces (``leads/data/kanwil_provinces.csv``).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from domain.regions import region_index
from leads.tabular import TableFileError, cell_text, iter_cells, map_columns, read_table

FIELDS: tuple[str, ...] = ("branch_code", "branch_name", "kanwil", "emails", "kabkota_codes")
HEADER_ALIASES: dict[str, str] = {
    **{f: f for f in FIELDS},
    "kode_cabang": "branch_code",
    "kantor_cabang": "branch_name",
    "nama_cabang": "branch_name",
    "email": "emails",
    "kode_kabkota": "kabkota_codes",
}
REQUIRED: tuple[str, ...] = ("branch_code", "branch_name", "kabkota_codes")

_EMAIL = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+"
)
_CODE = re.compile(r"(?P<p>\d{2})\.?(?P<k>\d{2})", re.ASCII)
_BRANCH_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}", re.ASCII)


@dataclass(frozen=True)
class BranchRow:
    """One branch office: its code, name, Kanwil, recipients and the kab/kota codes it serves."""

    branch_code: str
    branch_name: str
    kanwil: str | None
    emails: tuple[str, ...]
    kabkota_codes: tuple[str, ...]


class BranchesFileError(TableFileError):
    """A branch table with bad rows; ``problems`` is [(row, reason)] with Excel row numbers."""


def normalise_kabkota_code(text: str) -> str | None:
    """``64.71`` or ``6471`` → ``64.71``; None when the text is not a four-digit kab/kota code."""
    m = _CODE.fullmatch(text.strip())
    return None if m is None else f"{m['p']}.{m['k']}"


def _known_codes() -> frozenset[str]:
    """Every current kab/kota code of the master list."""
    return frozenset(k.code for k in region_index().all_kabkota())


def _split(text: str | None) -> list[str]:
    """A ``;``-separated cell as stripped, non-empty parts (commas tolerated)."""
    return [p.strip() for p in re.split(r"[;,]", text or "") if p.strip()]


def read_branches(path: str | Path, known: Callable[[], frozenset[str]] = _known_codes) -> list[BranchRow]:
    """All branches of a CSV/XLSX branch table, or BranchesFileError listing every bad row.

    Checked: required cells, branch code form, e-mail form, kab/kota codes exist (``known``),
    duplicate branch codes, and a kab/kota claimed by two branches (or twice by one).
    """
    try:
        table = read_table(path)
        columns = map_columns(path, table.header, HEADER_ALIASES, REQUIRED)
    except TableFileError as exc:
        raise BranchesFileError(path, exc.problems) from None
    valid = known()
    problems: list[tuple[int, str]] = []
    branches: list[BranchRow] = []
    seen_branch: dict[str, int] = {}
    claimed: dict[str, tuple[str, int]] = {}
    for number, cells in iter_cells(table, columns):
        text = {f: cell_text([cells.get(f)], 0) for f in FIELDS}
        before = len(problems)
        code = text["branch_code"]
        if code is None:
            problems.append((number, "branch_code is empty"))
        elif not _BRANCH_CODE.fullmatch(code):
            problems.append((number, f"branch_code {code!r}: use letters, digits, '-', '_' or '.' (max 40)"))
        elif code in seen_branch:
            problems.append((number, f"branch_code {code!r} already on row {seen_branch[code]}"))
        else:
            seen_branch[code] = number
        if text["branch_name"] is None:
            problems.append((number, "branch_name is empty"))
        emails = _split(text["emails"])
        problems.extend((number, f"bad e-mail address {e!r}") for e in emails if not _EMAIL.fullmatch(e))
        codes: list[str] = []
        raw_codes = _split(text["kabkota_codes"])
        if not raw_codes:
            problems.append((number, "kabkota_codes is empty"))
        for raw in raw_codes:
            kab = normalise_kabkota_code(raw)
            if kab is None or kab not in valid:
                problems.append((number, f"unknown kab/kota code {raw!r}"))
                continue
            owner = claimed.get(kab)
            if owner is not None:
                problems.append((number, f"kab/kota {kab} already claimed by {owner[0]} on row {owner[1]}"))
                continue
            claimed[kab] = (code or "?", number)
            codes.append(kab)
        if len(problems) == before:
            branches.append(
                BranchRow(
                    branch_code=code or "",
                    branch_name=text["branch_name"] or "",
                    kanwil=text["kanwil"],
                    emails=tuple(emails),
                    kabkota_codes=tuple(codes),
                )
            )
    if problems:
        raise BranchesFileError(path, problems)
    return branches


@dataclass(frozen=True)
class Kanwil:
    """A province's Kanwil; ``basis`` is ``confirmed`` (an office of it is known in the province) or
    ``inferred_from_name``."""

    name: str
    basis: str
    source: str = ""

    @property
    def verified(self) -> bool:
        """A source confirms it."""
        return self.basis == "confirmed"


@cache
def province_kanwil() -> dict[str, Kanwil]:
    """Province code → Kanwil for all 38 provinces, from ``leads/data/kanwil_provinces.csv``."""
    text = resources.files("leads").joinpath("data/kanwil_provinces.csv").read_text(encoding="utf-8")
    return {
        row["province_code"]: Kanwil(name=row["kanwil"], basis=row["basis"], source=row["source"])
        for row in csv.DictReader(text.splitlines())
    }


def example_table() -> Path:
    """Path of the example branch table (16 evidence branches, placeholder addresses) in the import format."""
    return Path(str(resources.files("leads").joinpath("data/branches_example.csv")))
