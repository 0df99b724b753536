"""The leads room's tables: the registry, the branch table, leads with their history, and matches.

They sit on the pipeline's ``Base`` (same naming convention, the one migration history in
`dbschema/`) but are created by their own Alembic migration. The ``lead_list`` view (exactly
``LEAD_COLUMNS``) is created by that migration too; ``LEAD_LIST`` below only describes it for
typed reads. Explained in docs/schema.md.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Column, Date, Float, ForeignKey, Integer, MetaData, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column

from leads.lead_row import LEAD_COLUMNS
from pipeline.models import Base
from pipeline.types import Rupiah

#: Lead statuses in their usual order; ``registered`` and ``dismissed`` close a lead.
STATUSES: tuple[str, ...] = ("new", "sent", "contacted", "registered", "dismissed")
OPEN_STATUSES: tuple[str, ...] = ("new", "sent", "contacted")
CLOSED_STATUSES: tuple[str, ...] = ("registered", "dismissed")


class Registration(Base):
    """A project known to be registered with BPJS TK (one row of an imported registry export)."""

    __tablename__ = "registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_no: Mapped[str] = mapped_column(String(100), unique=True)
    project_name: Mapped[str] = mapped_column(Text)
    contractor_name: Mapped[str | None] = mapped_column(Text)
    npwp: Mapped[str | None] = mapped_column(String(32))
    npwp_key: Mapped[str | None] = mapped_column(String(16), index=True)
    npp: Mapped[str | None] = mapped_column(String(64))
    contract_value: Mapped[Decimal | None]
    location: Mapped[str | None] = mapped_column(Text)
    registered_on: Mapped[dt.date | None] = mapped_column(Date)
    tender_code: Mapped[str | None] = mapped_column(String(64), index=True)
    first_imported: Mapped[dt.datetime]
    last_changed: Mapped[dt.datetime]


class Branch(Base):
    """A BPJS TK kantor cabang: its Kanwil and the officers' e-mail addresses (``;``-separated).

    ``origin``: ``import`` (the users' branch table) or ``starter`` (the national starter table from
    public evidence, ``leads.starter``; no addresses: its digests go to the Kanwil's fallback address).
    """

    __tablename__ = "branches"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    kanwil: Mapped[str | None] = mapped_column(Text)
    emails: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[dt.datetime]
    origin: Mapped[str] = mapped_column(String(10), default="import", server_default="import")


class BranchKabkota(Base):
    """Which branch serves a kab/kota (each kab/kota at most one branch), and how sure that is.

    ``origin``: ``import`` (always wins) or ``starter``. ``route_basis``: ``evidence`` (an imported
    table or public evidence names the branch), ``office_location`` (an office sits there) or
    ``inferred_nearest`` (nearest office of the province, ``distance_km`` between centroids).
    """

    __tablename__ = "branch_kabkota"

    kabkota_code: Mapped[str] = mapped_column(String(10), primary_key=True)
    branch_code: Mapped[str] = mapped_column(ForeignKey("branches.code", ondelete="CASCADE"), index=True)
    origin: Mapped[str] = mapped_column(String(10), default="import", server_default="import")
    route_basis: Mapped[str] = mapped_column(String(20), default="evidence", server_default="evidence")
    distance_km: Mapped[float | None] = mapped_column(Float)


class Lead(Base):
    """One construction package with a winner or contract, as a lead: estimate, route, score and status.

    ``route`` is ``branch`` (``branch_code`` set), ``fallback`` (province queue, ``province_code`` and
    the Kanwil when known) or ``unrouted``; ``route_basis`` says how sure (``evidence``,
    ``office_location``, ``inferred_nearest`` with ``route_distance_km``, ``fallback``; None when
    unrouted). ``fingerprint`` covers the material facts (winner identity
    and contract value): a registered or dismissed lead reopens only when it changes.
    """

    __tablename__ = "leads"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("packages.id", ondelete="CASCADE"), unique=True)
    route: Mapped[str] = mapped_column(String(10))
    branch_code: Mapped[str | None] = mapped_column(String(40), index=True)
    route_basis: Mapped[str | None] = mapped_column(String(20))
    route_distance_km: Mapped[float | None] = mapped_column(Float)
    other_branches: Mapped[str | None] = mapped_column(Text)
    kanwil: Mapped[str | None] = mapped_column(Text)
    kabkota_code: Mapped[str | None] = mapped_column(String(10), index=True)
    kabkota_name: Mapped[str | None] = mapped_column(Text)
    province_code: Mapped[str | None] = mapped_column(String(10))
    province_name: Mapped[str | None] = mapped_column(Text)
    contractor_name: Mapped[str | None] = mapped_column(Text)
    contractor_npwp: Mapped[str | None] = mapped_column(String(32))
    value: Mapped[Decimal | None]
    value_basis: Mapped[str | None] = mapped_column(String(30))
    jkk: Mapped[Decimal | None]
    jkm: Mapped[Decimal | None]
    total: Mapped[Decimal | None]
    signed_on: Mapped[dt.date | None] = mapped_column(Date)
    deadline: Mapped[dt.date | None] = mapped_column(Date)
    days_overdue: Mapped[int | None]
    stage: Mapped[str] = mapped_column(String(12))
    score: Mapped[float] = mapped_column(Float, index=True)
    status: Mapped[str] = mapped_column(String(12), index=True)
    status_reason: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    status_changed_at: Mapped[dt.datetime]
    fingerprint: Mapped[str] = mapped_column(String(64))
    url: Mapped[str] = mapped_column(Text)
    first_built: Mapped[dt.datetime]
    last_built: Mapped[dt.datetime] = mapped_column(index=True)
    #: The package's ``last_changed`` this lead was computed from (None: recompute on the next build).
    source_changed: Mapped[dt.datetime | None]


class LeadEvent(Base):
    """One status change of a lead: from → to, who (an officer, ``match``, ``build``), when, and a note."""

    __tablename__ = "lead_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(index=True)
    old_status: Mapped[str | None] = mapped_column(String(12))
    new_status: Mapped[str] = mapped_column(String(12))
    by: Mapped[str] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    #: Why a lead was dismissed (one of ``leads.lifecycle.DISMISS_REASONS``).
    reason: Mapped[str | None] = mapped_column(String(40))
    #: The registration number an officer gave when marking ``registered`` (checked by registry imports).
    registration_no: Mapped[str | None] = mapped_column(String(100))


class RegistryMatch(Base):
    """A package found in the registry: which registration, the score (0-100) and why."""

    __tablename__ = "matches"

    package_id: Mapped[int] = mapped_column(ForeignKey("packages.id", ondelete="CASCADE"), primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    score: Mapped[int]
    explanation: Mapped[str] = mapped_column(Text)
    matched_at: Mapped[dt.datetime]


class MatchCandidate(Base):
    """A package's best registration before the one-registration-one-project rule (``rank`` orders them).

    Kept so a build re-matches only changed packages (or all, after a registry import) and then
    re-decides which package keeps each registration from this table alone.
    """

    __tablename__ = "match_candidates"

    package_id: Mapped[int] = mapped_column(ForeignKey("packages.id", ondelete="CASCADE"), primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"))
    rank: Mapped[float] = mapped_column(Float)
    score: Mapped[int]
    explanation: Mapped[str] = mapped_column(Text)


class BuildState(Base):
    """What the last build saw (day, branch table and registry fingerprints, build version), by key."""

    __tablename__ = "lead_build_state"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


#: The ``lead_list`` view as a typed Table for reads (own MetaData: never created as a table).
_VIEW_METADATA = MetaData()
_VIEW_TYPES = {
    "value": Rupiah(),
    "jkk": Rupiah(),
    "jkm": Rupiah(),
    "estimated_contribution": Rupiah(),
    "contract_signed_on": Date(),
    "deadline": Date(),
    "days_overdue": Integer(),
    "score": Float(),
    "route_distance_km": Float(),
}
LEAD_LIST = Table(
    "lead_list", _VIEW_METADATA, *(Column(name, _VIEW_TYPES.get(name, Text())) for name in LEAD_COLUMNS)
)
