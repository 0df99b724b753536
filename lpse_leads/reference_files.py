"""The reference files users maintain — the branch table and the registry export — into the database.

Each file is read all-or-nothing (every bad row reported with its Excel row number) and then
stored in one transaction. The `branches` and `registry` commands and the `run` job share this,
so a file is validated and stored the same way whichever way it arrives.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from sqlalchemy import Engine

from leads.branches_file import BranchesFileError, read_branches
from leads.branches_store import BranchImportSummary, import_branches
from leads.registry_file import RegistryFileError, read_registry
from leads.registry_store import ImportSummary, import_registrations
from lpse_leads.errors import UserError
from pipeline.db import session_factory
from pipeline.writer import utcnow


class FileProblems(Protocol):
    """A file error that lists its bad rows (registry, branch table, officers' feedback)."""

    path: Path | str
    problems: list[tuple[int, str]]


def problems_error(exc: FileProblems) -> UserError:
    """One user error listing every problem of a file, one per line."""
    lines = "\n".join(f"  row {row}: {reason}" for row, reason in exc.problems)
    return UserError(f"{exc.path}: {len(exc.problems)} problem(s), nothing imported:\n{lines}")


def import_branches_file(
    engine: Engine, path: Path | str, *, replace: bool = False
) -> tuple[int, BranchImportSummary]:
    """Make the stored branch table equal to the file over the starter table (or alone: ``replace``);
    returns (branches in the file, what changed)."""
    try:
        rows = read_branches(path)
    except BranchesFileError as exc:
        raise problems_error(exc) from None
    if not rows:
        raise UserError(f"{path}: no branches in the file, nothing imported")
    with session_factory(engine).begin() as session:
        return len(rows), import_branches(session, rows, utcnow(), replace=replace)


def import_registry_file(
    engine: Engine, path: Path | str, mapping: Mapping[str, str] | None = None
) -> tuple[int, ImportSummary]:
    """Upsert a registry export; returns (rows in the file, what changed)."""
    try:
        rows = read_registry(path, mapping)
    except RegistryFileError as exc:
        raise problems_error(exc) from None
    with session_factory(engine).begin() as session:
        return len(rows), import_registrations(session, rows, utcnow())
