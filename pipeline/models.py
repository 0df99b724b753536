"""The lead database: typed SQLAlchemy 2 models (current state + change history).

Every value of a package record (docs/package-format.md) lives in a typed column or a child
row, never in a stored blob, so `pipeline.export` rebuilds the record from these tables and a
round trip proves the storage. Explained for analysts in docs/schema.md.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import JSON, ForeignKey, Index, MetaData, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from pipeline.types import Rupiah, UtcDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: Scalar record keys stored as columns of `packages`, in record order.
PACKAGE_TEXT_FIELDS = (
    "source",
    "list",
    "name",
    "stage",
    "agency",
    "work_unit",
    "category",
    "method",
    "funding_source",
    "qualification",
)
PACKAGE_MONEY_FIELDS = ("budget_value", "estimate_value", "contract_value", "realised_value")
WINNER_TEXT_FIELDS = ("name", "address", "npwp")
WINNER_MONEY_FIELDS = (
    "offer_value",
    "corrected_value",
    "negotiated_value",
    "contract_value",
    "pdn_value",
    "umk_value",
)


class Base(DeclarativeBase):
    """Declarative base whose constraints get predictable names (Alembic can alter them)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dt.datetime: UtcDateTime(),
        Decimal: Rupiah(),
        dict[str, Any]: JSON(),
    }


class Site(Base):
    """One SPSE site (its base URL), the first part of a package's natural key."""

    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(500), unique=True)
    first_seen: Mapped[dt.datetime]


class CrawlRun(Base):
    """One crawl: when, what, how it ended, and Scrapy's stats (never credentials)."""

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[dt.datetime]
    finished_at: Mapped[dt.datetime | None]
    status: Mapped[str] = mapped_column(String(40))
    sites: Mapped[list[str]] = mapped_column(JSON)
    year: Mapped[int | None]
    full: Mapped[bool] = mapped_column(default=False)
    stats: Mapped[dict[str, Any] | None]


class SiteHealth(Base):
    """One site's health in one crawl: its counts, the verdict against its history, the notice sent.

    `notified_at` is set on the row whose verdict change the operator was told about (once per
    change; see pipeline/health.py). Counts and rules: crawler/health.py, pipeline/health_rules.py.
    """

    __tablename__ = "site_health"
    __table_args__ = (Index("ix_site_health_site_year_checked_at", "site", "year", "checked_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    crawl_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"), index=True)
    site: Mapped[str] = mapped_column(String(500))
    year: Mapped[int | None]
    checked_at: Mapped[dt.datetime]
    verdict: Mapped[str] = mapped_column(String(10))
    reasons: Mapped[list[str]] = mapped_column(JSON)
    counts: Mapped[dict[str, Any]]
    notified_at: Mapped[dt.datetime | None]


class HostPageLength(Base):
    """What a host does with a long list page, as the last crawls found it (crawler/paging.py).

    One row per host (`spse.inaproc.id` serves every national LPSE): the next crawl asks for the
    right length at once and spends no check call on a short page this finding proves final.
    """

    __tablename__ = "host_page_lengths"

    host: Mapped[str] = mapped_column(String(255), primary_key=True)
    requested: Mapped[int]
    cap: Mapped[int | None]
    honoured_up_to: Mapped[int] = mapped_column(default=0)
    learned_at: Mapped[dt.datetime]
    checked_at: Mapped[dt.datetime]


class Package(Base):
    """Current state of one package: the record's scalar values plus provenance and crawl state."""

    __tablename__ = "packages"
    __table_args__ = (UniqueConstraint("site_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    code: Mapped[str] = mapped_column(String(64))
    #: The channel the package was read from: NULL for SPSE, `ekatalog`, `inaproc-api`.
    source: Mapped[str | None] = mapped_column(String(20))
    list: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(Text)
    stage: Mapped[str | None] = mapped_column(Text)
    agency: Mapped[str | None] = mapped_column(Text)
    work_unit: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(Text)
    method: Mapped[str | None] = mapped_column(Text)
    fiscal_year: Mapped[int | None]
    funding_source: Mapped[str | None] = mapped_column(Text)
    budget_value: Mapped[Decimal | None]
    estimate_value: Mapped[Decimal | None]
    contract_value: Mapped[Decimal | None]
    realised_value: Mapped[Decimal | None]
    qualification: Mapped[str | None] = mapped_column(Text)
    first_seen: Mapped[dt.datetime]
    last_seen: Mapped[dt.datetime] = mapped_column(index=True)
    last_changed: Mapped[dt.datetime] = mapped_column(index=True)
    list_fingerprint: Mapped[str | None] = mapped_column(String(64))
    last_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))


class PackageFlag(Base):
    """A badge shown beside the package name (e.g. `Tender Ulang`), in page order."""

    __tablename__ = "package_flags"

    package_id: Mapped[int] = mapped_column(ForeignKey("packages.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True)
    flag: Mapped[str] = mapped_column(Text)


class PackageStage(Base):
    """One row of the jadwal (schedule) tab, in page order; times as shown (ISO, WIB)."""

    __tablename__ = "package_stages"

    package_id: Mapped[int] = mapped_column(ForeignKey("packages.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    start: Mapped[str | None] = mapped_column(String(40))
    end: Mapped[str | None] = mapped_column(String(40))


class PackageLocation(Base):
    """One Lokasi Pekerjaan item as shown, with its kab/kota and province resolved by domain.regions."""

    __tablename__ = "package_locations"

    package_id: Mapped[int] = mapped_column(ForeignKey("packages.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True)
    raw: Mapped[str] = mapped_column(Text)
    kabkota_code: Mapped[str | None] = mapped_column(String(10), index=True)
    kabkota_name: Mapped[str | None] = mapped_column(Text)
    province_code: Mapped[str | None] = mapped_column(String(10))
    province_name: Mapped[str | None] = mapped_column(Text)
    confidence: Mapped[str] = mapped_column(String(20))
    #: NULL: a Lokasi Pekerjaan the channel showed. `sirup`: taken from the linked SiRUP plan;
    #: `satker`: the satker's government region (no plan known). Derived rows are not part of the record.
    derived_from: Mapped[str | None] = mapped_column(String(10))


class PackageRupCode(Base):
    """A SiRUP RUP code (`kode_rup`) of the package, in the channel's order: the link to its plan."""

    __tablename__ = "package_rup_codes"

    package_id: Mapped[int] = mapped_column(ForeignKey("packages.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True)
    rup_code: Mapped[str] = mapped_column(String(32), index=True)


class Plan(Base):
    """A planned package from SiRUP (not a lead: no contractor yet), with its location resolved."""

    __tablename__ = "plans"
    __table_args__ = (UniqueConstraint("site_id", "rup_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    rup_code: Mapped[str] = mapped_column(String(32), index=True)
    name: Mapped[str] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(Text)
    method: Mapped[str | None] = mapped_column(Text)
    fiscal_year: Mapped[int | None]
    funding_source: Mapped[str | None] = mapped_column(Text)
    budget_value: Mapped[Decimal | None]
    agency: Mapped[str | None] = mapped_column(Text)
    agency_code: Mapped[str | None] = mapped_column(String(20))
    work_unit: Mapped[str | None] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(Text)
    kabkota_code: Mapped[str | None] = mapped_column(String(10), index=True)
    kabkota_name: Mapped[str | None] = mapped_column(Text)
    province_code: Mapped[str | None] = mapped_column(String(10))
    province_name: Mapped[str | None] = mapped_column(Text)
    location_confidence: Mapped[str] = mapped_column(String(20))
    planned_month: Mapped[str | None] = mapped_column(String(7))
    first_seen: Mapped[dt.datetime]
    last_seen: Mapped[dt.datetime]
    last_changed: Mapped[dt.datetime]
    last_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))


class Contractor(Base):
    """A company across all sites: one per NPWP key, else one per (normalised name, masked NPWP)."""

    __tablename__ = "contractors"

    id: Mapped[int] = mapped_column(primary_key=True)
    identity: Mapped[str] = mapped_column(String(600), unique=True)
    npwp_key: Mapped[str | None] = mapped_column(String(16), unique=True)
    name_key: Mapped[str] = mapped_column(String(500), index=True)
    masked_npwp: Mapped[str | None] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(Text)
    first_seen: Mapped[dt.datetime]


class ContractorName(Base):
    """Every spelling of a contractor's name seen on any site."""

    __tablename__ = "contractor_names"
    __table_args__ = (UniqueConstraint("contractor_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contractor_id: Mapped[int] = mapped_column(ForeignKey("contractors.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(Text)
    first_seen: Mapped[dt.datetime]


class PackageWinner(Base):
    """A winner (`winner`, pemenang tab) or contract holder (`contract`, pemenang berkontrak tab)."""

    __tablename__ = "package_winners"

    package_id: Mapped[int] = mapped_column(ForeignKey("packages.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True)
    contractor_id: Mapped[int | None] = mapped_column(ForeignKey("contractors.id"), index=True)
    name: Mapped[str | None] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(Text)
    npwp: Mapped[str | None] = mapped_column(String(32))
    offer_value: Mapped[Decimal | None]
    corrected_value: Mapped[Decimal | None]
    negotiated_value: Mapped[Decimal | None]
    contract_value: Mapped[Decimal | None]
    pdn_value: Mapped[Decimal | None]
    umk_value: Mapped[Decimal | None]


class PackageChange(Base):
    """One observed change of one field of a package (old → new), with when and in which crawl."""

    __tablename__ = "package_changes"
    __table_args__ = (Index("ix_package_changes_package_id_observed_at", "package_id", "observed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("packages.id", ondelete="CASCADE"))
    crawl_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"), index=True)
    observed_at: Mapped[dt.datetime]
    field: Mapped[str] = mapped_column(String(40))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)


TABLES: tuple[str, ...] = tuple(Base.metadata.tables)
