"""Reading the lead list (the ``lead_list`` view) with the filters officers use."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

from sqlalchemy import Connection, select

from leads.lead_row import LEAD_COLUMNS, LeadRow
from leads.models import LEAD_LIST, OPEN_STATUSES, STATUSES, Lead

#: ``--status`` values besides a single status: ``open`` (default) and ``all``.
STATUS_CHOICES: tuple[str, ...] = ("open", "all", *STATUSES)


def lead_rows(
    connection: Connection,
    *,
    branch: str | None = None,
    status: str = "open",
    since: dt.datetime | None = None,
) -> Iterator[LeadRow]:
    """Leads by descending score. ``status``: one status, ``open`` (new/sent/contacted) or ``all``.

    ``branch`` limits to one branch code; ``since`` to leads first built at or after that moment.
    """
    view = LEAD_LIST.c
    query = select(*(view[name] for name in LEAD_COLUMNS)).order_by(view.score.desc(), view.site, view.code)
    if branch is not None:
        query = query.where(view.branch == branch)
    statuses: Sequence[str] = (
        STATUSES if status == "all" else OPEN_STATUSES if status == "open" else (status,)
    )
    if status != "all":
        query = query.where(view.status.in_(statuses))
    if since is not None:
        query = query.where(view.url.in_(select(Lead.url).where(Lead.first_built >= since)))
    for row in connection.execute(query):
        values = dict(row._mapping)
        values["score"] = float(values["score"])
        yield LeadRow(**values)
