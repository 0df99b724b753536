"""Everything an officer needs on one lead's page: the package, the contractor, the registry match
and its nearest candidates, the estimate and deadline, and the lead's history."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from leads.claims import Claim, claims
from leads.models import Lead, LeadEvent, MatchCandidate, Registration, RegistryMatch
from pipeline.models import (
    ContractorName,
    Package,
    PackageFlag,
    PackageLocation,
    PackageStage,
    PackageWinner,
    Site,
)

OTHER_PROJECTS_SHOWN = 25
CANDIDATES_SHOWN = 5


@dataclass
class LeadDetail:
    """The facts of one lead's page (``lead`` has ``id`` + ``LEAD_COLUMNS``)."""

    lead: dict[str, Any]
    package: dict[str, Any]
    route: str
    kanwil: str | None
    note: str | None
    flags: list[str] = field(default_factory=list)
    locations: list[str] = field(default_factory=list)
    stages: list[dict[str, Any]] = field(default_factory=list)
    winners: list[dict[str, Any]] = field(default_factory=list)
    name_variants: list[str] = field(default_factory=list)
    other_projects: list[dict[str, Any]] = field(default_factory=list)
    match: dict[str, Any] | None = None
    candidates: list[dict[str, Any]] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)
    claim: Claim | None = None


def _rows(session: Session, query) -> list[dict[str, Any]]:
    return [dict(row._mapping) for row in session.execute(query)]


def lead_detail(session: Session, lead: dict[str, Any]) -> LeadDetail:
    """Gather the page's facts for a lead already checked to be in the viewer's scope."""
    own = session.execute(
        select(Lead.package_id, Lead.route, Lead.kanwil, Lead.note).where(Lead.id == lead["id"])
    ).one()
    package_id = own.package_id
    package = session.execute(
        select(
            Package.list,
            Package.stage,
            Package.method,
            Package.fiscal_year,
            Package.funding_source,
            Package.qualification,
            Package.budget_value,
            Package.estimate_value,
            Package.contract_value,
            Package.realised_value,
        ).where(Package.id == package_id)
    ).one()
    detail = LeadDetail(
        lead=lead, package=dict(package._mapping), route=own.route, kanwil=own.kanwil, note=own.note
    )
    detail.flags = list(
        session.scalars(
            select(PackageFlag.flag)
            .where(PackageFlag.package_id == package_id)
            .order_by(PackageFlag.position)
        )
    )
    detail.locations = list(
        session.scalars(
            select(PackageLocation.raw)
            .where(PackageLocation.package_id == package_id)
            .order_by(PackageLocation.position)
        )
    )
    detail.stages = _rows(
        session,
        select(PackageStage.name, PackageStage.start, PackageStage.end)
        .where(PackageStage.package_id == package_id)
        .order_by(PackageStage.position),
    )
    detail.winners = _rows(
        session,
        select(
            PackageWinner.kind,
            PackageWinner.name,
            PackageWinner.npwp,
            PackageWinner.address,
            PackageWinner.contractor_id,
            PackageWinner.offer_value,
            PackageWinner.negotiated_value,
            PackageWinner.contract_value,
        )
        .where(PackageWinner.package_id == package_id)
        .order_by(PackageWinner.kind, PackageWinner.position),
    )
    contractor_ids = {w["contractor_id"] for w in detail.winners if w["contractor_id"] is not None}
    if contractor_ids:
        detail.name_variants = sorted(
            set(
                session.scalars(
                    select(ContractorName.name).where(ContractorName.contractor_id.in_(contractor_ids))
                )
            )
        )
        detail.other_projects = _rows(
            session,
            select(
                Package.id.label("package_id"),
                Package.code,
                Package.name,
                Site.url.label("site"),
                Package.contract_value,
                Lead.id.label("lead_id"),
                Lead.status,
                RegistryMatch.registration_id,
            )
            .distinct()
            .join(PackageWinner, PackageWinner.package_id == Package.id)
            .join(Site, Site.id == Package.site_id)
            .outerjoin(Lead, Lead.package_id == Package.id)
            .outerjoin(RegistryMatch, RegistryMatch.package_id == Package.id)
            .where(PackageWinner.contractor_id.in_(contractor_ids), Package.id != package_id)
            .order_by(Package.id.desc())
            .limit(OTHER_PROJECTS_SHOWN),
        )
    detail.match = next(
        iter(
            _rows(
                session,
                select(
                    RegistryMatch.score,
                    RegistryMatch.explanation,
                    Registration.registration_no,
                    Registration.project_name,
                    Registration.contractor_name,
                    Registration.registered_on,
                )
                .join(Registration, Registration.id == RegistryMatch.registration_id)
                .where(RegistryMatch.package_id == package_id),
            )
        ),
        None,
    )
    detail.candidates = _rows(
        session,
        select(
            MatchCandidate.score,
            MatchCandidate.explanation,
            Registration.registration_no,
            Registration.project_name,
            Registration.contractor_name,
            Registration.contract_value,
            Registration.registered_on,
        )
        .join(Registration, Registration.id == MatchCandidate.registration_id)
        .where(MatchCandidate.package_id == package_id)
        .order_by(MatchCandidate.rank.desc())
        .limit(CANDIDATES_SHOWN),
    )
    detail.history = _rows(
        session,
        select(
            LeadEvent.at,
            LeadEvent.by,
            LeadEvent.old_status,
            LeadEvent.new_status,
            LeadEvent.note,
            LeadEvent.reason,
            LeadEvent.registration_no,
        )
        .where(LeadEvent.lead_id == lead["id"])
        .order_by(LeadEvent.at.desc(), LeadEvent.id.desc()),
    )
    detail.claim = next(iter(claims(session.connection(), [lead["id"]])), None)
    return detail
