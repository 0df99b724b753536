"""The admin's page of people: list, add, disable (tokens are issued with `lpse-leads users token`)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from pipeline.writer import utcnow
from web.access import Viewer, admin_only
from web.db import db, engine_of, write_session
from web.models import ROLES
from web.people import PeopleError, add_person, disable_person, list_people
from web.templating import add_nav, render

router = APIRouter(prefix="/admin")
add_nav("Pengguna", "/admin/users", ("admin",))


def _page(request: Request, session: Session, message: str = "", status: int = 200) -> Response:
    return render(
        request, "users.html.j2", {"people": list_people(session), "roles": ROLES, "message": message}, status
    )


@router.get("/users")
def users_page(
    request: Request, viewer: Viewer = Depends(admin_only), session: Session = Depends(db)
) -> Response:
    """Everyone with their role, scope, state and failed logins."""
    return _page(request, session)


@router.post("/users")
def users_add(
    request: Request,
    email: str = Form(...),
    role: str = Form(...),
    password: str = Form(...),
    branch: str = Form(""),
    kanwil: str = Form(""),
    viewer: Viewer = Depends(admin_only),
    session: Session = Depends(db),
) -> Response:
    """Add a person (the admin's e-mail is recorded as who)."""
    try:
        with write_session(engine_of(request)) as writer:
            add_person(
                writer,
                email,
                role,
                password,
                branch=branch or None,
                kanwil=kanwil or None,
                by=viewer.email,
                now=utcnow(),
            )
    except PeopleError as exc:
        return _page(request, session, str(exc), 422)
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/users/disable")
def users_disable(
    request: Request,
    email: str = Form(...),
    viewer: Viewer = Depends(admin_only),
    session: Session = Depends(db),
) -> Response:
    """Disable a person: their sessions and tokens stop working at once."""
    try:
        with write_session(engine_of(request)) as writer:
            disable_person(writer, email, by=viewer.email, now=utcnow())
    except PeopleError as exc:
        return _page(request, session, str(exc), 404)
    return RedirectResponse("/admin/users", status_code=303)
