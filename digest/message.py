"""Turn a rendered digest into one MIME e-mail: text first, HTML alternative, XLSX attached.

The Message-ID is derived from (branch, day, attempt key) by the caller and passed in, so a retry
of the same digest carries the SAME Message-ID and receiving systems can de-duplicate it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from digest.branch import BranchInfo
from digest.render import RenderedDigest
from digest.xlsx import XLSX_MIME
from domain.dates import JAKARTA


def attachment_filename(branch: BranchInfo, day: dt.date) -> str:
    """`leads-KC-BALIKPAPAN-2026-11-22.xlsx`."""
    return f"leads-{branch.file_code}-{day.isoformat()}.xlsx"


def make_message_id(branch: BranchInfo, day: dt.date, mail_from: str, salt: str = "") -> str:
    """A stable `<…@domain>` Message-ID for (branch, day): the same digest always gets the same one.

    ``salt`` distinguishes deliberate re-sends (none today); the domain is the sender's. Short, so
    the header is never folded; the branch is in the hash and in `X-LPSE-Leads-Digest`.
    """
    _, address = parseaddr(mail_from)
    domain = address.rpartition("@")[2] or "lpse-leads.invalid"
    digest = hashlib.sha256(f"{branch.code}|{day.isoformat()}|{salt}".encode()).hexdigest()[:16]
    return f"<digest.{day:%Y%m%d}.{digest}@{domain}>"


def build_message(
    rendered: RenderedDigest,
    branch: BranchInfo,
    day: dt.date,
    *,
    mail_from: str,
    recipients: Sequence[str],
    message_id: str,
    when: dt.datetime | None = None,
) -> EmailMessage:
    """The complete message: headers, text/plain + text/html alternative, and the XLSX attachment."""
    if not recipients:
        raise ValueError(f"digest for {branch.code} has no recipients")
    msg = EmailMessage()
    msg["From"] = mail_from
    msg["To"] = ", ".join(recipients)
    msg["Subject"] = rendered.subject
    msg["Date"] = format_datetime(when or dt.datetime.now(JAKARTA))
    msg["Message-ID"] = message_id
    msg["X-LPSE-Leads-Digest"] = f"{branch.code} {day.isoformat()}"
    msg.set_content(rendered.text, subtype="plain", charset="utf-8")
    msg.add_alternative(rendered.html, subtype="html", charset="utf-8")
    maintype, subtype = XLSX_MIME
    msg.add_attachment(
        rendered.xlsx_bytes, maintype=maintype, subtype=subtype, filename=attachment_filename(branch, day)
    )
    return msg
