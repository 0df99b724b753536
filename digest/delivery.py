"""Delivering a digest: SMTP (plain relay, STARTTLS, implicit TLS) or the outbox folder.

One ``Sender`` protocol with two implementations. ``SmtpSender`` reports per-recipient refusals
instead of raising, so the caller can record exactly who got the message; connection failures and
timeouts become a failed ``SendResult`` with a readable reason. Credentials live only in
``SmtpConfig`` (hidden from ``repr``) and are scrubbed from every reason; ``redact_url`` (the
project's one implementation, ``pipeline.runs``, re-exported here) shows an SMTP URL safely.
"""

from __future__ import annotations

import os
import re
import smtplib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

from pipeline.runs import redact_url

__all__ = [
    "OutboxSender",
    "SendResult",
    "Sender",
    "SmtpConfig",
    "SmtpSender",
    "default_outbox",
    "parse_smtp_url",
    "redact_url",
]

SCHEMES = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}
DEFAULT_TIMEOUT = 30.0
_UNSAFE_FILE_CHARS = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    """Where and how to talk SMTP. ``password`` never shows in ``repr``; ``url`` is redacted."""

    scheme: str
    host: str
    port: int
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = DEFAULT_TIMEOUT
    url: str = ""

    @property
    def tls(self) -> str:
        """`none`, `starttls` or `implicit`."""
        return {"smtp": "none", "smtp+starttls": "starttls", "smtps": "implicit"}[self.scheme]


def parse_smtp_url(url: str, *, timeout: float = DEFAULT_TIMEOUT) -> SmtpConfig:
    """`smtp://host:25`, `smtp+starttls://user:pass@host:587`, `smtps://user:pass@host:465`.

    User and password are URL-decoded (`%40` → `@`). ValueError (with the URL redacted) for an
    unknown scheme, a missing host or a bad port.
    """
    shown = redact_url(url)
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"invalid SMTP URL {shown}: bad port") from exc
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise ValueError(f"invalid SMTP URL {shown}: scheme must be one of {', '.join(SCHEMES)}")
    if not parts.hostname:
        raise ValueError(f"invalid SMTP URL {shown}: no host")
    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    if password and not username:
        raise ValueError(f"invalid SMTP URL {shown}: password without user")
    return SmtpConfig(
        scheme=scheme,
        host=parts.hostname,
        port=port or SCHEMES[scheme],
        username=username,
        password=password,
        timeout=timeout,
        url=shown,
    )


@dataclass(frozen=True, slots=True)
class SendResult:
    """What happened to one message: who accepted it, who refused it (with the reply), or why not.

    ``ok`` only when every envelope recipient accepted it. ``where`` says where it went (redacted).
    """

    accepted: tuple[str, ...] = ()
    refused: Mapping[str, str] = field(default_factory=dict)
    error: str | None = None
    where: str = ""

    @property
    def ok(self) -> bool:
        """True when nothing failed and nobody refused."""
        return self.error is None and not self.refused and bool(self.accepted)

    @property
    def reason(self) -> str | None:
        """One line for records and summaries; None when ``ok``."""
        if self.ok:
            return None
        bits = []
        if self.error:
            bits.append(self.error)
        bits.extend(f"{rcpt} refused: {reply}" for rcpt, reply in sorted(self.refused.items()))
        return "; ".join(bits) or "no recipient accepted the message"


class Sender(Protocol):
    """Delivers one message to the given envelope recipients and reports the outcome."""

    def send(self, message: EmailMessage, recipients: Sequence[str]) -> SendResult:
        """Deliver ``message`` to ``recipients``; never raises for delivery problems."""
        ...

    def describe(self) -> str:
        """Where messages go, safe to print (`smtp+starttls://***@host:587`, `outbox /path`)."""
        ...


def _reply(code: int, text: bytes | str) -> str:
    """`550 no such user` from an SMTP reply code and text."""
    message = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {message}".strip()


class SmtpSender:
    """Sends over SMTP with smtplib, a timeout on every socket operation, verified TLS.

    TLS uses ``ssl.create_default_context()`` (certificate and host name verified) unless a
    context is passed (tests pass one trusting their own CA) or ``ca_file`` names a CA bundle.
    STARTTLS is required for `smtp+starttls`: a server that does not offer it fails the send.
    """

    def __init__(
        self,
        config: SmtpConfig,
        *,
        ssl_context: ssl.SSLContext | None = None,
        ca_file: str | os.PathLike[str] | None = None,
        local_hostname: str | None = None,
    ) -> None:
        self.config = config
        self.ssl_context = ssl_context or ssl.create_default_context(cafile=ca_file)
        self.local_hostname = local_hostname

    def describe(self) -> str:
        """The redacted SMTP URL."""
        return self.config.url or f"{self.config.scheme}://{self.config.host}:{self.config.port}"

    def _scrub(self, text: str) -> str:
        """``text`` without the password or user name, in case a server or library echoed them."""
        for secret in (self.config.password, self.config.username):
            if secret:
                text = text.replace(secret, "***")
        return text

    def _connect(self) -> smtplib.SMTP:
        """An open, greeted, (if asked) encrypted and logged-in connection."""
        cfg = self.config
        if cfg.tls == "implicit":
            server: smtplib.SMTP = smtplib.SMTP_SSL(
                cfg.host,
                cfg.port,
                timeout=cfg.timeout,
                context=self.ssl_context,
                local_hostname=self.local_hostname,
            )
        else:
            server = smtplib.SMTP(cfg.host, cfg.port, timeout=cfg.timeout, local_hostname=self.local_hostname)
        try:
            server.ehlo()
            if cfg.tls == "starttls":
                server.starttls(context=self.ssl_context)
                server.ehlo()
            if cfg.username:
                server.login(cfg.username, cfg.password or "")
        except BaseException:
            server.close()
            raise
        return server

    def send(self, message: EmailMessage, recipients: Sequence[str]) -> SendResult:
        """Deliver to ``recipients``; refusals per recipient, anything else as ``error``."""
        where = self.describe()
        recipients = list(recipients)
        try:
            server = self._connect()
            try:
                refused = server.send_message(message, to_addrs=recipients)
            finally:
                try:
                    server.quit()
                except (smtplib.SMTPException, OSError):
                    server.close()
        except smtplib.SMTPRecipientsRefused as exc:
            return SendResult(
                refused={r: self._scrub(_reply(c, t)) for r, (c, t) in exc.recipients.items()}, where=where
            )
        except smtplib.SMTPResponseException as exc:
            return SendResult(
                error=self._scrub(f"SMTP error {_reply(exc.smtp_code, exc.smtp_error)}"), where=where
            )
        except smtplib.SMTPServerDisconnected as exc:
            if not isinstance(exc.__context__, TimeoutError):
                return SendResult(error=f"cannot deliver via {where}: {self._scrub(str(exc))}", where=where)
            return SendResult(
                error=f"timed out after {self.config.timeout:g}s talking to {where}", where=where
            )
        except TimeoutError:
            return SendResult(
                error=f"timed out after {self.config.timeout:g}s talking to {where}", where=where
            )
        except ssl.SSLError as exc:
            return SendResult(error=self._scrub(f"TLS failure with {where}: {exc}"), where=where)
        except (smtplib.SMTPException, OSError) as exc:
            detail = self._scrub(str(exc) or type(exc).__name__)
            return SendResult(error=f"cannot deliver via {where}: {detail}", where=where)
        refused_text = {r: self._scrub(_reply(c, t)) for r, (c, t) in refused.items()}
        accepted = tuple(r for r in recipients if r not in refused_text)
        return SendResult(accepted=accepted, refused=refused_text, where=where)


def default_outbox(environ: Mapping[str, str] | None = None) -> Path:
    """`$LPSE_LEADS_HOME/outbox`, or `./var/outbox` when LPSE_LEADS_HOME is not set."""
    env = os.environ if environ is None else environ
    home = env.get("LPSE_LEADS_HOME")
    return Path(home) / "outbox" if home else Path("var") / "outbox"


def outbox_stem(message: EmailMessage) -> str:
    """A file name stem from the Message-ID: re-sending the same digest rewrites the same files."""
    message_id = str(message.get("Message-ID", "")).strip().strip("<>").partition("@")[0]
    return _UNSAFE_FILE_CHARS.sub("_", message_id).strip("._") or "message"


class OutboxSender:
    """The embedded default: writes each message as `<stem>.eml` plus an `<stem>.html` preview."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)

    def describe(self) -> str:
        """`outbox /abs/path`."""
        return f"outbox {self.folder.resolve()}"

    def send(self, message: EmailMessage, recipients: Sequence[str]) -> SendResult:
        """Write the files atomically (temp file + rename); every recipient counts as accepted."""
        stem = outbox_stem(message)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            eml = self.folder / f"{stem}.eml"
            _write_atomic(eml, message.as_bytes())
            body = message.get_body(preferencelist=("html",))
            if body is not None:
                _write_atomic(self.folder / f"{stem}.html", body.get_content().encode("utf-8"))
        except OSError as exc:
            return SendResult(error=f"cannot write to outbox {self.folder}: {exc}", where=self.describe())
        return SendResult(accepted=tuple(recipients), where=str(eml.resolve()))


def _write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder, so no half files remain."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
