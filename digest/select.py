"""Which leads each digest queue gets, and the queues themselves.

A queue is a branch code, a province fallback queue (`fallback <Kanwil>`, or the province when the
Kanwil is unknown) or `unrouted`. New for a queue: status ``new``, routed to it, and in no earlier
digest of that queue (so never twice to the same queue). Overdue reminder: a lead the queue was
sent (in a ``sent`` digest) while its deadline had not passed, whose deadline has now passed,
still open (sent / contacted), and not yet reminded in an overdue section of that queue: each lead
is reminded once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import ColumnElement, Connection, and_, func, select

from digest.branch import BranchInfo
from digest.models import Digest, DigestLead
from leads.lead_row import LEAD_COLUMNS, LeadRow
from leads.models import LEAD_LIST, Branch, Lead
from pipeline.models import Package, Site

FALLBACK_PREFIX = "fallback "
UNROUTED = "unrouted"
_VIEW = LEAD_LIST.c
_FALLBACK_NAME = func.coalesce(Lead.kanwil, Lead.province_name, "?")


def split_emails(text: str | None) -> tuple[str, ...]:
    """`a@x; b@y,c@z` → ("a@x", "b@y", "c@z")."""
    return tuple(p.strip() for p in (text or "").replace(",", ";").split(";") if p.strip())


def queue_condition(queue: str) -> ColumnElement[bool]:
    """The leads routed to ``queue``."""
    if queue == UNROUTED:
        return Lead.route == "unrouted"
    if queue.startswith(FALLBACK_PREFIX):
        return and_(Lead.route == "fallback", _FALLBACK_NAME == queue[len(FALLBACK_PREFIX) :])  # noqa: SIM300
    return and_(Lead.route == "branch", Lead.branch_code == queue)


def _rows_query():
    """Lead id + the lead_list columns, joined back to the lead (the view has no id)."""
    return select(Lead.id, *(_VIEW[name] for name in LEAD_COLUMNS)).select_from(
        LEAD_LIST.join(Site, Site.url == _VIEW.site)
        .join(Package, and_(Package.site_id == Site.id, Package.code == _VIEW.code))
        .join(Lead, Lead.package_id == Package.id)
    )


def _read(connection: Connection, query) -> list[tuple[int, LeadRow]]:
    """(lead id, LeadRow) pairs, highest score first."""
    out = []
    for row in connection.execute(query.order_by(_VIEW.score.desc(), _VIEW.site, _VIEW.code)):
        values = dict(row._mapping)
        lead_id = values.pop("id")
        values["score"] = float(values["score"])
        out.append((lead_id, LeadRow(**values)))
    return out


def rows_by_id(connection: Connection, ids: Iterable[int]) -> dict[int, LeadRow]:
    """The LeadRows of these lead ids (missing ids are leads deleted since)."""
    wanted = list(ids)
    if not wanted:
        return {}
    return dict(_read(connection, _rows_query().where(Lead.id.in_(wanted))))


def _in_queue_digests(queue: str, section: str | None = None):
    """Lead ids carried by any digest of ``queue`` (optionally in one section)."""
    query = (
        select(DigestLead.lead_id)
        .join(Digest, Digest.id == DigestLead.digest_id)
        .where(Digest.queue == queue)
    )
    return query if section is None else query.where(DigestLead.section == section)


def select_new(connection: Connection, queue: str) -> list[tuple[int, LeadRow]]:
    """Leads new for ``queue``: status new, routed there, in none of its digests."""
    query = _rows_query().where(
        queue_condition(queue), Lead.status == "new", Lead.id.not_in(_in_queue_digests(queue))
    )
    return _read(connection, query)


def select_overdue(connection: Connection, queue: str, day: dt.date) -> list[tuple[int, LeadRow]]:
    """Open leads sent to ``queue`` before their deadline, now past it, not yet reminded there."""
    sent_in_time = (
        select(DigestLead.lead_id)
        .join(Digest, Digest.id == DigestLead.digest_id)
        .join(Lead, Lead.id == DigestLead.lead_id)
        .where(
            Digest.queue == queue,
            Digest.status == "sent",
            DigestLead.section == "new",
            Digest.day <= Lead.deadline,
        )
    )
    query = _rows_query().where(
        queue_condition(queue),
        Lead.status.in_(("sent", "contacted")),
        Lead.deadline < day,
        Lead.id.in_(sent_in_time),
        Lead.id.not_in(_in_queue_digests(queue, "overdue")),
    )
    return _read(connection, query)


def queue_info(connection: Connection, queue: str, fallback: dict[str, tuple[str, ...]]) -> BranchInfo:
    """Name, Kanwil and recipients of a queue: the branch table's, or the fallback addresses."""
    if queue == UNROUTED:
        return BranchInfo(UNROUTED, "Antrean tanpa rute", None, fallback_recipients(fallback, None), True)
    if queue.startswith(FALLBACK_PREFIX):
        name = queue[len(FALLBACK_PREFIX) :]
        return BranchInfo(
            f"FALLBACK-{name}", f"Kanwil {name}", name, fallback_recipients(fallback, name), True
        )
    row = connection.execute(
        select(Branch.name, Branch.kanwil, Branch.emails, Branch.origin).where(Branch.code == queue)
    ).first()
    if row is None:
        return BranchInfo(queue, queue)
    emails = split_emails(row.emails)
    if not emails and row.origin == "starter":  # public evidence has no addresses: the Kanwil forwards
        emails = fallback_recipients(fallback, row.kanwil)
    return BranchInfo(queue, row.name, row.kanwil, emails)


def fallback_recipients(fallback: dict[str, tuple[str, ...]], kanwil: str | None) -> tuple[str, ...]:
    """The addresses for a Kanwil's fallback queue (case-insensitive), else the `*` addresses."""
    wanted = (kanwil or "").casefold()
    for name, addresses in fallback.items():
        if name != "*" and name.casefold() == wanted:
            return addresses
    return fallback.get("*", ())


def queues(connection: Connection, branch: str | None = None) -> list[str]:
    """Every queue to consider today: branches, fallback queues and `unrouted` with open leads,
    and queues with an unfinished digest; only ``branch`` when given."""
    if branch is not None:
        return [branch]
    # Imported branches always (an empty digest may be wanted); starter branches when they have leads.
    found = set(connection.scalars(select(Branch.code).where(Branch.origin != "starter")))
    found.update(connection.scalars(select(Lead.branch_code).where(Lead.route == "branch").distinct()))
    found.update(
        FALLBACK_PREFIX + name
        for name in connection.scalars(select(_FALLBACK_NAME).where(Lead.route == "fallback").distinct())
    )
    if connection.execute(select(Lead.id).where(Lead.route == "unrouted").limit(1)).first():
        found.add(UNROUTED)
    found.update(connection.scalars(select(Digest.queue).where(Digest.status != "sent").distinct()))
    return sorted(q for q in found if q)
