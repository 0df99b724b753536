"""Officers move leads through their lifecycle: new → sent → contacted → registered | dismissed.

Every change is one ``lead_events`` row (from, to, who, when, note) written with the change. Setting
the status a lead already has only adds the note (no event), so re-applying a feedback file is
harmless. ``registered`` and ``dismissed`` close a lead until its material facts change (``build``).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from leads.models import STATUSES, Lead, LeadEvent
from pipeline.models import Package, Site


class LeadNotFound(LookupError):
    """No lead for that (site, code)."""


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
    connection = session.connection()
    if old == status:
        if note:
            connection.execute(update(Lead).where(Lead.id == lead_id).values(note=note))
        return False
    connection.execute(
        update(Lead)
        .where(Lead.id == lead_id)
        .values(status=status, status_reason=f"set by {by}", note=note, status_changed_at=now)
    )
    connection.execute(
        insert(LeadEvent).values(lead_id=lead_id, at=now, old_status=old, new_status=status, by=by, note=note)
    )
    return True
