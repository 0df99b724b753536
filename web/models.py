"""The workbench's tables: people, their API tokens and login sessions, and every change to them.

On the pipeline's ``Base`` (one schema, one migration history). Lead changes made in the workbench
are ``lead_events`` rows (``leads.lifecycle``); changes to people are ``user_events`` rows here.
Secrets are never stored: passwords as argon2 hashes, tokens and session ids as SHA-256 hashes.
Explained in docs/schema.md.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pipeline.models import Base

#: Roles, least to most powerful in what they may see (admin manages people, not leads).
ROLES: tuple[str, ...] = ("officer", "kanwil", "analyst", "admin")


class User(Base):
    """A person who logs in: role and scope (branch for officers, Kanwil for kanwil users)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    role: Mapped[str] = mapped_column(String(12))
    branch_code: Mapped[str | None] = mapped_column(String(40))
    kanwil: Mapped[str | None] = mapped_column(Text)
    password_hash: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    last_failed_login: Mapped[dt.datetime | None]
    last_login: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime]


class ApiToken(Base):
    """An API token (``Authorization: Bearer``); only its SHA-256 hash is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime]


class WebSession(Base):
    """A browser login: the cookie's SHA-256 hash, its CSRF token and when it expires."""

    __tablename__ = "web_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]


class UserEvent(Base):
    """One change to a person: added, disabled, token issued, password set (who, when, from → to, note)."""

    __tablename__ = "user_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime]
    by: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(20))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
