"""Officers move leads through their lifecycle: new → sent → contacted → registered | dismissed.

Every change is one ``lead_events`` row (from, to, who, when, note; a dismissal's reason, a
registration's number) written with the change, by ``apply_status`` — the one code path behind
`leads mark`, `leads feedback`, the workbench and its API. Setting the status a lead already has
only adds the note (no event), so re-applying a feedback file is harmless. ``registered`` and
``dismissed`` close a lead until its material facts change (``build``).

The operator's commands may set any status; people in the workbench go through
``change_status``, which allows only what an officer can know (``OFFICER_TRANSITIONS``).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from leads.models import STATUSES, Lead, LeadEvent
from pipeline.models import Package, Site

#: Why an officer dismisses a lead (code → Indonesian label shown in the workbench).
DISMISS_REASONS: dict[str, str] = {
    "terdaftar_lain": "Sudah terdaftar (di kantor cabang lain / nomor lain)",
    "bukan_konstruksi": "Bukan pekerjaan konstruksi",
    "dibatalkan": "Paket dibatalkan / tidak jadi dikontrakkan",
    "swakelola": "Swakelola (tanpa penyedia)",
    "luar_wilayah": "Di luar wilayah kantor cabang",
    "duplikat": "Duplikat paket lain",
    "lainnya": "Lainnya (lihat catatan)",
}

#: What a person may set from each status in the workbench (the system sets ``new`` and ``sent``).
#: A dismissal can be undone (back to contacted); a registration is settled by the registry import.
OFFICER_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "new": ("contacted", "registered", "dismissed"),
    "sent": ("contacted", "registered", "dismissed"),
    "contacted": ("contacted", "registered", "dismissed"),
    "registered": ("registered",),
    "dismissed": ("dismissed", "contacted"),
}


class LeadNotFound(LookupError):
    """No lead for that (site, code) or id."""


class TransitionError(ValueError):
    """A status change a person may not make (unknown status, wrong order, missing reason/number)."""


def find_lead(session: Session, site: str, code: str) -> tuple[int, str] | None:
    """(lead id, status) of the package's lead, or None."""
    row = (
        session.connection()
        .execute(
            select(Lead.id, Lead.status)
            .join(Package, Package.id == Lead.package_id)
            .join(Site, Site.id == Package.site_id)
            .where(Site.url == site.rstrip("/"), Package.code == code)
        )
        .first()
    )
    return None if row is None else (row.id, row.status)


def apply_status(
    session: Session,
    lead_id: int,
    old: str,
    status: str,
    *,
    by: str,
    note: str | None,
    now: dt.datetime,
    reason: str | None = None,
    registration_no: str | None = None,
    note_event: bool = False,
) -> bool:
    """Write one status change and its event; True when the status changed.

    Same status: only the note is stored — and, with ``note_event`` (a person writing in the
    workbench), kept in the history as an event from the status to itself.
    """
    connection = session.connection()
    if old == status:
        if note:
            connection.execute(update(Lead).where(Lead.id == lead_id).values(note=note))
            if note_event:
                connection.execute(
                    insert(LeadEvent).values(
                        lead_id=lead_id, at=now, old_status=old, new_status=status, by=by, note=note
                    )
                )
        return False
    connection.execute(
        update(Lead)
        .where(Lead.id == lead_id)
        .values(status=status, status_reason=f"set by {by}", note=note, status_changed_at=now)
    )
    connection.execute(
        insert(LeadEvent).values(
            lead_id=lead_id,
            at=now,
            old_status=old,
            new_status=status,
            by=by,
            note=note,
            reason=reason,
            registration_no=registration_no,
        )
    )
    return True


def mark_lead(
    session: Session, site: str, code: str, status: str, *, by: str, note: str | None, now: dt.datetime
) -> bool:
    """Set a lead's status (with an event); True when the status changed. LeadNotFound / ValueError."""
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r} (use one of: {', '.join(STATUSES)})")
    found = find_lead(session, site, code)
    if found is None:
        raise LeadNotFound(f"no lead for site {site!r} code {code!r}")
    lead_id, old = found
    return apply_status(session, lead_id, old, status, by=by, note=note, now=now)


def check_transition(old: str, status: str, *, reason: str | None, registration_no: str | None) -> None:
    """Raise TransitionError (with a message for the person) unless the change is allowed."""
    if status not in STATUSES:
        raise TransitionError(f"status tidak dikenal: {status!r} (pilih: contacted, registered, dismissed)")
    allowed = OFFICER_TRANSITIONS.get(old, ())
    if status not in allowed:
        raise TransitionError(f"status {old!r} tidak dapat diubah menjadi {status!r}")
    if status == "dismissed" and old != "dismissed" and reason not in DISMISS_REASONS:
        raise TransitionError("alasan penolakan wajib dipilih dari daftar")
    if status == "registered" and old != "registered" and not (registration_no or "").strip():
        raise TransitionError("nomor pendaftaran wajib diisi untuk status registered")


def change_status(
    session: Session,
    lead_id: int,
    status: str,
    *,
    by: str,
    note: str | None,
    now: dt.datetime,
    reason: str | None = None,
    registration_no: str | None = None,
) -> bool:
    """A person's change of one lead (checked by ``check_transition``); LeadNotFound / TransitionError."""
    old = session.connection().execute(select(Lead.status).where(Lead.id == lead_id)).scalar()
    if old is None:
        raise LeadNotFound(f"no lead with id {lead_id}")
    registration_no = (registration_no or "").strip() or None
    check_transition(old, status, reason=reason, registration_no=registration_no)
    return apply_status(
        session,
        lead_id,
        old,
        status,
        by=by,
        note=(note or "").strip() or None,
        now=now,
        reason=reason if status == "dismissed" else None,
        registration_no=registration_no if status == "registered" else None,
        note_event=True,
    )
