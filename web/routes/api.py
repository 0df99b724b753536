"""The JSON API: the lead list, one lead, and recording a status — same rules as the pages.

``Authorization: Bearer <token>`` (from `lpse-leads users token`) or the browser session with its
CSRF token in ``X-CSRF-Token``. 401 without credentials, 403 for a role that may not change leads,
404 for a lead outside the caller's scope, 422 with a message for a bad status or transition.
Lead objects carry the `leads list` keys (``LEAD_COLUMNS``) plus ``id``; money is an exact JSON
number (as `leads list --format jsonl`), dates ISO.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session
from starlette.responses import Response

from domain.dates import JAKARTA
from domain.jsonio import to_json
from web.access import Viewer, any_viewer, lead_scope
from web.actions import record_status
from web.db import db, engine_of
from web.lead_queries import API_STATUS_CHOICES, LeadFilter, count_leads, lead_in_scope, page_of_leads

router = APIRouter(prefix="/api")


def _json(value: Any, status_code: int = 200) -> Response:
    """JSON with exact money (``domain.jsonio``), never floats for rupiah."""
    return Response(to_json(value), status_code=status_code, media_type="application/json")


@router.get("/leads")
def api_leads(
    request: Request,
    status: str = "open",
    branch: str | None = None,
    since: dt.date | None = None,
    page: int = Query(1, ge=1),
    viewer: Viewer = Depends(any_viewer),
    session: Session = Depends(db),
) -> Response:
    """Leads in the caller's scope, highest score first, one page at a time."""
    if status not in API_STATUS_CHOICES:
        raise HTTPException(422, f"status must be one of: {', '.join(API_STATUS_CHOICES)}")
    size = request.app.state.settings.page_size
    where = LeadFilter(
        lead_scope(viewer),
        status=status,
        branch=branch or None,
        since=dt.datetime.combine(since, dt.time(), JAKARTA) if since else None,
    )
    total = count_leads(session, where)
    return _json(
        {"page": page, "page_size": size, "total": total, "leads": page_of_leads(session, where, page, size)}
    )


@router.get("/leads/{lead_id}")
def api_lead(lead_id: int, viewer: Viewer = Depends(any_viewer), session: Session = Depends(db)) -> Response:
    """One lead in the caller's scope (404 otherwise)."""
    lead = lead_in_scope(session, lead_id, lead_scope(viewer))
    if lead is None:
        raise HTTPException(404, "lead not found")
    return _json(lead)


class StatusChange(BaseModel):
    """Body of ``POST /api/leads/{id}/status``."""

    status: str = Field(max_length=20)
    note: str | None = Field(default=None, max_length=2000)
    reason: str | None = Field(default=None, max_length=40)
    registration_no: str | None = Field(default=None, max_length=100)


@router.post("/leads/{lead_id}/status")
def api_status(
    request: Request,
    lead_id: int,
    body: StatusChange,
    viewer: Viewer = Depends(any_viewer),
    session: Session = Depends(db),
) -> Response:
    """Record a status; answers the lead as it now is, and whether the status changed."""
    changed = record_status(
        engine_of(request),
        viewer,
        [lead_id],
        body.status,
        note=body.note,
        reason=body.reason,
        registration_no=body.registration_no,
    )
    session.rollback()  # end the request's read snapshot (taken before the change) and read anew
    lead = lead_in_scope(session, lead_id, lead_scope(viewer))
    return _json({"changed": bool(changed), "lead": lead})
