"""Mail settings in one small value: filled from the environment here, from TOML by the app.

`LPSE_LEADS_SMTP_URL` (empty: write to the outbox folder), `LPSE_LEADS_MAIL_FROM`,
`LPSE_LEADS_FALLBACK_TO` (`a@x`, or `Kalimantan=a@x; *=b@y`), `LPSE_LEADS_OUTBOX`,
`LPSE_LEADS_SMTP_CA_FILE` (extra CA bundle; default verification otherwise), `LPSE_LEADS_SMTP_TIMEOUT`
(seconds), `LPSE_LEADS_DIGEST_SEND_EMPTY` (1/true: also mail branches with nothing new),
`LPSE_LEADS_WEB_BASE_URL` (the workbench's public address: each lead links to its page there).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from digest.delivery import DEFAULT_TIMEOUT, OutboxSender, Sender, SmtpSender, default_outbox, parse_smtp_url
from digest.send import DEFAULT_FROM

_TRUE = frozenset({"1", "true", "yes", "on"})


@dataclass(frozen=True)
class MailSettings:
    """How digests leave and who gets the fallback queues. ``smtp_url`` is hidden from ``repr``."""

    smtp_url: str = field(default="", repr=False)
    mail_from: str = DEFAULT_FROM
    fallback_to: str = ""
    outbox: Path | None = None
    ca_file: Path | None = None
    timeout: float = DEFAULT_TIMEOUT
    send_empty: bool = False
    workbench_url: str = ""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> MailSettings:
        """Read the `LPSE_LEADS_*` variables; ValueError for a timeout that is not a positive number."""
        env = os.environ if environ is None else environ
        timeout_text = env.get("LPSE_LEADS_SMTP_TIMEOUT", "").strip()
        try:
            timeout = float(timeout_text) if timeout_text else DEFAULT_TIMEOUT
        except ValueError:
            timeout = -1.0
        if timeout <= 0:
            raise ValueError(
                f"LPSE_LEADS_SMTP_TIMEOUT must be a positive number of seconds: {timeout_text!r}"
            )
        return cls(
            smtp_url=env.get("LPSE_LEADS_SMTP_URL", "").strip(),
            mail_from=env.get("LPSE_LEADS_MAIL_FROM", "").strip() or DEFAULT_FROM,
            fallback_to=env.get("LPSE_LEADS_FALLBACK_TO", "").strip(),
            outbox=Path(env["LPSE_LEADS_OUTBOX"]) if env.get("LPSE_LEADS_OUTBOX") else None,
            ca_file=Path(env["LPSE_LEADS_SMTP_CA_FILE"]) if env.get("LPSE_LEADS_SMTP_CA_FILE") else None,
            timeout=timeout,
            send_empty=env.get("LPSE_LEADS_DIGEST_SEND_EMPTY", "").strip().lower() in _TRUE,
            workbench_url=env.get("LPSE_LEADS_WEB_BASE_URL", "").strip().rstrip("/"),
        )

    def sender(self, environ: Mapping[str, str] | None = None) -> Sender:
        """SMTP when a URL is set (ValueError for a bad one, redacted), else the outbox folder."""
        if self.smtp_url:
            return SmtpSender(parse_smtp_url(self.smtp_url, timeout=self.timeout), ca_file=self.ca_file)
        return OutboxSender(self.outbox or default_outbox(environ))
