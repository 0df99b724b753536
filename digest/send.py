"""Send each queue's daily digest once, recorded before and after, retried until it is delivered.

The rules (also in docs):
- A digest is keyed by (queue, day). Before sending, an ``intent`` row with its leads, recipients
  and Message-ID is committed; after, the row becomes ``sent`` or ``failed`` (reason, scrubbed of
  credentials). Leads go ``new`` → ``sent`` (with a lead event) only in the transaction that records
  ``sent``.
- A (queue, day) already ``sent`` is never sent again: a second run the same day sends nothing.
- A ``failed`` digest is retried on every later run, with the SAME leads and Message-ID, only to the
  recipients that have not accepted it yet (so an accepted recipient never gets it twice).
- An ``intent`` without outcome means a run died between the two records; the message may or may
  not have left. It is resent with the SAME Message-ID (receiving systems de-duplicate on it) and
  the resend is logged and reported: never silently twice, never silently dropped.
- One queue's failure never stops the others; the summary lists every failure.
- A queue without recipients keeps its leads and is reported; nothing new → no e-mail (unless
  ``send_empty``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from digest.branch import BranchInfo
from digest.delivery import Sender, SendResult, redact_url
from digest.message import build_message, make_message_id
from digest.models import Digest, DigestLead
from digest.render import render_digest
from digest.select import queue_info, queues, rows_by_id, select_new, select_overdue, split_emails
from digest.upcoming import UpcomingView, upcoming_plans
from leads.lead_row import LeadRow
from leads.models import Lead, LeadEvent

log = logging.getLogger(__name__)

DEFAULT_FROM = "lpse-leads <lpse-leads@localhost>"
EVENT_BY = "digest"


@dataclass(frozen=True, slots=True)
class DigestOutcome:
    """What happened to one queue's digest in this run.

    ``status``: sent, failed, skipped (no recipients / busy), dry-run, already-sent, nothing-new.
    """

    queue: str
    day: dt.date
    status: str
    new: int = 0
    overdue: int = 0
    recipients: tuple[str, ...] = ()
    message_id: str | None = None
    where: str = ""
    reason: str | None = None
    retry: bool = False

    def line(self) -> str:
        """One line for the command's summary."""
        head = f"{self.queue} {self.day.isoformat()}: {self.status}"
        if self.status in ("sent", "dry-run", "failed"):
            head += f" ({self.new} new, {self.overdue} overdue)"
        if self.retry:
            head += " [retry]"
        if self.status == "sent":
            head += f" to {', '.join(self.recipients)} via {self.where}"
        return head + (f" — {self.reason}" if self.reason else "")


@dataclass
class SendSummary:
    """Every queue's outcome; ``exit_status`` is 1 when any digest failed."""

    outcomes: list[DigestOutcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        """How many outcomes have ``status``."""
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failed(self) -> list[DigestOutcome]:
        """The failed digests."""
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def exit_status(self) -> int:
        """0 when nothing failed, else 1."""
        return 1 if self.failed else 0

    def lines(self, *, quiet_nothing_new: bool = True) -> list[str]:
        """Summary lines (queues with nothing new left out by default) and a totals line."""
        shown = [o.line() for o in self.outcomes if not (quiet_nothing_new and o.status == "nothing-new")]
        totals = (
            f"digests: {self.count('sent')} sent, {self.count('failed')} failed, "
            f"{self.count('skipped')} skipped, {self.count('already-sent')} already sent, "
            f"{self.count('nothing-new')} with nothing new"
        )
        if self.count("dry-run"):
            totals += f", {self.count('dry-run')} dry-run (nothing sent or recorded)"
        return [*shown, totals]


def parse_fallback(value: str | Mapping[str, str] | None) -> dict[str, tuple[str, ...]]:
    """Fallback addresses: `a@x` (all Kanwil), or `Kalimantan=a@x; Sumbagsel=b@y; *=c@z`, or a mapping."""
    if not value:
        return {}
    if isinstance(value, Mapping):
        return {k: split_emails(v) for k, v in value.items()}
    if "=" not in value:
        return {"*": split_emails(value)}
    out: dict[str, tuple[str, ...]] = {}
    for part in value.split(";"):
        name, _, addresses = part.partition("=")
        if name.strip():
            out[name.strip()] = out.get(name.strip(), ()) + split_emails(addresses.replace(",", ";"))
    return out


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class _Run:
    """One `send_digests` call: its settings, and the work per queue."""

    factory: sessionmaker[Session]
    sender: Sender
    day: dt.date
    dry_run: bool
    fallback: dict[str, tuple[str, ...]]
    send_empty: bool
    mail_from: str
    now: dt.datetime
    workbench_url: str = ""

    def pages(self, rows: Sequence[tuple[int, LeadRow]]) -> dict[tuple[str, str], str]:
        """(site, code) → the lead's workbench page, when the workbench has a public address."""
        if not self.workbench_url:
            return {}
        return {(r.site, r.code): f"{self.workbench_url}/leads/{lead_id}" for lead_id, r in rows}

    def queue(self, queue: str) -> list[DigestOutcome]:
        """Retry the queue's unfinished digests, then make today's if it has none."""
        outcomes = []
        with self.factory() as session:
            pending = session.execute(
                select(Digest.id, Digest.day)
                .where(Digest.queue == queue, Digest.status.in_(("intent", "failed")), Digest.day <= self.day)
                .order_by(Digest.day)
            ).all()
            today = session.execute(
                select(Digest.status).where(Digest.queue == queue, Digest.day == self.day)
            ).scalar_one_or_none()
        for digest_id, pending_day in pending:
            if self.dry_run:
                outcomes.append(
                    DigestOutcome(
                        queue, pending_day, "dry-run", retry=True, reason="unfinished; would be retried"
                    )
                )
                continue
            outcomes.append(self.deliver(digest_id, retry=True))
        if today == "sent":
            outcomes.append(DigestOutcome(queue, self.day, "already-sent"))
        elif today is None:
            outcomes.append(self.new_digest(queue))
        return outcomes

    def new_digest(self, queue: str) -> DigestOutcome:
        """Choose, record the intent, and deliver today's digest for ``queue``."""
        with self.factory.begin() as session:
            connection = session.connection()
            info = queue_info(connection, queue, self.fallback)
            new = select_new(connection, queue)
            overdue = select_overdue(connection, queue, self.day)
            if not new and not self.send_empty:
                return DigestOutcome(queue, self.day, "nothing-new", overdue=len(overdue))
            if not info.emails:
                log.warning("digest %s %s: no recipients; %d new leads kept", queue, self.day, len(new))
                return DigestOutcome(
                    queue,
                    self.day,
                    "skipped",
                    len(new),
                    len(overdue),
                    reason=f"no recipients configured; {len(new)} new leads kept for later",
                )
            message_id = make_message_id(info, self.day, self.mail_from)
            if self.dry_run:
                rendered = render_digest(
                    info,
                    self.day,
                    [r for _, r in new],
                    [r for _, r in overdue],
                    lead_pages=self.pages([*new, *overdue]),
                )
                return DigestOutcome(
                    queue,
                    self.day,
                    "dry-run",
                    len(new),
                    len(overdue),
                    info.emails,
                    message_id,
                    reason=rendered.subject,
                )
            digest_id = session.execute(
                insert(Digest)
                .values(
                    queue=queue,
                    day=self.day,
                    status="intent",
                    message_id=message_id,
                    subject="",
                    recipients=";".join(info.emails),
                    delivered_to="",
                    attempts=0,
                    error=None,
                    created_at=self.now,
                    updated_at=self.now,
                    sent_at=None,
                )
                .returning(Digest.id)
            ).scalar_one()
            rows = [{"digest_id": digest_id, "lead_id": i, "section": "new"} for i, _ in new]
            rows += [{"digest_id": digest_id, "lead_id": i, "section": "overdue"} for i, _ in overdue]
            if rows:
                session.execute(insert(DigestLead), rows)
        return self.deliver(digest_id, retry=False)

    def _load(
        self, digest_id: int
    ) -> tuple[
        Digest,
        BranchInfo,
        list[LeadRow],
        list[LeadRow],
        list[int],
        dict[tuple[str, str], str],
        list[UpcomingView],
    ]:
        """The recorded digest, its queue, its leads per section (current values), new-lead ids, pages,
        and the branch's largest planned construction ("akan datang")."""
        with self.factory() as session:
            digest = session.get_one(Digest, digest_id)
            connection = session.connection()
            info = queue_info(connection, digest.queue, self.fallback)
            links = session.execute(
                select(DigestLead.lead_id, DigestLead.section).where(DigestLead.digest_id == digest_id)
            ).all()
            rows = rows_by_id(connection, [lead_id for lead_id, _ in links])
            upcoming = [] if info.fallback else upcoming_plans(connection, digest.queue, digest.day)
        new_ids = [i for i, s in links if s == "new" and i in rows]
        overdue = [rows[i] for i, s in links if s == "overdue" and i in rows]
        pages = self.pages([(i, rows[i]) for i, _ in links if i in rows])
        return digest, info, [rows[i] for i in new_ids], overdue, new_ids, pages, upcoming

    def deliver(self, digest_id: int, *, retry: bool) -> DigestOutcome:
        """Send a recorded digest to the recipients that do not have it yet, then record the outcome."""
        digest, info, new, overdue, new_ids, pages, upcoming = self._load(digest_id)
        recipients = split_emails(digest.recipients)
        delivered = set(split_emails(digest.delivered_to))
        pending = [r for r in recipients if r not in delivered]
        note = None
        if digest.status == "intent" and retry:
            note = (
                "previous attempt ended without an outcome; "
                f"resent with the same Message-ID {digest.message_id}"
            )
            log.warning("digest %s %s: %s", digest.queue, digest.day, note)
        rendered = render_digest(info, digest.day, new, overdue, lead_pages=pages, upcoming=upcoming)
        message = build_message(
            rendered,
            info,
            digest.day,
            mail_from=self.mail_from,
            recipients=recipients,
            message_id=digest.message_id,
        )
        result = self.sender.send(message, pending) if pending else SendResult(where="(already delivered)")
        now = _utcnow()
        delivered.update(result.accepted)
        ok = result.ok or not pending
        with self.factory.begin() as session:
            session.execute(
                update(Digest)
                .where(Digest.id == digest_id)
                .values(
                    status="sent" if ok else "failed",
                    subject=rendered.subject,
                    delivered_to=";".join(r for r in recipients if r in delivered),
                    attempts=Digest.attempts + 1,
                    error=None if ok else result.reason,
                    updated_at=now,
                    sent_at=now if ok else None,
                )
            )
            if ok:
                self._mark_sent(session, new_ids, digest.message_id, now)
        if not ok:
            log.warning("digest %s %s failed: %s", digest.queue, digest.day, result.reason)
        return DigestOutcome(
            digest.queue,
            digest.day,
            "sent" if ok else "failed",
            len(new),
            len(overdue),
            tuple(pending),
            digest.message_id,
            result.where,
            result.reason if not ok else note,
            retry,
        )

    def _mark_sent(
        self, session: Session, lead_ids: Sequence[int], message_id: str, now: dt.datetime
    ) -> None:
        """Leads still ``new`` become ``sent``, each with a lead event naming the digest."""
        if not lead_ids:
            return
        still_new = list(session.scalars(select(Lead.id).where(Lead.id.in_(lead_ids), Lead.status == "new")))
        if not still_new:
            return
        session.execute(
            update(Lead)
            .where(Lead.id.in_(still_new))
            .values(status="sent", status_reason="sent by digest", status_changed_at=now)
        )
        session.execute(
            insert(LeadEvent),
            [
                {
                    "lead_id": i,
                    "at": now,
                    "old_status": "new",
                    "new_status": "sent",
                    "by": EVENT_BY,
                    "note": f"digest {message_id}",
                }
                for i in still_new
            ],
        )


def send_digests(
    session_factory: sessionmaker[Session],
    sender: Sender,
    day: dt.date,
    branch: str | None = None,
    dry_run: bool = False,
    fallback_address: str | Mapping[str, str] | None = None,
    send_empty: bool = False,
    *,
    mail_from: str = DEFAULT_FROM,
    now: dt.datetime | None = None,
    workbench_url: str = "",
) -> SendSummary:
    """Send (or, with ``dry_run``, only render) every queue's digest for ``day``; see the module rules.

    ``branch`` limits the run to one queue (a branch code, `fallback <Kanwil>` or `unrouted`).
    ``fallback_address``: one address for every fallback queue, or per Kanwil (see parse_fallback).
    ``workbench_url`` (``web.base_url``): each lead card links to its workbench page.
    """
    run = _Run(
        session_factory,
        sender,
        day,
        dry_run,
        parse_fallback(fallback_address),
        send_empty,
        mail_from,
        now or _utcnow(),
        workbench_url.rstrip("/"),
    )
    summary = SendSummary()
    with session_factory() as session:
        names = queues(session.connection(), branch)
    for name in names:
        try:
            summary.outcomes.extend(run.queue(name))
        except IntegrityError:
            summary.outcomes.append(
                DigestOutcome(
                    name, day, "skipped", reason="another run recorded this digest at the same time"
                )
            )
        except Exception as exc:  # one queue's bug or bad data must not stop the other queues
            log.exception("digest %s %s: unexpected error", name, day)
            reason = redact_url(f"unexpected error: {type(exc).__name__}: {exc}")
            summary.outcomes.append(DigestOutcome(name, day, "failed", reason=reason))
    return summary
