"""The workbench application: ``create_app(settings)`` builds it; `lpse-leads serve` runs it under uvicorn.

One engine per process (``app.state.engine``), created here and disposed at shutdown. Routers
are listed in ``ROUTERS``; a new area (e.g. ``web.dashboard``) adds its router there. Errors
answer in the caller's language: JSON ``{"detail": …}`` under ``/api``, an Indonesian page elsewhere.
"""

from __future__ import annotations

import importlib
from contextlib import asynccontextmanager
from importlib import resources
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from pipeline.db import make_engine
from web.access import NotAuthenticated
from web.settings import WebSettings
from web.templating import render

#: Modules with a ``router`` (APIRouter), included in this order.
ROUTERS: tuple[str, ...] = (
    "web.routes.auth",
    "web.routes.leads",
    "web.routes.api",
    "web.routes.users",
    "web.routes.files",
    "web.dashboard.routes",
)

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'"
    ),
}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def create_app(settings: WebSettings) -> FastAPI:
    """The workbench over ``settings.db_url`` (its schema must be current: see `lpse-leads serve`)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        app.state.engine.dispose()

    app = FastAPI(title="lpse-leads", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.settings = settings
    app.state.engine = make_engine(settings.db_url, immediate=False)
    app.mount("/static", StaticFiles(directory=str(resources.files("web") / "static")), name="static")
    for name in ROUTERS:
        app.include_router(importlib.import_module(name).router)

    @app.middleware("http")
    async def security_headers(request: Request, call_next) -> Response:
        response = await call_next(request)
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        if not request.url.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.exception_handler(NotAuthenticated)
    async def not_authenticated(request: Request, exc: NotAuthenticated) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": str(exc)}, status_code=401, headers={"WWW-Authenticate": "Bearer"})
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        return render(
            request, "error.html.j2", {"status": exc.status_code, "message": exc.detail}, exc.status_code
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        if _is_api(request):
            return JSONResponse({"detail": problems}, status_code=422)
        return render(request, "error.html.j2", {"status": 422, "message": problems}, 422)

    return app
