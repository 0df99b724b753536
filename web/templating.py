"""Jinja2 pages in the digest's look (same colours, money and date formats), and the navigation.

``render`` gives every template the viewer, their CSRF token and the navigation entries their
role may see. A new area adds its entry with ``add_nav`` (see web/README.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib import resources
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from digest.formatting import basis_label, is_pre_award, rupiah, safe_link, short_date
from digest.render import npwp_display
from leads.lifecycle import DISMISS_REASONS

TEMPLATES = Jinja2Templates(directory=str(resources.files("web") / "templates"))
TEMPLATES.env.filters.update(
    rupiah=rupiah, short_date=short_date, basis_label=basis_label, safe_link=safe_link
)
TEMPLATES.env.filters.update(npwp=npwp_display)


def schedule_time(text: str | None) -> str:
    """A jadwal time as SPSE showed it (ISO, WIB) → `16 Mar 2026 09:00`; a date alone → `16 Mar 2026`."""
    if not text:
        return "–"
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return text
    day = short_date(moment.date())
    return day if len(text) <= 10 else f"{day} {moment:%H:%M}"


TEMPLATES.env.filters.update(schedule_time=schedule_time)
TEMPLATES.env.globals.update(is_pre_award=is_pre_award, DISMISS_REASONS=DISMISS_REASONS)

#: Indonesian names of lead statuses.
STATUS_LABELS: dict[str, str] = {
    "new": "Baru",
    "sent": "Terkirim",
    "contacted": "Dihubungi",
    "registered": "Terdaftar",
    "dismissed": "Ditolak",
}
ROLE_LABELS: dict[str, str] = {
    "officer": "Petugas cabang",
    "kanwil": "Kanwil",
    "analyst": "Analis",
    "admin": "Admin",
}
TEMPLATES.env.globals.update(STATUS_LABELS=STATUS_LABELS, ROLE_LABELS=ROLE_LABELS)


@dataclass(frozen=True)
class NavItem:
    """One entry of the top navigation, shown to the listed roles (links only: routes check access)."""

    label: str
    path: str
    roles: tuple[str, ...]


NAV: list[NavItem] = [NavItem("Lead", "/leads", ("officer", "kanwil", "analyst", "admin"))]


def add_nav(label: str, path: str, roles: tuple[str, ...]) -> None:
    """Add a navigation entry (once per path)."""
    if all(item.path != path for item in NAV):
        NAV.append(NavItem(label, path, roles))


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    """Render a page with the viewer, their CSRF token and their navigation."""
    viewer = getattr(request.state, "viewer", None)
    values = {
        "viewer": viewer,
        "csrf_token": viewer.csrf_token if viewer else None,
        "nav": [item for item in NAV if viewer and viewer.role in item.roles],
        "current_path": request.url.path,
    }
    values.update(context or {})
    return TEMPLATES.TemplateResponse(request, name, values, status_code=status_code)
