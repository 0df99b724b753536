"""The run's non-crawl steps, each a thin call into its room: reference files, leads, digests.

Why a separate module: `run.py` decides the order and records outcomes; this module only
knows which function of `leads/` and `digest/` does each step and how to read its result, so
a room's API change touches one small function here. Each step works on the caller's engine
(one per process), reports progress through a `note(text)` callback (the run's display),
returns what it did, and raises `UserError` for a problem a person can fix. It never imports
`run.py`: the dependency goes one way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, func, select

from digest.delivery import Sender
from digest.ops import OpsOutcome
from digest.ops import notify_operator as notify_ops
from digest.send import DEFAULT_FROM
from digest.send import send_digests as send_lead_digests
from digest.settings import MailSettings
from leads.build import build_leads as build_lead_rows
from leads.models import OPEN_STATUSES, Lead
from leads.summary import ensure_fresh as refresh_summary
from lpse_leads.config import AppConfig
from lpse_leads.errors import UserError
from lpse_leads.reference_files import import_branches_file, import_registry_file
from pipeline.db import session_factory

Note = Callable[[str], None]


@dataclass(frozen=True)
class DigestOutcome:
    """How many digests went out, and whether by SMTP (sent) or to the outbox (written)."""

    delivered: int
    by_smtp: bool


def import_reference(config: AppConfig, engine: Engine, note: Note) -> None:
    """Import the configured branch table and registry export (each all-or-nothing)."""
    if config.leads.branches_file:
        count, _ = import_branches_file(
            engine, config.leads.branches_file, replace=config.leads.branches_replace
        )
        note(f"{count} branches")
    if config.leads.registry_file:
        note(f"{import_registry(config, engine)} registrations")


def import_registry(config: AppConfig, engine: Engine) -> int:
    """Import `leads.registry_file` (the scheduler's re-import job calls this alone); returns rows read."""
    if not config.leads.registry_file:
        return 0
    count, _ = import_registry_file(engine, config.leads.registry_file)
    return count


def queue_name(route: str, branch_code: str | None, kanwil: str | None, province: str | None) -> str:
    """Who a lead goes to: its branch code, else the province's fallback queue, else `unrouted`."""
    if route == "branch" and branch_code:
        return branch_code
    if route == "fallback":
        return f"fallback {kanwil or province or '?'}"
    return "unrouted"


def build_leads(engine: Engine, today: dt.date, note: Note) -> dict[str, int]:
    """Bring the leads up to date; returns open leads per queue (branch code or fallback)."""
    with session_factory(engine).begin() as session:
        built = build_lead_rows(session, today)
        rows = session.execute(
            select(Lead.route, Lead.branch_code, Lead.kanwil, Lead.province_name, func.count())
            .where(Lead.status.in_(OPEN_STATUSES))
            .group_by(Lead.route, Lead.branch_code, Lead.kanwil, Lead.province_name)
        ).all()
    queues: dict[str, int] = {}
    for route, branch, kanwil, province, count in rows:
        name = queue_name(route, branch, kanwil, province)
        queues[name] = queues.get(name, 0) + count
    note(f"{built.new} new, {built.updated} updated, {sum(queues.values())} open")
    refresh_summary(engine)  # the dashboards' first views after the build need not recompute it
    return queues


def mail_settings(config: AppConfig) -> MailSettings:
    """The configuration's mail settings (never straight from the environment; see send_digests)."""
    return MailSettings(
        smtp_url=config.mail.smtp_url,
        mail_from=config.mail.mail_from or DEFAULT_FROM,
        fallback_to=config.mail.fallback_to,
        outbox=config.outbox,
    )


def mail_sender(settings: MailSettings) -> Sender:
    """SMTP or the outbox; a bad SMTP URL is a UserError naming it (redacted)."""
    try:
        return settings.sender()
    except ValueError as exc:
        raise UserError(str(exc)) from None


def notify_operator(config: AppConfig, engine: Engine) -> OpsOutcome | None:
    """Tell `mail.ops_to` about sites whose verdict changed; None when no operator is configured."""
    if not config.mail.ops_to:
        return None
    settings = mail_settings(config)
    return notify_ops(engine, mail_sender(settings), config.mail.ops_to, settings.mail_from)


def send_digests(config: AppConfig, engine: Engine, today: dt.date, note: Note) -> DigestOutcome:
    """Send (SMTP) or write (outbox) today's digest per branch with something new.

    Mail settings come from the configuration only — never straight from the environment — so
    `run --demo`, whose configuration has no SMTP URL, can never send real mail.
    """
    settings = mail_settings(config)
    sender = mail_sender(settings)
    result = send_lead_digests(
        session_factory(engine),
        sender,
        today,
        fallback_address=settings.fallback_to or None,
        mail_from=settings.mail_from,
        workbench_url=config.web.base_url,
    )
    outcome = DigestOutcome(result.count("sent"), by_smtp=bool(settings.smtp_url))
    note(f"{outcome.delivered} {'sent' if outcome.by_smtp else 'written'} via {sender.describe()}")
    if result.failed:
        raise DigestsFailed(outcome, "; ".join(failed.line() for failed in result.failed))
    return outcome


class DigestsFailed(UserError):
    """Some digests could not be delivered; `outcome` still counts the ones that were."""

    def __init__(self, outcome: DigestOutcome, message: str) -> None:
        super().__init__(message)
        self.outcome = outcome
