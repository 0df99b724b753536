"""Build the lead list from the stored packages, the registry and the branch table (idempotent).

Run after every crawl and every registry or branch import. In one streamed pass (Core selects in
chunks by package id, never ORM objects) every construction package with a named winner or a
contract gets its lead row computed (value basis, JKK/JKM, signing date, deadline, days overdue,
route, score) and written only where something changed; the same pass feeds the registry matcher.
Then the matches are stored and matched leads are closed as ``registered`` (by ``match``).

Lifecycle: a lead starts ``new``; officers move it (``leads mark`` / ``leads feedback``); a
``registered`` or ``dismissed`` lead stays closed until its material fingerprint (winner identity
and contract value) changes, when the build reopens it as ``new`` with an event saying why.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, or_, select, update
from sqlalchemy.orm import Session

from domain.dates import JAKARTA
from leads.estimate import estimate_lead
from leads.matching import Match, PackageForMatch, RegistryIndex, match_packages
from leads.matching import cached_npwp_key as npwp_key_cached
from leads.models import CLOSED_STATUSES, Branch, BranchKabkota, Lead, LeadEvent, RegistryMatch
from leads.models import Registration as RegistrationRow
from leads.names import company_key
from leads.registry_file import Registration
from leads.routing import BranchTable, ResolvedLocation, route
from leads.score import lead_score
from leads.urls import announcement_url
from pipeline.models import Package, PackageLocation, PackageStage, PackageWinner, Site

#: Jenis pengadaan in scope (bpjs-jakon-rules.md §2), compared as whole values.
CONSTRUCTION_CATEGORIES: tuple[str, ...] = (
    "Pekerjaan Konstruksi",
    "Pekerjaan Konstruksi Terintegrasi",
    "Jasa Konsultansi Badan Usaha Konstruksi",
)
CHUNK = 2000
_CENT = Decimal("0.01")
#: Lead columns the build computes (compared with the stored row to decide whether to write).
COMPUTED: tuple[str, ...] = (
    "route",
    "branch_code",
    "other_branches",
    "kanwil",
    "kabkota_code",
    "kabkota_name",
    "province_code",
    "province_name",
    "contractor_name",
    "contractor_npwp",
    "value",
    "value_basis",
    "jkk",
    "jkm",
    "total",
    "signed_on",
    "deadline",
    "days_overdue",
    "stage",
    "score",
    "fingerprint",
    "url",
)


@dataclass
class BuildSummary:
    """What a build did: counts for the command's output and for tests."""

    candidates: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    reopened: int = 0
    registered_by_match: int = 0
    matches: int = 0
    routes: dict[str, int] = field(default_factory=lambda: {"branch": 0, "fallback": 0, "unrouted": 0})


def utcnow() -> dt.datetime:
    """The current moment, UTC-aware."""
    return dt.datetime.now(dt.UTC)


def jakarta_today() -> dt.date:
    """Today's date in Indonesia (WIB), the calendar deadlines are counted in."""
    return dt.datetime.now(JAKARTA).date()


def _cents(value: Decimal | None) -> Decimal | None:
    """Money as stored (two decimals), so computed and stored values compare equal."""
    return None if value is None else value.quantize(_CENT)


def _identity(winner: Mapping[str, Any]) -> str:
    """Who a winner row is: its resolved contractor, else its NPWP key, else its normalised name."""
    if winner.get("contractor_id"):
        return f"c{winner['contractor_id']}"
    npwp = winner.get("npwp")
    key = npwp_key_cached(npwp) if npwp and "*" not in npwp else None
    return f"k{key}" if key else f"n{company_key(winner.get('name'))}"


def fingerprint(winners: Sequence[Mapping[str, Any]], contract_value: Decimal | None) -> str:
    """The material facts of a lead: who won / holds the contract, and the contract value."""
    identities = sorted({_identity(w) for w in winners})
    value = format(_cents(contract_value), "f") if contract_value is not None else ""
    text = "|".join(identities) + "#" + value
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def load_branch_table(connection: Connection) -> BranchTable:
    """The branch table as stored (kab/kota → branch, branch → Kanwil)."""
    coverage = dict(connection.execute(select(BranchKabkota.kabkota_code, BranchKabkota.branch_code)).all())
    kanwil = dict(connection.execute(select(Branch.code, Branch.kanwil)).all())
    return BranchTable(coverage, kanwil)


def load_registry(connection: Connection) -> tuple[RegistryIndex, dict[str, int]]:
    """The registry as a match index, plus registration_no → row id."""
    rows = connection.execute(
        select(
            RegistrationRow.id,
            RegistrationRow.registration_no,
            RegistrationRow.project_name,
            RegistrationRow.contractor_name,
            RegistrationRow.npwp,
            RegistrationRow.contract_value,
            RegistrationRow.registered_on,
            RegistrationRow.tender_code,
        )
    )
    ids: dict[str, int] = {}

    def registrations() -> Iterator[Registration]:
        for r in rows:
            ids[r.registration_no] = r.id
            yield Registration(
                registration_no=r.registration_no,
                project_name=r.project_name,
                contractor_name=r.contractor_name,
                npwp=r.npwp,
                contract_value=r.contract_value,
                registered_on=r.registered_on,
                tender_code=r.tender_code,
            )

    return RegistryIndex(registrations()), ids


def _candidate_query(after: int, limit: int) -> Any:
    """Next chunk of in-scope packages with a winner, contract winner or contract value, by id."""
    has_winner = select(PackageWinner.package_id).where(PackageWinner.package_id == Package.id).exists()
    return (
        select(
            Package.id,
            Site.url.label("site"),
            Package.code,
            Package.list,
            Package.name,
            Package.fiscal_year,
            Package.budget_value,
            Package.estimate_value,
            Package.contract_value,
        )
        .join(Site, Site.id == Package.site_id)
        .where(Package.id > after)
        .where(Package.category.in_(CONSTRUCTION_CATEGORIES))
        .where(or_(Package.contract_value.is_not(None), has_winner))
        .order_by(Package.id)
        .limit(limit)
    )


def _grouped(connection: Connection, statement: Any) -> dict[int, list[Any]]:
    """Rows grouped by their package_id, in query order."""
    out: dict[int, list[Any]] = defaultdict(list)
    for row in connection.execute(statement):
        out[row.package_id].append(row)
    return out


def _children(connection: Connection, ids: list[int]) -> tuple[dict, dict, dict]:
    """Winners, signing stages and locations of a chunk of packages."""
    winners = _grouped(
        connection,
        select(
            PackageWinner.package_id,
            PackageWinner.kind,
            PackageWinner.contractor_id,
            PackageWinner.name,
            PackageWinner.npwp,
            PackageWinner.offer_value,
            PackageWinner.corrected_value,
            PackageWinner.negotiated_value,
            PackageWinner.contract_value,
        )
        .where(PackageWinner.package_id.in_(ids))
        .order_by(PackageWinner.package_id, PackageWinner.kind, PackageWinner.position),
    )
    stages = _grouped(
        connection,
        select(PackageStage.package_id, PackageStage.name, PackageStage.start)
        .where(PackageStage.package_id.in_(ids))
        .where(PackageStage.name.ilike("%kontrak%"))
        .order_by(PackageStage.package_id, PackageStage.position),
    )
    locations = _grouped(
        connection,
        select(
            PackageLocation.package_id,
            PackageLocation.kabkota_code,
            PackageLocation.kabkota_name,
            PackageLocation.province_code,
            PackageLocation.province_name,
        )
        .where(PackageLocation.package_id.in_(ids))
        .order_by(PackageLocation.package_id, PackageLocation.position),
    )
    return winners, stages, locations


def _computed(
    package: Any,
    winners: list[Any],
    stages: list[Any],
    locations: list[Any],
    table: BranchTable,
    today: dt.date,
) -> tuple[dict[str, Any], PackageForMatch]:
    """The computed lead columns of one package and its matching form."""
    winner_dicts = [dict(w._mapping) for w in winners]
    contract = [w for w in winner_dicts if w["kind"] == "contract"]
    named = [w for w in winner_dicts if w["kind"] == "winner"]
    record = {
        "contract_value": package.contract_value,
        "estimate_value": package.estimate_value,
        "budget_value": package.budget_value,
        "winners": named,
        "contract_winners": contract,
        "stages": [{"name": s.name, "start": s.start} for s in stages],
    }
    estimate = estimate_lead(record, today)
    where = route([ResolvedLocation(loc.kabkota_code, loc.province_code) for loc in locations], table)
    first = next(
        (loc for loc in locations if loc.kabkota_code == where.kabkota_code and loc.kabkota_code), None
    )
    province_name = next(
        (loc.province_name for loc in locations if loc.province_code == where.province_code), None
    )
    holder = (contract + named)[0] if contract or named else {}
    contract_value = estimate.value if estimate.value_basis == "contract_value" else None
    columns = {
        "route": where.kind,
        "branch_code": where.branch_code,
        "other_branches": ";".join(where.others) or None,
        "kanwil": where.kanwil,
        "kabkota_code": where.kabkota_code,
        "kabkota_name": first.kabkota_name if first is not None else None,
        "province_code": where.province_code,
        "province_name": province_name,
        "contractor_name": holder.get("name"),
        "contractor_npwp": holder.get("npwp"),
        "value": _cents(estimate.value),
        "value_basis": estimate.value_basis,
        "jkk": _cents(estimate.jkk),
        "jkm": _cents(estimate.jkm),
        "total": _cents(estimate.total),
        "signed_on": estimate.signed_on,
        "deadline": estimate.deadline,
        "days_overdue": estimate.days_overdue,
        "stage": estimate.stage,
        "score": lead_score(estimate.total, estimate.days_overdue, estimate.stage),
        "fingerprint": fingerprint(contract + named, contract_value),
        "url": announcement_url(package.site, package.list, package.code),
    }
    for_match = PackageForMatch(
        site=package.site,
        code=package.code,
        name=package.name,
        fiscal_year=package.fiscal_year,
        contractor_names=tuple(dict.fromkeys(w["name"] for w in winner_dicts if w["name"])),
        npwps=tuple(dict.fromkeys(w["npwp"] for w in winner_dicts if w["npwp"])),
        values=tuple(
            v
            for v in (
                package.contract_value,
                *(w[k] for w in winner_dicts for k in ("contract_value", "offer_value")),
            )
            if v is not None
        ),
    )
    return columns, for_match


class _Builder:
    """One build: the state shared by the streamed pass and the match pass."""

    def __init__(self, connection: Connection, today: dt.date, now: dt.datetime) -> None:
        self.connection = connection
        self.today = today
        self.now = now
        self.table = load_branch_table(connection)
        self.summary = BuildSummary()

    def packages(self) -> Iterator[PackageForMatch]:
        """Stream candidate packages chunk by chunk, writing their leads; yield each for matching."""
        after = 0
        while True:
            chunk = self.connection.execute(_candidate_query(after, CHUNK)).all()
            if not chunk:
                return
            after = chunk[-1].id
            yield from self._chunk(chunk)

    def _chunk(self, chunk: list[Any]) -> list[PackageForMatch]:
        """Compute and write the leads of one chunk; return the chunk's packages for matching."""
        ids = [p.id for p in chunk]
        winners, stages, locations = _children(self.connection, ids)
        existing = {
            row.package_id: row
            for row in self.connection.execute(
                select(Lead.id, Lead.package_id, Lead.status, *(getattr(Lead, c) for c in COMPUTED)).where(
                    Lead.package_id.in_(ids)
                )
            )
        }
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        out: list[PackageForMatch] = []
        for package in chunk:
            columns, for_match = _computed(
                package,
                winners.get(package.id, []),
                stages.get(package.id, []),
                locations.get(package.id, []),
                self.table,
                self.today,
            )
            out.append(for_match)
            self.summary.candidates += 1
            self.summary.routes[columns["route"]] += 1
            old = existing.get(package.id)
            if old is None:
                inserts.append(
                    {
                        **columns,
                        "package_id": package.id,
                        "status": "new",
                        "status_changed_at": self.now,
                        "first_built": self.now,
                        "last_built": self.now,
                    }
                )
                continue
            if all(getattr(old, c) == columns[c] for c in COMPUTED):
                self.summary.unchanged += 1
                continue
            row = {
                **columns,
                "lead_id": old.id,
                "status": old.status,
                "last_built": self.now,
                "status_changed_at": None,
            }
            if old.status in CLOSED_STATUSES and old.fingerprint != columns["fingerprint"]:
                row["status"] = "new"
                row["status_changed_at"] = self.now
                events.append(
                    {
                        "lead_id": old.id,
                        "at": self.now,
                        "old_status": old.status,
                        "new_status": "new",
                        "by": "build",
                        "note": "reopened: winner or contract value changed",
                    }
                )
                self.summary.reopened += 1
            updates.append(row)
        self._write(inserts, updates, events)
        return out

    def _write(self, inserts: list[dict], updates: list[dict], events: list[dict]) -> None:
        """Insert new leads, update changed ones, record status events."""
        if inserts:
            self.connection.execute(insert(Lead), inserts)
            self.summary.new += len(inserts)
        if updates:
            reopened = [u for u in updates if u["status_changed_at"] is not None]
            plain = [u for u in updates if u["status_changed_at"] is None]
            values = {c: bindparam(c) for c in (*COMPUTED, "last_built")}
            statement = update(Lead).where(Lead.id == bindparam("lead_id"))
            if plain:
                self.connection.execute(
                    statement.values(values), [_without(u, "status", "status_changed_at") for u in plain]
                )
            if reopened:
                self.connection.execute(
                    statement.values(
                        {
                            **values,
                            "status": bindparam("status"),
                            "status_changed_at": bindparam("status_changed_at"),
                        }
                    ),
                    reopened,
                )
            self.summary.updated += len(updates)
        if events:
            self.connection.execute(insert(LeadEvent), events)

    def apply_matches(self, matches: list[Match], registration_ids: Mapping[str, int]) -> None:
        """Store the matches (replacing stale ones) and close matched open leads as registered."""
        by_key: dict[tuple[str, str], Match] = {(m.site, m.code): m for m in matches}
        package_ids = self._package_ids(list(by_key))
        wanted = {
            package_ids[key]: (registration_ids[m.registration_no], m.score, m.explanation, m.registration_no)
            for key, m in by_key.items()
            if key in package_ids
        }
        stored = {
            r.package_id: (r.registration_id, r.score, r.explanation)
            for r in self.connection.execute(
                select(
                    RegistryMatch.package_id,
                    RegistryMatch.registration_id,
                    RegistryMatch.score,
                    RegistryMatch.explanation,
                )
            )
        }
        stale = [pid for pid, value in stored.items() if wanted.get(pid, (None,))[:3] != value]
        for part in _parts(stale):
            self.connection.execute(delete(RegistryMatch).where(RegistryMatch.package_id.in_(part)))
        fresh = [
            {
                "package_id": pid,
                "registration_id": v[0],
                "score": v[1],
                "explanation": v[2],
                "matched_at": self.now,
            }
            for pid, v in wanted.items()
            if stored.get(pid) != v[:3]
        ]
        if fresh:
            self.connection.execute(insert(RegistryMatch), fresh)
        self.summary.matches = len(wanted)
        self._close_matched(wanted)

    def _close_matched(self, wanted: Mapping[int, tuple[int, int, str, str]]) -> None:
        """Matched leads that are not yet registered become registered, with an event by ``match``."""
        to_close: list[dict[str, Any]] = []
        for part in _parts(list(wanted)):
            for lead in self.connection.execute(
                select(Lead.id, Lead.package_id, Lead.status)
                .where(Lead.package_id.in_(part))
                .where(Lead.status != "registered")
            ):
                _, score, explanation, number = wanted[lead.package_id]
                to_close.append(
                    {
                        "lead_id": lead.id,
                        "old_status": lead.status,
                        "at": self.now,
                        "reason": f"registry {number}: {explanation} ({score})",
                    }
                )
        if not to_close:
            return
        self.connection.execute(
            update(Lead)
            .where(Lead.id == bindparam("lead_id"))
            .values(
                status="registered", status_reason=bindparam("reason"), status_changed_at=bindparam("at")
            ),
            to_close,
        )
        self.connection.execute(
            insert(LeadEvent),
            [
                {
                    "lead_id": c["lead_id"],
                    "at": c["at"],
                    "old_status": c["old_status"],
                    "new_status": "registered",
                    "by": "match",
                    "note": c["reason"],
                }
                for c in to_close
            ],
        )
        self.summary.registered_by_match = len(to_close)

    def _package_ids(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
        """(site, code) → package id for the matched packages."""
        found: dict[tuple[str, str], int] = {}
        wanted = set(keys)
        for part in _parts(sorted({code for _, code in keys})):
            for row in self.connection.execute(
                select(Package.id, Site.url, Package.code)
                .join(Site, Site.id == Package.site_id)
                .where(Package.code.in_(part))
            ):
                if (row.url, row.code) in wanted:
                    found[(row.url, row.code)] = row.id
        return found


def _without(row: Mapping[str, Any], *keys: str) -> dict[str, Any]:
    """A copy of ``row`` without ``keys``."""
    return {k: v for k, v in row.items() if k not in keys}


def _parts(items: Sequence[Any], size: int = 500) -> Iterator[Sequence[Any]]:
    """Slices below every database's bound-parameter limit."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def build_leads(
    session: Session, today: dt.date | None = None, *, now: dt.datetime | None = None
) -> BuildSummary:
    """Bring the leads up to date with packages, registry and branch table; idempotent.

    Runs in the session's transaction (the caller commits). ``today`` (default: today in WIB) is the
    day deadlines and days overdue are counted against.
    """
    connection = session.connection()
    builder = _Builder(connection, today or jakarta_today(), now or utcnow())
    index, registration_ids = load_registry(connection)
    matches = list(match_packages(builder.packages(), index))
    builder.apply_matches(matches, registration_ids)
    return builder.summary
