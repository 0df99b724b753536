"""Registration numbers officers give when they mark a lead registered, checked against the registry.

An officer's "registered" is a claim until BPJS's registry says so. A claimed number that is in
the registry is *confirmed*; one still missing after a registry import that brought new or
changed registrations later than the claim (``registrations.last_changed``) is *flagged* — the
branch should check it with the officer; otherwise the claim *waits* for the next import. Only
the latest claim of a lead that is still ``registered`` counts.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, func, select

from leads.models import Lead, LeadEvent, Registration

STATES: tuple[str, ...] = ("confirmed", "flagged", "waiting")


@dataclass(frozen=True)
class Claim:
    """One lead's registration claim and what the registry says about it."""

    lead_id: int
    registration_no: str
    by: str
    at: dt.datetime
    state: str  # confirmed, flagged or waiting


def last_registry_change(connection: Connection) -> dt.datetime | None:
    """When a registry import last brought a new or changed registration (None: never)."""
    return connection.execute(select(func.max(Registration.last_changed))).scalar()


def claims(connection: Connection, lead_ids: Sequence[int] | None = None) -> list[Claim]:
    """The current claims (of ``lead_ids``, or of every registered lead), by lead id."""
    latest = (
        select(func.max(LeadEvent.id))
        .join(Lead, Lead.id == LeadEvent.lead_id)
        .where(LeadEvent.new_status == "registered", Lead.status == "registered")
        .group_by(LeadEvent.lead_id)
    )
    if lead_ids is not None:
        latest = latest.where(LeadEvent.lead_id.in_(list(lead_ids)))
    query = (
        select(LeadEvent.lead_id, LeadEvent.registration_no, LeadEvent.by, LeadEvent.at, Registration.id)
        .outerjoin(Registration, Registration.registration_no == LeadEvent.registration_no)
        .where(LeadEvent.id.in_(latest), LeadEvent.registration_no.is_not(None))
        .order_by(LeadEvent.lead_id)
    )
    changed = last_registry_change(connection)
    found = []
    for lead_id, number, by, at, registration_id in connection.execute(query):
        if registration_id is not None:
            state = "confirmed"
        elif changed is not None and changed > at:
            state = "flagged"
        else:
            state = "waiting"
        found.append(Claim(lead_id, number, by, at, state))
    return found


def claim_counts(connection: Connection) -> dict[str, int]:
    """How many current claims are confirmed, flagged and waiting."""
    counts = Counter(c.state for c in claims(connection))
    return {state: counts.get(state, 0) for state in STATES}
