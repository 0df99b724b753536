"""Store the branch table: the imported file becomes the table (branches and their kab/kota).

The file is the users' whole table, so branches absent from it are removed and every kab/kota
assignment is replaced; rows that did not change are left alone. Leads keep their branch code as
text, so the next ``leads build`` re-routes them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from leads.branches_file import BranchRow
from leads.models import Branch, BranchKabkota


@dataclass
class BranchImportSummary:
    """Counts of one branch table import."""

    inserted: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    kabkota: int = 0


def import_branches(session: Session, rows: Sequence[BranchRow], now: dt.datetime) -> BranchImportSummary:
    """Make the stored branch table equal to ``rows`` (validated by ``read_branches``)."""
    connection = session.connection()
    summary = BranchImportSummary()
    stored = {
        r.code: r for r in connection.execute(select(Branch.code, Branch.name, Branch.kanwil, Branch.emails))
    }
    wanted = {r.branch_code: r for r in rows}
    for code, row in wanted.items():
        values = {"name": row.branch_name, "kanwil": row.kanwil, "emails": ";".join(row.emails)}
        old = stored.get(code)
        if old is None:
            connection.execute(insert(Branch).values(code=code, updated_at=now, **values))
            summary.inserted += 1
        elif (old.name, old.kanwil, old.emails) != (values["name"], values["kanwil"], values["emails"]):
            connection.execute(update(Branch).where(Branch.code == code).values(updated_at=now, **values))
            summary.updated += 1
        else:
            summary.unchanged += 1
    current = dict(connection.execute(select(BranchKabkota.kabkota_code, BranchKabkota.branch_code)).all())
    target = {kab: r.branch_code for r in rows for kab in r.kabkota_codes}
    gone = [kab for kab, branch in current.items() if target.get(kab) != branch]
    if gone:
        connection.execute(delete(BranchKabkota).where(BranchKabkota.kabkota_code.in_(gone)))
    fresh = [{"kabkota_code": kab, "branch_code": b} for kab, b in target.items() if current.get(kab) != b]
    removed = [code for code in stored if code not in wanted]
    if removed:
        connection.execute(delete(Branch).where(Branch.code.in_(removed)))
        summary.removed = len(removed)
    if fresh:
        connection.execute(insert(BranchKabkota), fresh)
    summary.kabkota = len(target)
    return summary


def list_branches(session: Session) -> list[tuple[str, str, str | None, str, list[str]]]:
    """(code, name, kanwil, emails, kab/kota codes) of every stored branch, by code."""
    connection = session.connection()
    coverage: dict[str, list[str]] = {}
    for kab, branch in connection.execute(
        select(BranchKabkota.kabkota_code, BranchKabkota.branch_code).order_by(BranchKabkota.kabkota_code)
    ):
        coverage.setdefault(branch, []).append(kab)
    return [
        (r.code, r.name, r.kanwil, r.emails, coverage.get(r.code, []))
        for r in connection.execute(
            select(Branch.code, Branch.name, Branch.kanwil, Branch.emails).order_by(Branch.code)
        )
    ]
