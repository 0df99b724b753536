"""Managing people: add, list, disable, issue an API token — for `lpse-leads users` and the admin page.

Each change is a ``user_events`` row (who, when, action, from → to). An officer needs a branch
that is in the branch table; a Kanwil user a Kanwil named there (or in the province → Kanwil
table). Disabling ends every session and token of the person at once.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from leads.branches_file import province_kanwil
from leads.models import Branch
from web.auth import MIN_PASSWORD, end_all_access, hash_password, issue_token
from web.models import ROLES, User, UserEvent

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class PeopleError(ValueError):
    """A person cannot be added or changed as asked (the message says why)."""


@dataclass(frozen=True)
class PersonRow:
    """One person as `users list` shows them."""

    email: str
    role: str
    scope: str
    active: bool
    failed_logins: int
    last_login: dt.datetime | None


def _event(
    session: Session, user: User, by: str, action: str, old: str | None, new: str | None, now: dt.datetime
) -> None:
    session.add(UserEvent(user_id=user.id, at=now, by=by, action=action, old_value=old, new_value=new))


def _kanwils(session: Session) -> set[str]:
    names = {k for k in session.scalars(select(Branch.kanwil)) if k}
    return names | {k.name for k in province_kanwil().values()}


def add_person(
    session: Session,
    email: str,
    role: str,
    password: str,
    *,
    branch: str | None,
    kanwil: str | None,
    by: str,
    now: dt.datetime,
) -> User:
    """Add a person (PeopleError for a bad e-mail, role, scope, short password or a taken e-mail)."""
    email = email.strip().lower()
    if not _EMAIL.match(email):
        raise PeopleError(f"not an e-mail address: {email!r}")
    if role not in ROLES:
        raise PeopleError(f"unknown role {role!r} (use one of: {', '.join(ROLES)})")
    if len(password) < MIN_PASSWORD:
        raise PeopleError(f"the password must have at least {MIN_PASSWORD} characters")
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise PeopleError(f"{email} already exists")
    if role == "officer":
        if not branch:
            raise PeopleError("an officer needs --branch CODE")
        if session.get(Branch, branch) is None:
            known = ", ".join(session.scalars(select(Branch.code).order_by(Branch.code))) or "none loaded"
            raise PeopleError(f"no branch {branch!r} in the branch table (known: {known})")
    elif branch:
        raise PeopleError("--branch is only for officers")
    if role == "kanwil":
        if not kanwil:
            raise PeopleError("a Kanwil user needs --kanwil NAME")
        if kanwil not in _kanwils(session):
            raise PeopleError(f"no Kanwil {kanwil!r} in the branch or province tables")
    elif kanwil:
        raise PeopleError("--kanwil is only for Kanwil users")
    user = User(
        email=email,
        role=role,
        branch_code=branch,
        kanwil=kanwil,
        password_hash=hash_password(password),
        active=True,
        failed_logins=0,
        created_at=now,
    )
    session.add(user)
    session.flush()
    _event(session, user, by, "added", None, f"{role} {branch or kanwil or ''}".strip(), now)
    return user


def find_person(session: Session, email: str) -> User:
    """The person with that e-mail (PeopleError when there is none)."""
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise PeopleError(f"no user {email!r}")
    return user


def disable_person(session: Session, email: str, *, by: str, now: dt.datetime) -> bool:
    """Disable a person and end their sessions and tokens; False when already disabled."""
    user = find_person(session, email)
    end_all_access(session, user.id)
    if not user.active:
        return False
    user.active = False
    _event(session, user, by, "disabled", "active", "disabled", now)
    return True


def new_token(session: Session, email: str, *, by: str, now: dt.datetime) -> str:
    """A new API token for an active person (the old one stops working); printed once, stored hashed."""
    user = find_person(session, email)
    if not user.active:
        raise PeopleError(f"{user.email} is disabled")
    token = issue_token(session, user, now)
    _event(session, user, by, "token", None, "issued", now)
    return token


def list_people(session: Session) -> list[PersonRow]:
    """Everyone, by e-mail."""
    return [
        PersonRow(
            u.email, u.role, u.branch_code or u.kanwil or "nasional", u.active, u.failed_logins, u.last_login
        )
        for u in session.scalars(select(User).order_by(User.email))
    ]
