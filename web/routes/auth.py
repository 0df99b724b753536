"""Login and logout. The login form carries its own CSRF token (a cookie + field pair), since
there is no session yet; a failed attempt is answered only after its delay (``web.auth.login``)."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from pipeline.writer import utcnow
from web.access import CSRF_FIELD, SESSION_COOKIE, Viewer, any_viewer
from web.auth import close_session, login, new_secret, open_session, same
from web.db import engine_of, write_session
from web.templating import render

router = APIRouter()
LOGIN_CSRF_COOKIE = "lpse_login_csrf"


def _secure(request: Request) -> bool:
    """Cookies get Secure when the workbench is reached over TLS (directly or behind a trusted proxy)."""
    return request.url.scheme == "https"


def _safe_next(target: str | None) -> str:
    """Only a path on this site (never another host) after login."""
    if not target or not target.startswith("/") or target.startswith("//") or urlsplit(target).netloc:
        return "/"
    return target


def _login_page(request: Request, message: str = "", status: int = 200, next_path: str = "/") -> Response:
    token = new_secret()
    response = render(
        request, "login.html.j2", {"login_csrf": token, "message": message, "next": next_path}, status
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE, token, httponly=True, samesite="lax", secure=_secure(request), path="/login"
    )
    return response


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    """The login form."""
    return _login_page(request, next_path=_safe_next(next))


@router.post("/login")
async def login_submit(
    request: Request,
    email: str = Form(""),
    password: str = Form(""),
    next: str = Form("/"),
) -> Response:
    """Check the credentials; on success start a session (HttpOnly, SameSite=Lax, Secure over TLS)."""
    form = await request.form()
    if not same(str(form.get(CSRF_FIELD) or ""), request.cookies.get(LOGIN_CSRF_COOKIE)):
        return _login_page(request, "Formulir kedaluwarsa; silakan coba lagi.", 403, _safe_next(next))
    settings = request.app.state.settings

    def attempt() -> tuple[str | None, str, float]:
        now = utcnow()
        with write_session(engine_of(request)) as session:
            result = login(session, email, password, now=now, settings=settings)
            cookie = open_session(session, result.user, now=now, settings=settings) if result.user else None
        return cookie, result.message, result.delay

    cookie, message, delay = await asyncio.to_thread(attempt)
    if cookie is None:
        await asyncio.sleep(delay)
        return _login_page(request, message, 401, _safe_next(next))
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        cookie,
        max_age=settings.session_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        path="/",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(request: Request, viewer: Viewer = Depends(any_viewer)) -> Response:
    """End the session (CSRF-checked like every form)."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        with write_session(engine_of(request)) as session:
            close_session(session, cookie)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/")
def home(viewer: Viewer = Depends(any_viewer)) -> Response:
    """Start page: the lead list (the dashboard area may take analysts elsewhere)."""
    return RedirectResponse("/leads", status_code=303)
