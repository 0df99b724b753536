"""Recording what happened to leads, for pages and API alike: scope first, then one transaction.

Every lead named must be in the viewer's scope (else nothing changes: 404, the lead's existence
is not confirmed); every change goes through ``leads.lifecycle.change_status`` (else nothing
changes: 422 with the reason). Several leads at once are all-or-nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import HTTPException
from sqlalchemy import Engine

from leads.lifecycle import LeadNotFound, TransitionError, change_status
from pipeline.writer import utcnow
from web.access import Viewer, lead_scope
from web.db import write_session
from web.lead_queries import ids_in_scope

MAX_NOTE = 2000


def record_status(
    engine: Engine,
    viewer: Viewer,
    lead_ids: Sequence[int],
    status: str,
    *,
    note: str | None = None,
    reason: str | None = None,
    registration_no: str | None = None,
) -> int:
    """Set ``status`` on every lead in ``lead_ids``; returns how many changed. HTTPException 403/404/422."""
    if not viewer.can_change_leads:
        raise HTTPException(403, "Peran Anda hanya dapat membaca lead.")
    ids = sorted(set(lead_ids))
    if not ids:
        raise HTTPException(422, "Pilih minimal satu lead.")
    if note and len(note) > MAX_NOTE:
        raise HTTPException(422, f"Catatan terlalu panjang (maksimal {MAX_NOTE} karakter).")
    with write_session(engine) as session:
        if ids_in_scope(session, ids, lead_scope(viewer)) != set(ids):
            raise HTTPException(404, "Lead tidak ditemukan.")
        changed = 0
        try:
            for lead_id in ids:
                changed += change_status(
                    session,
                    lead_id,
                    status,
                    by=viewer.email,
                    note=note,
                    now=utcnow(),
                    reason=reason,
                    registration_no=registration_no,
                )
        except TransitionError as exc:
            raise HTTPException(422, str(exc)) from None
        except LeadNotFound:
            raise HTTPException(404, "Lead tidak ditemukan.") from None
    return changed
