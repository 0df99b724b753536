"""Store a registry export: upsert by registration_no, so re-importing changes only what changed.

A newer export updates the rows whose facts differ (``last_changed`` moves); an identical import
changes nothing. Registrations missing from a later export are kept: an export may be partial
(one branch, one period), and a registration does not stop existing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from domain.npwp import npwp_key
from leads.models import Registration as RegistrationRow
from leads.registry_file import FIELDS, Registration

_CHUNK = 500
_CENT = Decimal("0.01")


@dataclass
class ImportSummary:
    """Counts of one import."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


def _columns(r: Registration) -> dict[str, Any]:
    """The stored columns of a registration (money in cents, NPWP key derived)."""
    values = {f: getattr(r, f) for f in FIELDS}
    if values["contract_value"] is not None:
        values["contract_value"] = values["contract_value"].quantize(_CENT)
    values["npwp_key"] = npwp_key(r.npwp) if r.npwp else None
    return values


def import_registrations(session: Session, rows: Sequence[Registration], now: dt.datetime) -> ImportSummary:
    """Upsert ``rows`` (already validated by ``read_registry``) in the session's transaction."""
    connection = session.connection()
    summary = ImportSummary()
    compared = (*FIELDS, "npwp_key")
    for start in range(0, len(rows), _CHUNK):
        part = [_columns(r) for r in rows[start : start + _CHUNK]]
        stored = {
            row.registration_no: row
            for row in connection.execute(
                select(RegistrationRow.id, *(getattr(RegistrationRow, c) for c in compared)).where(
                    RegistrationRow.registration_no.in_([p["registration_no"] for p in part])
                )
            )
        }
        inserts, updates = [], []
        for values in part:
            old = stored.get(values["registration_no"])
            if old is None:
                inserts.append({**values, "first_imported": now, "last_changed": now})
            elif any(getattr(old, c) != values[c] for c in compared):
                updates.append({**values, "row_id": old.id, "last_changed": now})
            else:
                summary.unchanged += 1
        if inserts:
            connection.execute(insert(RegistrationRow), inserts)
        if updates:
            connection.execute(
                update(RegistrationRow)
                .where(RegistrationRow.id == bindparam("row_id"))
                .values({c: bindparam(c) for c in (*compared, "last_changed") if c != "registration_no"}),
                [{k: v for k, v in u.items() if k != "registration_no"} for u in updates],
            )
        summary.inserted += len(inserts)
        summary.updated += len(updates)
    return summary
