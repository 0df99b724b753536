"""Pre-aggregated leads for the dashboards: small tables a dashboard reads instead of a million leads.

Written only by `leads.summary` (a full refresh after a build, kab/kota partitions after status
changes); never edited by hand. Explained in docs/schema.md.

- ``lead_summary_cells``: leads counted and summed by kab/kota, branch, Kanwil, route, status, the
  furthest funnel stage reached, overdue bucket and (registered leads) whole days to registration.
- ``lead_summary_reg_days``: registered leads by whole days from first build to registration (the
  median's histogram), by kab/kota, branch and Kanwil.
- ``lead_summary_contractor_areas``: open leads per contractor per kab/kota (the partitioned source
  of the ranking below).
- ``lead_summary_contractors``: open leads per contractor nationally, per Kanwil and per branch,
  indexed by count so a top-N is one index read.
- ``lead_summary_state``: what the summary was computed from (see `leads.summary.Version`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pipeline.models import Base


class SummaryCell(Base):
    """Leads with the same dimensions: how many, their estimated JKK + JKM and their value."""

    __tablename__ = "lead_summary_cells"

    id: Mapped[int] = mapped_column(primary_key=True)
    kabkota_code: Mapped[str | None] = mapped_column(String(10), index=True)
    branch_code: Mapped[str | None] = mapped_column(String(40), index=True)
    #: The Kanwil whose scope holds these leads: the branch's Kanwil, else the lead's (fallback queue).
    kanwil: Mapped[str | None] = mapped_column(String(200), index=True)
    route: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(12))
    #: Furthest funnel stage ever held: 0 new, 1 sent, 2 contacted, 3 registered.
    reached: Mapped[int]
    #: 0 not overdue (or closed), 1: 1-7 days, 2: 8-30 days, 3: more than 30 days past the deadline.
    overdue: Mapped[int]
    leads: Mapped[int]
    contribution: Mapped[Decimal]
    value: Mapped[Decimal]


class SummaryRegDays(Base):
    """Registered leads of one kab/kota and branch that took ``days`` whole days from first build."""

    __tablename__ = "lead_summary_reg_days"

    id: Mapped[int] = mapped_column(primary_key=True)
    kabkota_code: Mapped[str | None] = mapped_column(String(10), index=True)
    branch_code: Mapped[str | None] = mapped_column(String(40))
    kanwil: Mapped[str | None] = mapped_column(String(200))
    days: Mapped[int]
    leads: Mapped[int]


class SummaryContractorArea(Base):
    """One contractor's open (new, sent, contacted) leads in one kab/kota and branch."""

    __tablename__ = "lead_summary_contractor_areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    kabkota_code: Mapped[str | None] = mapped_column(String(10), index=True)
    branch_code: Mapped[str | None] = mapped_column(String(40))
    kanwil: Mapped[str | None] = mapped_column(String(200))
    contractor_key: Mapped[str] = mapped_column(String(600), index=True)
    contractor_name: Mapped[str | None] = mapped_column(Text)
    contractor_npwp: Mapped[str | None] = mapped_column(String(32))
    leads: Mapped[int]
    contribution: Mapped[Decimal]


class SummaryContractor(Base):
    """One contractor's open leads in one scope: ``level`` national (key ''), kanwil or branch."""

    __tablename__ = "lead_summary_contractors"
    __table_args__ = (
        Index("ix_lead_summary_contractors_rank", "level", "scope_key", "leads", "contribution"),
    )

    level: Mapped[str] = mapped_column(String(10), primary_key=True)
    scope_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    contractor_key: Mapped[str] = mapped_column(String(600), primary_key=True)
    contractor_name: Mapped[str | None] = mapped_column(Text)
    contractor_npwp: Mapped[str | None] = mapped_column(String(32))
    leads: Mapped[int]
    contribution: Mapped[Decimal]


class SummaryState(Base):
    """The one row saying which state of the leads the summary reflects (``id`` is always 1)."""

    __tablename__ = "lead_summary_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    built_max: Mapped[dt.datetime | None]
    branches_sig: Mapped[str] = mapped_column(String(100))
    events_since: Mapped[dt.datetime]
    #: Events with ``at >= events_since`` and ``id <= events_max_id`` when the summary was made.
    events_seen: Mapped[int]
    events_max_id: Mapped[int]
    refreshed_at: Mapped[dt.datetime]
    full_at: Mapped[dt.datetime]
