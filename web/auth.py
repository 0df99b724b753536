"""Who is asking: argon2 passwords, API tokens and browser sessions (only hashes are stored).

Tokens and session ids are 256-bit random strings; the database keeps their SHA-256, so a
copy of the database lets nobody in. Failed logins are counted per account and slowed (the
delay doubles per failure); after ``lockout_failures`` in a row the account refuses logins for
a while. A disabled account's sessions and tokens stop working on the next request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from web.models import ApiToken, User, WebSession
from web.settings import WebSettings

log = logging.getLogger(__name__)
_HASHER = PasswordHasher()
#: Verified against when the e-mail is unknown, so both cases take the same time.
_DUMMY_HASH = _HASHER.hash("lpse-leads: no such user")
TOKEN_PREFIX = "lpl_"
MIN_PASSWORD = 10


def hash_password(password: str) -> str:
    """argon2id hash of a password."""
    return _HASHER.hash(password)


def check_password(stored_hash: str, password: str) -> bool:
    """True when ``password`` matches ``stored_hash``."""
    try:
        return _HASHER.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def digest(secret: str) -> str:
    """SHA-256 hex of a token or session id: what the database keeps."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    """A fresh 256-bit random string (URL-safe)."""
    return secrets.token_urlsafe(32)


def same(a: str | None, b: str | None) -> bool:
    """Constant-time equality of two secrets (False when either is missing)."""
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


@dataclass(frozen=True)
class LoginResult:
    """The outcome of one login attempt: the user, or why not and how long to wait before answering."""

    user: User | None
    message: str = ""
    delay: float = 0.0


def failure_delay(failures: int, settings: WebSettings) -> float:
    """Seconds to wait before answering the ``failures``-th failed login in a row."""
    if failures <= 0:
        return 0.0
    return min(settings.login_delay_seconds * 2 ** (failures - 1), settings.login_delay_max_seconds)


def login(
    session: Session, email: str, password: str, *, now: dt.datetime, settings: WebSettings
) -> LoginResult:
    """Check e-mail + password (counting failures); the caller commits and waits ``delay``."""
    wrong = "E-mail atau kata sandi salah."
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        check_password(_DUMMY_HASH, password)
        log.warning("failed login for unknown account")
        return LoginResult(None, wrong, settings.login_delay_seconds)
    locked_until = (
        user.last_failed_login + dt.timedelta(minutes=settings.lockout_minutes)
        if user.last_failed_login and user.failed_logins >= settings.lockout_failures
        else None
    )
    if locked_until and now < locked_until:
        log.warning("login refused: account %s locked after %d failures", user.id, user.failed_logins)
        return LoginResult(
            None, "Terlalu banyak percobaan gagal; coba lagi nanti.", settings.login_delay_max_seconds
        )
    if not user.active or not check_password(user.password_hash, password):
        user.failed_logins += 1
        user.last_failed_login = now
        log.warning("failed login for account %s (%d in a row)", user.id, user.failed_logins)
        return LoginResult(None, wrong, failure_delay(user.failed_logins, settings))
    if _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.last_login = now
    return LoginResult(user)


def open_session(session: Session, user: User, *, now: dt.datetime, settings: WebSettings) -> str:
    """Start a browser session for ``user``; returns the cookie value (only its hash is stored)."""
    cookie = new_secret()
    session.execute(delete(WebSession).where(WebSession.expires_at < now))
    session.add(
        WebSession(
            id_hash=digest(cookie),
            user_id=user.id,
            csrf_token=new_secret(),
            created_at=now,
            expires_at=now + dt.timedelta(hours=settings.session_hours),
        )
    )
    return cookie


def close_session(session: Session, cookie: str) -> None:
    """Forget a browser session (logout)."""
    session.execute(delete(WebSession).where(WebSession.id_hash == digest(cookie)))


def session_user(session: Session, cookie: str, now: dt.datetime) -> tuple[User, str] | None:
    """(active user, CSRF token) of a live browser session, else None."""
    row = session.execute(
        select(User, WebSession.csrf_token)
        .join(WebSession, WebSession.user_id == User.id)
        .where(WebSession.id_hash == digest(cookie), WebSession.expires_at > now, User.active.is_(True))
    ).first()
    return None if row is None else (row[0], row[1])


def token_user(session: Session, token: str) -> User | None:
    """The active user an API token belongs to, else None."""
    return session.scalar(
        select(User)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == digest(token), User.active.is_(True))
    )


def issue_token(session: Session, user: User, now: dt.datetime) -> str:
    """A new API token for ``user``, replacing any earlier one; the plain token is returned once."""
    token = TOKEN_PREFIX + new_secret()
    session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    session.add(ApiToken(user_id=user.id, token_hash=digest(token), created_at=now))
    return token


def end_all_access(session: Session, user_id: int) -> None:
    """Drop every session and token of a user (on disable)."""
    session.execute(delete(WebSession).where(WebSession.user_id == user_id))
    session.execute(delete(ApiToken).where(ApiToken.user_id == user_id))
