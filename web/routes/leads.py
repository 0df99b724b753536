"""The officer's pages: My leads (tabs, search, kab/kota filter, many-at-once actions, CSV/XLSX
export of the current view) and one lead's page with its actions and history."""

from __future__ import annotations

import io
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from sqlalchemy.orm import Session

from leads.export import write_csv, write_xlsx
from leads.lead_row import LEAD_COLUMNS
from pipeline.writer import utcnow
from web.access import Viewer, any_viewer, lead_scope
from web.actions import record_status
from web.db import db, engine_of
from web.lead_detail import lead_detail
from web.lead_queries import (
    TAB_LABELS,
    TABS,
    LeadFilter,
    count_leads,
    export_rows,
    kabkota_choices,
    lead_in_scope,
    page_of_leads,
    tab_counts,
)
from web.templating import render

router = APIRouter()
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filter(viewer: Viewer, tab: str, q: str, kabkota: str) -> LeadFilter:
    if tab not in TABS:
        raise HTTPException(422, f"tab tidak dikenal: {tab!r}")
    return LeadFilter(lead_scope(viewer), tab=tab, q=q[:200], kabkota=kabkota or None)


@router.get("/leads")
def lead_list(
    request: Request,
    tab: str = "new",
    q: str = "",
    kabkota: str = "",
    page: int = Query(1, ge=1),
    viewer: Viewer = Depends(any_viewer),
    session: Session = Depends(db),
) -> Response:
    """My leads: one tab, highest score first, 50 a page."""
    where = _filter(viewer, tab, q, kabkota)
    size = request.app.state.settings.page_size
    total = count_leads(session, where)
    params = {"tab": tab, "q": q, "kabkota": kabkota}
    return render(
        request,
        "leads.html.j2",
        {
            "tab": tab,
            "tabs": TAB_LABELS,
            "counts": tab_counts(session, lead_scope(viewer)),
            "q": q,
            "kabkota": kabkota,
            "kabkotas": kabkota_choices(session, lead_scope(viewer)),
            "leads": page_of_leads(session, where, page, size),
            "total": total,
            "page": page,
            "pages": max(1, -(-total // size)),
            "query": urlencode(params),
            "here": f"/leads?{urlencode({**params, 'page': page})}",
        },
    )


@router.get("/leads/export.{fmt}")
def export(
    fmt: str,
    tab: str = "new",
    q: str = "",
    kabkota: str = "",
    viewer: Viewer = Depends(any_viewer),
    session: Session = Depends(db),
) -> Response:
    """The current view (all pages) as CSV or XLSX, columns and neutralising of `leads list`."""
    where = _filter(viewer, tab, q, kabkota)
    stamp = utcnow().strftime("%Y%m%d")
    if fmt == "csv":
        text = io.StringIO()
        write_csv(text, LEAD_COLUMNS, export_rows(session, where))
        data, media = text.getvalue().encode("utf-8-sig"), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        buffer = io.BytesIO()
        write_xlsx(buffer, LEAD_COLUMNS, export_rows(session, where))
        data, media = buffer.getvalue(), XLSX_TYPE
    else:
        raise HTTPException(404, "Format ekspor tidak dikenal (csv atau xlsx).")
    name = f"lead-{tab}-{stamp}.{fmt}"
    return StreamingResponse(
        iter([data]), media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


def _back(target: str, fallback: str) -> str:
    """Where a form returns to: a path on this site only."""
    return target if target.startswith("/") and not target.startswith("//") else fallback


@router.post("/leads/status")
async def bulk_status(request: Request, viewer: Viewer = Depends(any_viewer)) -> Response:
    """Mark the ticked leads of a list at once (all or nothing)."""
    form = await request.form()
    try:
        ids = [int(value) for value in form.getlist("lead_id")]
    except ValueError:
        raise HTTPException(422, "Pilihan lead tidak sah.") from None
    changed = record_status(
        engine_of(request),
        viewer,
        ids,
        str(form.get("status") or ""),
        note=str(form.get("note") or ""),
        reason=str(form.get("reason") or "") or None,
        registration_no=str(form.get("registration_no") or ""),
    )
    back = _back(str(form.get("back") or ""), "/leads")
    sep = "&" if "?" in back else "?"
    return RedirectResponse(f"{back}{sep}{urlencode({'changed': changed})}", status_code=303)


@router.get("/leads/{lead_id}")
def lead_page(
    request: Request, lead_id: int, viewer: Viewer = Depends(any_viewer), session: Session = Depends(db)
) -> Response:
    """One lead: package, contractor, match, estimate, deadline, history and actions."""
    lead = lead_in_scope(session, lead_id, lead_scope(viewer))
    if lead is None:
        raise HTTPException(404, "Lead tidak ditemukan.")
    return render(request, "lead.html.j2", {"d": lead_detail(session, lead), "lead": lead})


@router.post("/leads/{lead_id}/status")
def lead_status(
    request: Request,
    lead_id: int,
    status: str = Form(...),
    note: str = Form(""),
    reason: str = Form(""),
    registration_no: str = Form(""),
    viewer: Viewer = Depends(any_viewer),
) -> Response:
    """Record what happened to one lead, then show its page again."""
    record_status(
        engine_of(request),
        viewer,
        [lead_id],
        status,
        note=note,
        reason=reason or None,
        registration_no=registration_no,
    )
    return RedirectResponse(f"/leads/{lead_id}?saved=1", status_code=303)
