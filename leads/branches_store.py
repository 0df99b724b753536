"""Store the branch table: the users' imported table over the national starter table.

The stored table is two layers in one: the imported file (``origin = import``) and, under it, the
starter table from public evidence (``origin = starter``, ``leads.starter``). The file always wins
for the kab/kota it lists; the starter table routes the others, unless the file was imported with
``replace`` (then the starter rows are dropped and stay dropped until an import without it).

An import makes the imported layer equal to the file (branches absent from it are removed, every
kab/kota assignment replaced); rows that did not change are left alone. ``ensure_starter`` brings
the starter layer in line with the installed package (a fresh database gets it at its first
build, an upgrade its new rows). Leads keep their branch code as text, so the next ``leads build``
re-routes them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.orm import Session

from leads.branches_file import BranchRow
from leads.models import Branch, BranchKabkota
from leads.starter import starter_branches, starter_routes

IMPORT = "import"
STARTER = "starter"


@dataclass
class BranchImportSummary:
    """Counts of one branch table import (``starter_kabkota``: kab/kota the starter table still routes)."""

    inserted: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    kabkota: int = 0
    starter_kabkota: int = 0


@dataclass(frozen=True)
class _Target:
    """One wanted branch_kabkota row."""

    branch_code: str
    origin: str
    route_basis: str
    distance_km: float | None


def import_branches(
    session: Session, rows: Sequence[BranchRow], now: dt.datetime, *, replace: bool = False
) -> BranchImportSummary:
    """Make the stored table equal to ``rows`` (validated by ``read_branches``) over the starter table,
    or to ``rows`` alone when ``replace``."""
    return _apply(session.connection(), rows, now, starter=not replace)


def ensure_starter(session: Session, now: dt.datetime) -> BranchImportSummary | None:
    """Bring the starter layer in line with the package, unless an import replaced it (then None).

    Replaced means: imported branches and no starter branch stored. A fresh database (no branches
    at all) gets the whole starter table.
    """
    connection = session.connection()
    origins = set(connection.scalars(select(Branch.origin).distinct()))
    if IMPORT in origins and STARTER not in origins:
        return None
    return _apply(connection, _stored_import(connection), now, starter=True)


def _stored_import(connection: Connection) -> list[BranchRow]:
    """The imported layer as stored, in the form of the file's rows."""
    kabkota: dict[str, list[str]] = {}
    for kab, branch in connection.execute(
        select(BranchKabkota.kabkota_code, BranchKabkota.branch_code)
        .where(BranchKabkota.origin == IMPORT)
        .order_by(BranchKabkota.kabkota_code)
    ):
        kabkota.setdefault(branch, []).append(kab)
    return [
        BranchRow(
            r.code,
            r.name,
            r.kanwil,
            tuple(e for e in r.emails.split(";") if e),
            tuple(kabkota.get(r.code, ())),
        )
        for r in connection.execute(
            select(Branch.code, Branch.name, Branch.kanwil, Branch.emails).where(Branch.origin == IMPORT)
        )
    ]


def _apply(
    connection: Connection, rows: Sequence[BranchRow], now: dt.datetime, *, starter: bool
) -> BranchImportSummary:
    """Write the wanted branches and kab/kota rows; only the differences touch the database."""
    summary = BranchImportSummary()
    target = {kab: _Target(r.branch_code, IMPORT, "evidence", None) for r in rows for kab in r.kabkota_codes}
    wanted: dict[str, dict[str, str | None]] = {
        r.branch_code: {
            "name": r.branch_name,
            "kanwil": r.kanwil,
            "emails": ";".join(r.emails),
            "origin": IMPORT,
        }
        for r in rows
    }
    if starter:
        for kab, route in starter_routes().items():
            if kab not in target and route.branch_code is not None:
                target[kab] = _Target(route.branch_code, STARTER, route.basis, route.distance_km)
                summary.starter_kabkota += 1
        used = {t.branch_code for t in target.values()}
        for branch in starter_branches():
            if branch.code not in wanted and branch.code in used:
                wanted[branch.code] = {
                    "name": branch.name,
                    "kanwil": branch.kanwil,
                    "emails": "",
                    "origin": STARTER,
                }
    stored = {
        r.code: r
        for r in connection.execute(
            select(Branch.code, Branch.name, Branch.kanwil, Branch.emails, Branch.origin)
        )
    }
    for code, values in wanted.items():
        old = stored.get(code)
        if old is None:
            connection.execute(insert(Branch).values(code=code, updated_at=now, **values))
            summary.inserted += values["origin"] == IMPORT
        elif (old.name, old.kanwil, old.emails, old.origin) != tuple(values.values()):
            connection.execute(update(Branch).where(Branch.code == code).values(updated_at=now, **values))
            summary.updated += values["origin"] == IMPORT
        else:
            summary.unchanged += values["origin"] == IMPORT
    current = {
        r.kabkota_code: _Target(r.branch_code, r.origin, r.route_basis, r.distance_km)
        for r in connection.execute(
            select(
                BranchKabkota.kabkota_code,
                BranchKabkota.branch_code,
                BranchKabkota.origin,
                BranchKabkota.route_basis,
                BranchKabkota.distance_km,
            )
        )
    }
    gone = [kab for kab, row in current.items() if target.get(kab) != row]
    if gone:
        connection.execute(delete(BranchKabkota).where(BranchKabkota.kabkota_code.in_(gone)))
    removed = [code for code in stored if code not in wanted]
    if removed:
        connection.execute(delete(Branch).where(Branch.code.in_(removed)))
        summary.removed = sum(stored[c].origin == IMPORT for c in removed)
    fresh = [
        {"kabkota_code": kab, **t.__dict__} for kab, t in sorted(target.items()) if current.get(kab) != t
    ]
    if fresh:
        connection.execute(insert(BranchKabkota), fresh)
    summary.kabkota = sum(t.origin == IMPORT for t in target.values())
    return summary


def list_branches(session: Session) -> list[tuple[str, str, str | None, str, list[str], str]]:
    """(code, name, kanwil, emails, kab/kota codes, origin) of every stored branch, by code."""
    connection = session.connection()
    coverage: dict[str, list[str]] = {}
    for kab, branch in connection.execute(
        select(BranchKabkota.kabkota_code, BranchKabkota.branch_code).order_by(BranchKabkota.kabkota_code)
    ):
        coverage.setdefault(branch, []).append(kab)
    return [
        (r.code, r.name, r.kanwil, r.emails, coverage.get(r.code, []), r.origin)
        for r in connection.execute(
            select(Branch.code, Branch.name, Branch.kanwil, Branch.emails, Branch.origin).order_by(
                Branch.code
            )
        )
    ]
