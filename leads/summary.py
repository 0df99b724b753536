"""Keep the dashboard summary (leads/summary_models.py) equal to what the leads tables say.

A dashboard over a million leads cannot group them on every view, so it reads small summary
tables instead, after ``ensure_fresh`` has brought them up to date:

- **full refresh** when leads were built (``max(leads.last_built)`` moved: a build writes it on
  every lead it inserts or changes) or the branch table changed (a lead's Kanwil comes from its
  branch): every summary table is recomputed from ``leads`` in one transaction;
- **partial refresh** when status changes were recorded (``lead_events`` rows since the last
  look): only the kab/kota partitions of the leads concerned are recomputed, exactly, from
  ``leads`` — no arithmetic on old totals, so doing a partition twice is harmless.

Every status change writes a ``lead_events`` row (lifecycle, digest, registry match, build,
the workbench). A refresh reads the events with an id above the newest it saw. On PostgreSQL an
event with a lower id can commit after one with a higher id: the state also counts the events of
the last hour (``LOOKBACK``) up to that id, and when that count grows, every event of the window
is read again (recomputing a partition twice is harmless). The refresh runs in one transaction
that first takes a write lock, so two web workers never refresh at once and a reader sees the
old summary or the new one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import (
    Connection,
    Engine,
    Integer,
    and_,
    case,
    cast,
    delete,
    false,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy.sql.elements import ColumnElement

from leads.models import Branch, Lead, LeadEvent
from leads.summary_models import (
    SummaryCell,
    SummaryContractor,
    SummaryContractorArea,
    SummaryRegDays,
    SummaryState,
)
from pipeline.writer import utcnow

#: How far back each refresh re-reads events (covers transactions that commit late).
LOOKBACK = dt.timedelta(hours=1)
#: Funnel rank of each status; ``dismissed`` is not a funnel stage.
FUNNEL_RANK = {"new": 0, "sent": 1, "contacted": 2, "registered": 3}
OPEN = ("new", "sent", "contacted")
#: Overdue buckets (upper bounds in days past the deadline) for ``SummaryCell.overdue`` 1, 2, 3.
OVERDUE_BUCKETS = (7, 30)
#: Above this share of kab/kota partitions touched, a partial refresh recomputes everything instead.
PARTIAL_LIMIT = 0.5


@dataclass(frozen=True)
class Version:
    """What decides a full refresh: the newest build of any lead and the branch table's signature."""

    built_max: dt.datetime | None
    branches_sig: str


def _rank(column: ColumnElement) -> ColumnElement[int]:
    return case(*((column == status, rank) for status, rank in FUNNEL_RANK.items()), else_=-1)


def _days(dialect: str, start: ColumnElement, end: ColumnElement) -> ColumnElement[int]:
    """Whole days from ``start`` to ``end`` (both UTC timestamps)."""
    if dialect == "sqlite":
        return cast(func.julianday(end) - func.julianday(start), Integer)
    return cast(func.floor(func.extract("epoch", end - start) / 86400), Integer)


def _scope_kanwil() -> ColumnElement[str | None]:
    """A lead's Kanwil for access: its branch's Kanwil when routed, else its own (fallback queue)."""
    return case((Lead.branch_code.is_not(None), Branch.kanwil), else_=Lead.kanwil)


def _contractor_key() -> ColumnElement[str]:
    """A full NPWP identifies a company; a masked or missing one needs the name too."""
    name = func.upper(func.coalesce(Lead.contractor_name, ""))
    return case(
        (
            and_(Lead.contractor_npwp.is_not(None), Lead.contractor_npwp.not_like("%*%")),
            "npwp:" + Lead.contractor_npwp,
        ),
        else_="name:" + name + "|" + func.coalesce(Lead.contractor_npwp, ""),
    )


def _held(where: ColumnElement[bool] | None):
    """Per lead, the highest funnel rank among the statuses it left (its events' ``old_status``).

    Together with the current status that is every status a lead ever held (each change after
    the first ``new`` is an event whose ``old_status`` is the status left).
    """
    query = select(LeadEvent.lead_id.label("lead_id"), func.max(_rank(LeadEvent.old_status)).label("rank"))
    if where is not None:
        query = query.where(LeadEvent.lead_id.in_(select(Lead.id).where(where)))
    return query.group_by(LeadEvent.lead_id).subquery("held")


def _insert_cells(connection: Connection, where: ColumnElement[bool] | None) -> None:
    held = _held(where)
    current = _rank(Lead.status)
    reached = case((held.c.rank > current, held.c.rank), else_=current)
    open_lead = Lead.status.in_(OPEN)
    late = func.coalesce(Lead.days_overdue, 0)
    overdue = case(
        (and_(open_lead, late > OVERDUE_BUCKETS[1]), 3),
        (and_(open_lead, late > OVERDUE_BUCKETS[0]), 2),
        (and_(open_lead, late > 0), 1),
        else_=0,
    )
    kanwil = _scope_kanwil()
    dims = (Lead.kabkota_code, Lead.branch_code, kanwil, Lead.route, Lead.status, reached, overdue)
    query = (
        select(
            *dims,
            func.count(),
            func.coalesce(func.sum(Lead.total), 0),
            func.coalesce(func.sum(Lead.value), 0),
        )
        .select_from(Lead)
        .outerjoin(Branch, Branch.code == Lead.branch_code)
        .outerjoin(held, held.c.lead_id == Lead.id)
        .group_by(*dims)
    )
    if where is not None:
        query = query.where(where)
    columns = ("kabkota_code", "branch_code", "kanwil", "route", "status", "reached", "overdue")
    connection.execute(insert(SummaryCell).from_select([*columns, "leads", "contribution", "value"], query))
    days = _days(connection.dialect.name, Lead.first_built, Lead.status_changed_at)
    dims = (Lead.kabkota_code, Lead.branch_code, kanwil, days)
    query = (
        select(*dims, func.count())
        .select_from(Lead)
        .outerjoin(Branch, Branch.code == Lead.branch_code)
        .where(Lead.status == "registered")
        .group_by(*dims)
    )
    if where is not None:
        query = query.where(where)
    connection.execute(
        insert(SummaryRegDays).from_select(["kabkota_code", "branch_code", "kanwil", "days", "leads"], query)
    )


def _insert_contractor_areas(connection: Connection, where: ColumnElement[bool] | None) -> None:
    key = _contractor_key()
    kanwil = _scope_kanwil()
    dims = (Lead.kabkota_code, Lead.branch_code, kanwil, key)
    query = (
        select(
            *dims,
            func.max(Lead.contractor_name),
            func.max(Lead.contractor_npwp),
            func.count(),
            func.coalesce(func.sum(Lead.total), 0),
        )
        .select_from(Lead)
        .outerjoin(Branch, Branch.code == Lead.branch_code)
        .where(
            Lead.status.in_(OPEN),
            (Lead.contractor_name.is_not(None)) | (Lead.contractor_npwp.is_not(None)),
        )
        .group_by(*dims)
    )
    if where is not None:
        query = query.where(where)
    connection.execute(
        insert(SummaryContractorArea).from_select(
            [
                "kabkota_code",
                "branch_code",
                "kanwil",
                "contractor_key",
                "contractor_name",
                "contractor_npwp",
                "leads",
                "contribution",
            ],
            query,
        )
    )


def _insert_contractor_ranks(connection: Connection, keys: Sequence[str] | None) -> None:
    """National, Kanwil and branch rows of the contractors ``keys`` (all when None) from the areas."""
    area = SummaryContractorArea
    levels = (
        ("national", literal(""), None),
        ("kanwil", area.kanwil, area.kanwil.is_not(None)),
        ("branch", area.branch_code, area.branch_code.is_not(None)),
    )
    selects = []
    for level, scope_key, present in levels:
        query = select(
            literal(level).label("level"),
            scope_key.label("scope_key"),
            area.contractor_key,
            func.max(area.contractor_name),
            func.max(area.contractor_npwp),
            func.sum(area.leads),
            func.sum(area.contribution),
        ).group_by(scope_key, area.contractor_key)
        if present is not None:
            query = query.where(present)
        if keys is not None:
            query = query.where(area.contractor_key.in_(keys))
        selects.append(query)
    connection.execute(
        insert(SummaryContractor).from_select(
            [
                "level",
                "scope_key",
                "contractor_key",
                "contractor_name",
                "contractor_npwp",
                "leads",
                "contribution",
            ],
            union_all(*selects),
        )
    )


def current_version(connection: Connection) -> Version:
    """The newest lead build and the branch table's signature (two index/small-table reads)."""
    built_max = connection.execute(select(func.max(Lead.last_built))).scalar()
    count, updated = connection.execute(select(func.count(), func.max(Branch.updated_at))).one()
    return Version(built_max, f"{count}|{updated.isoformat() if updated else ''}")


def _state_row(connection: Connection):
    return connection.execute(select(SummaryState.__table__).where(SummaryState.id == 1)).first()


def _events_since(connection: Connection, since: dt.datetime, upto: int) -> int:
    """Events of the look-back window with an id up to ``upto`` (an index range on ``at``)."""
    return connection.execute(
        select(func.count()).select_from(LeadEvent).where(LeadEvent.at >= since, LeadEvent.id <= upto)
    ).scalar_one()


def _max_event(connection: Connection) -> int:
    return connection.execute(select(func.coalesce(func.max(LeadEvent.id), 0))).scalar_one()


def needed(connection: Connection) -> str | None:
    """``"full"``, ``"partial"`` or None (the summary is current); a few cheap indexed reads."""
    state = _state_row(connection)
    if state is None:
        return "full"
    version = current_version(connection)
    if version != Version(state.built_max, state.branches_sig):
        return "full"
    if _max_event(connection) != state.events_max_id or _late(connection, state):
        return "partial"
    return None


def _late(connection: Connection, state) -> bool:
    """True when an event of the window with an id already passed committed after the last refresh."""
    return _events_since(connection, state.events_since, state.events_max_id) != state.events_seen


def pending_events(connection: Connection) -> int:
    """Events added since the summary was made (a primary-key range read)."""
    state = _state_row(connection)
    since = 0 if state is None else state.events_max_id
    return connection.execute(
        select(func.count()).select_from(LeadEvent).where(LeadEvent.id > since)
    ).scalar_one()


def partial_size(connection: Connection) -> int:
    """How many leads a partial refresh would recompute now (the leads of the touched kab/kota)."""
    state = _state_row(connection)
    if state is None:
        return 0
    codes = _touched_partitions(connection, state)
    where = _column_in(SummaryCell.kabkota_code, codes)
    return connection.execute(select(func.coalesce(func.sum(SummaryCell.leads), 0)).where(where)).scalar_one()


def _lock(connection: Connection) -> None:
    """Take the write lock first, so the refresh never fails half-way and never runs twice at once."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("LOCK TABLE lead_summary_state IN EXCLUSIVE MODE"))
    else:  # a write statement starts SQLite's write transaction (waiting for the busy timeout)
        connection.execute(delete(SummaryState).where(SummaryState.id == 0))


def _write_state(connection: Connection, now: dt.datetime, full: bool, previous) -> None:
    version = current_version(connection)
    since = now - LOOKBACK
    upto = _max_event(connection)
    values = {
        "built_max": version.built_max,
        "branches_sig": version.branches_sig,
        "events_since": since,
        "events_seen": _events_since(connection, since, upto),
        "events_max_id": upto,
        "refreshed_at": now,
        "full_at": now if full or previous is None else previous.full_at,
    }
    connection.execute(delete(SummaryState))
    connection.execute(insert(SummaryState).values(id=1, **values))


def refresh_full(connection: Connection, now: dt.datetime | None = None) -> None:
    """Recompute every summary table from ``leads`` (inside the caller's transaction)."""
    now = now or utcnow()
    previous = _state_row(connection)
    for table in (SummaryCell, SummaryRegDays, SummaryContractorArea, SummaryContractor):
        connection.execute(delete(table))
    _insert_cells(connection, None)
    _insert_contractor_areas(connection, None)
    _insert_contractor_ranks(connection, None)
    _write_state(connection, now, True, previous)


def _touched_partitions(connection: Connection, state) -> list[str | None]:
    """Kab/kota of the leads with events added since ``state`` (the whole window after a late commit)."""
    new = LeadEvent.id > state.events_max_id
    if _late(connection, state):
        new = or_(new, LeadEvent.at >= state.events_since)
    changed = select(LeadEvent.lead_id).where(new)
    return list(connection.scalars(select(Lead.kabkota_code).where(Lead.id.in_(changed)).distinct()))


def refresh_partial(connection: Connection, now: dt.datetime | None = None) -> int:
    """Recompute the kab/kota partitions of leads with new events; how many (-1: did a full refresh)."""
    now = now or utcnow()
    state = _state_row(connection)
    if state is None:
        refresh_full(connection, now)
        return -1
    codes = _touched_partitions(connection, state)
    total = connection.execute(select(func.count(func.distinct(SummaryCell.kabkota_code)))).scalar_one()
    if codes and len(codes) > max(total, 1) * PARTIAL_LIMIT and len(codes) > 8:
        refresh_full(connection, now)
        return -1
    area = SummaryContractorArea
    area_in = _column_in(area.kabkota_code, codes)
    before = _area_rows(connection, area_in)
    connection.execute(delete(SummaryCell).where(_column_in(SummaryCell.kabkota_code, codes)))
    connection.execute(delete(SummaryRegDays).where(_column_in(SummaryRegDays.kabkota_code, codes)))
    connection.execute(delete(area).where(area_in))
    leads_in = _column_in(Lead.kabkota_code, codes)
    _insert_cells(connection, leads_in)
    _insert_contractor_areas(connection, leads_in)
    keys = sorted(
        {row[0] for row in before ^ _area_rows(connection, area_in)}
    )  # contractors whose figures moved
    for start in range(0, len(keys), 500):
        part = keys[start : start + 500]
        connection.execute(delete(SummaryContractor).where(SummaryContractor.contractor_key.in_(part)))
        _insert_contractor_ranks(connection, part)
    _write_state(connection, now, False, state)
    return len(codes)


def _area_rows(connection: Connection, where: ColumnElement[bool]) -> set[tuple]:
    """The contractor area rows of some partitions, as comparable tuples (key first)."""
    area = SummaryContractorArea
    columns = (
        area.contractor_key,
        area.kabkota_code,
        area.branch_code,
        area.kanwil,
        area.leads,
        area.contribution,
    )
    return {tuple(row) for row in connection.execute(select(*columns).where(where))}


def _column_in(column: ColumnElement, codes: Sequence[str | None]) -> ColumnElement[bool]:
    """``column`` is one of ``codes`` (None in the list: NULL, the leads without a kab/kota)."""
    named = [c for c in codes if c is not None]
    parts = [column.in_(named)] if named else []
    if any(c is None for c in codes):
        parts.append(column.is_(None))
    return or_(*parts) if parts else false()


def ensure_fresh(engine: Engine, now: dt.datetime | None = None) -> str | None:
    """Bring the summary up to date; returns what was done (``"full"``, ``"partial"`` or None)."""
    with engine.connect() as connection:
        wanted = needed(connection)
    if wanted is None:
        return None
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            _lock(connection)
            wanted = needed(connection)  # another worker may have refreshed meanwhile
            if wanted == "full":
                refresh_full(connection, now)
            elif wanted == "partial" and refresh_partial(connection, now) < 0:
                wanted = "full"
    return wanted
