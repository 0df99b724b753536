"""Access rules, enforced on the server for every page, export and API call.

Every route takes a ``Viewer`` from one of the dependencies below; there is no other way to learn
who is asking. ``current_viewer`` authenticates (``Authorization: Bearer`` token, else the session
cookie) and, for a session, refuses any POST/PUT/PATCH/DELETE whose CSRF token (form field
``csrf_token`` or header ``X-CSRF-Token``) is missing or wrong — so no form can forget it.
``require_roles`` adds a role check; ``lead_scope`` is the SQL condition limiting leads to what the
viewer may see:

- officer: leads routed to their branch;
- kanwil: leads of the Kanwil's branches and of its fallback queue;
- analyst: every lead, read only; admin: every lead, read only, plus people and reference files.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Depends, HTTPException, Request
from sqlalchemy import ColumnElement, and_, or_, select, true
from sqlalchemy.orm import Session

from leads.models import Branch, Lead
from pipeline.writer import utcnow
from web.auth import same, session_user, token_user
from web.db import db

SESSION_COOKIE = "lpse_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: Roles that may change leads (officers their branch's, Kanwil users their Kanwil's).
LEAD_WRITERS: tuple[str, ...] = ("officer", "kanwil")


class NotAuthenticated(Exception):
    """No valid credentials: a page redirects to the login form, the API answers 401."""


@dataclass(frozen=True)
class Viewer:
    """The person behind a request, with their scope; ``csrf_token`` is None for API-token requests."""

    id: int
    email: str
    role: str
    branch_code: str | None
    kanwil: str | None
    via: str  # "session" or "token"
    csrf_token: str | None = None

    @property
    def can_change_leads(self) -> bool:
        """Officers and Kanwil users record what happened; analysts and admins only read."""
        return self.role in LEAD_WRITERS

    @property
    def scope_label(self) -> str:
        """What the viewer sees, in Indonesian (shown in the page header)."""
        if self.role == "officer":
            return f"Kantor cabang {self.branch_code}"
        if self.role == "kanwil":
            return f"Kanwil {self.kanwil}"
        return "Nasional"


def lead_scope(viewer: Viewer) -> ColumnElement[bool]:
    """SQL condition on ``Lead`` selecting the leads ``viewer`` may see."""
    if viewer.role == "officer":
        return Lead.branch_code == viewer.branch_code
    if viewer.role == "kanwil":
        branches = select(Branch.code).where(Branch.kanwil == viewer.kanwil)
        return or_(
            Lead.branch_code.in_(branches), and_(Lead.branch_code.is_(None), Lead.kanwil == viewer.kanwil)
        )
    if viewer.role in ("analyst", "admin"):
        return true()
    return Lead.id.is_(None)  # an unknown role sees nothing


async def sent_csrf_token(request: Request) -> str | None:
    """The CSRF token the request carries (header, else form field); None when it has none."""
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    if request.method in UNSAFE_METHODS and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


def _bearer(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer`` header."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def current_viewer(
    request: Request, session: Session = Depends(db), sent_csrf: str | None = Depends(sent_csrf_token)
) -> Viewer:
    """Dependency: the authenticated person (401 / login redirect otherwise), CSRF checked for a session."""
    token = _bearer(request)
    if token is not None:
        user = token_user(session, token)
        if user is None:
            raise NotAuthenticated("invalid or revoked token")
        viewer = Viewer(user.id, user.email, user.role, user.branch_code, user.kanwil, "token")
    else:
        cookie = request.cookies.get(SESSION_COOKIE)
        found = session_user(session, cookie, utcnow()) if cookie else None
        if found is None:
            raise NotAuthenticated("login required")
        user, csrf = found
        viewer = Viewer(user.id, user.email, user.role, user.branch_code, user.kanwil, "session", csrf)
        if request.method in UNSAFE_METHODS and not same(sent_csrf, csrf):
            raise HTTPException(403, "Token CSRF tidak ada atau salah; muat ulang halaman lalu coba lagi.")
    request.state.viewer = viewer
    return viewer


def require_roles(*roles: str):
    """Dependency factory: the viewer, refused with 403 unless their role is one of ``roles``."""

    def dependency(viewer: Viewer = Depends(current_viewer)) -> Viewer:
        if viewer.role not in roles:
            raise HTTPException(403, "Peran Anda tidak diizinkan untuk tindakan ini.")
        return viewer

    dependency.__name__ = f"require_{'_'.join(roles)}"
    return dependency


#: Ready-made dependencies: any logged-in person; people who change leads; administrators.
any_viewer = current_viewer
lead_writer = require_roles(*LEAD_WRITERS)
admin_only = require_roles("admin")
