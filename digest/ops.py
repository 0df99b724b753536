"""The operator's notice: one plain-text e-mail when sites turn degraded or dark, or recover.

Why here: it leaves through the same `Sender` as the branch digests (SMTP with verified TLS,
or the outbox folder), so an operator gets it wherever the digests go. It goes to
`mail.ops_to` only, never to a branch. One message carries every change of this crawl or run;
a change is marked notified only after the server accepted the message, so a failed send is
retried by the next crawl, with the same Message-ID (receivers de-duplicate on it), and an
unchanged verdict is never mailed again (`pipeline.health.pending_notices`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from sqlalchemy import Engine

from digest.delivery import Sender, SendResult
from domain.dates import JAKARTA
from pipeline.health import Notice, mark_notified, pending_notices
from pipeline.health_rules import summary_line

#: What to do, per verdict, in the notice.
ADVICE = {
    "dark": "Nothing useful came from this site. Fetch one of its detail pages by hand from the production "
    "machine (README, Operations: Crawl health): refused detail pages mean the User-Agent must start with "
    "Mozilla/5.0 and the Referer must be the listing page; a challenge page means this IP is blocked. "
    "Its branches get no new leads from it until it is fixed.",
    "degraded": "The site answered, but less than usual. Compare with `lpse-leads health --json` over the "
    "next runs; see README, Operations: Crawl health.",
    "ok": "Recovered: the site answered as usual again.",
}


@dataclass(frozen=True)
class OpsOutcome:
    """What happened to the operator's notice: sent (and to whom), nothing to tell, or why not."""

    notices: tuple[Notice, ...]
    result: SendResult | None

    @property
    def sent(self) -> bool:
        """True when there was something to tell and the server accepted it."""
        return self.result is not None and self.result.ok

    def line(self) -> str:
        """One line for summaries."""
        if not self.notices:
            return "no change of site health to report"
        what = ", ".join(f"{n.site} {n.verdict}" for n in self.notices)
        if self.sent:
            return f"operator told: {what}"
        reason = self.result.reason if self.result is not None else "not sent"
        return f"operator notice failed ({what}): {reason}"


def subject(notices: Sequence[Notice]) -> str:
    """`lpse-leads: 1 site dark (…/kemkes)` or `lpse-leads: site health — 1 dark, 1 recovered`."""
    counts: dict[str, int] = {}
    for notice in notices:
        word = "recovered" if notice.recovered else notice.verdict
        counts[word] = counts.get(word, 0) + 1
    if len(notices) == 1:
        notice = notices[0]
        word = "recovered" if notice.recovered else notice.verdict
        return f"lpse-leads: site {word}: {notice.site}"
    return "lpse-leads: site health — " + ", ".join(f"{n} {word}" for word, n in counts.items())


def body(notices: Sequence[Notice]) -> str:
    """The plain-text body: per site what changed, why, the counts, the last good crawl, what to do."""
    lines = ["Site health changed in the last crawl of lpse-leads.", ""]
    for notice in notices:
        year = f" ({notice.year})" if notice.year else ""
        lines.append(f"{notice.site}{year}: {notice.previous} -> {notice.verdict}")
        lines.extend(f"  - {reason}" for reason in notice.reasons)
        lines.append(f"  counts: {summary_line(notice.counts)}")
        checked = notice.checked_at.astimezone(JAKARTA).strftime("%Y-%m-%d %H:%M WIB")
        last_ok = (
            notice.last_ok.astimezone(JAKARTA).strftime("%Y-%m-%d %H:%M WIB") if notice.last_ok else "never"
        )
        lines.append(f"  checked {checked}; last ok crawl: {last_ok}")
        lines.append(f"  {ADVICE[notice.verdict]}")
        lines.append("")
    lines.append("`lpse-leads health` shows every site's latest verdict.")
    return "\n".join(lines) + "\n"


def message_id(notices: Sequence[Notice], mail_from: str) -> str:
    """A stable Message-ID for this set of changes: a resend of the same notice carries the same one."""
    _, address = parseaddr(mail_from)
    domain = address.rpartition("@")[2] or "lpse-leads.invalid"
    key = ",".join(str(n.row_id) for n in sorted(notices, key=lambda n: n.row_id))
    return f"<health.{hashlib.sha256(key.encode()).hexdigest()[:16]}@{domain}>"


def build_notice(notices: Sequence[Notice], *, mail_from: str, recipients: Sequence[str]) -> EmailMessage:
    """The e-mail to the operator."""
    msg = EmailMessage()
    msg["From"] = mail_from
    msg["To"] = ", ".join(recipients)
    msg["Subject"] = subject(notices)
    msg["Date"] = format_datetime(dt.datetime.now(JAKARTA))
    msg["Message-ID"] = message_id(notices, mail_from)
    msg["X-LPSE-Leads-Health"] = ", ".join(f"{n.site} {n.verdict}" for n in notices)
    msg.set_content(body(notices), subtype="plain", charset="utf-8")
    return msg


def notify_operator(engine: Engine, sender: Sender, recipients: Sequence[str], mail_from: str) -> OpsOutcome:
    """Tell the operator about every pending change of verdict; mark them told once accepted."""
    notices = tuple(pending_notices(engine))
    if not notices or not recipients:
        return OpsOutcome(notices, None)
    result = sender.send(build_notice(notices, mail_from=mail_from, recipients=recipients), list(recipients))
    if result.ok:
        mark_notified(engine, notices)
    return OpsOutcome(notices, result)
