"""Dashboard pages: ``/dashboard`` (HTML with SVG map and charts) and ``/dashboard/<table>.csv``.

Who sees what is decided here, on the server, from the ``Viewer`` alone (``scope_for``):

- analyst, admin: national by default; any Kanwil (``?kanwil=``) or branch (``?cabang=``);
- kanwil: its own Kanwil, or one of its branches; anything else is 403;
- officer: its own branch's dashboard only (its funnel, backlog and contractors are its daily work);
  asking for a Kanwil, another branch or the national view is 403.

The CSV of every chart takes the same parameters and the same checks.
"""

from __future__ import annotations

import io

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from leads.export import write_csv
from leads.models import Branch, BranchKabkota
from leads.summary_models import SummaryCell
from pipeline.writer import utcnow
from web.access import Viewer, any_viewer
from web.dashboard import page
from web.dashboard.freshen import freshen
from web.dashboard.queries import Scope
from web.db import db, engine_of
from web.templating import add_nav

router = APIRouter(prefix="/dashboard")
add_nav("Dasbor", "/dashboard", ("officer", "kanwil", "analyst", "admin"))

NOT_YOURS = "Dasbor ini di luar wilayah kerja Anda."


def _kanwil_exists(session: Session, name: str) -> bool:
    known = session.scalar(select(Branch.code).where(Branch.kanwil == name).limit(1))
    return known is not None or session.scalar(
        select(SummaryCell.id).where(SummaryCell.kanwil == name).limit(1)
    )


def scope_for(viewer: Viewer, session: Session, kanwil: str, cabang: str) -> Scope:
    """The scope ``viewer`` asked for, if allowed: 403 outside their area, 404 for an unknown one."""
    branch_kanwil = None
    if cabang:
        row = session.execute(select(Branch.code, Branch.kanwil).where(Branch.code == cabang)).first()
        if row is None and viewer.role in ("analyst", "admin"):
            raise HTTPException(404, f"Kantor cabang {cabang!r} tidak dikenal.")
        branch_kanwil = row.kanwil if row else None
    if viewer.role in ("analyst", "admin"):
        if cabang:
            return Scope("branch", cabang)
        if kanwil:
            if not _kanwil_exists(session, kanwil):
                raise HTTPException(404, f"Kanwil {kanwil!r} tidak dikenal.")
            return Scope("kanwil", kanwil)
        return Scope("national")
    if viewer.role == "kanwil" and viewer.kanwil:
        if kanwil and kanwil != viewer.kanwil:
            raise HTTPException(403, NOT_YOURS)
        if cabang:
            if branch_kanwil != viewer.kanwil:
                raise HTTPException(403, NOT_YOURS)
            return Scope("branch", cabang)
        return Scope("kanwil", viewer.kanwil)
    if viewer.role == "officer" and viewer.branch_code:
        if kanwil or (cabang and cabang != viewer.branch_code):
            raise HTTPException(403, NOT_YOURS)
        return Scope("branch", viewer.branch_code)
    raise HTTPException(403, NOT_YOURS)


def focus_of(session: Session, scope: Scope) -> set[str] | None:
    """Kab/kota the map zooms to: those covered by the scope's branches and those with its leads."""
    if scope.level == "national":
        return None
    covered = select(BranchKabkota.kabkota_code).join(Branch, Branch.code == BranchKabkota.branch_code)
    covered = covered.where(
        Branch.kanwil == scope.key if scope.level == "kanwil" else Branch.code == scope.key
    )
    with_leads = select(SummaryCell.kabkota_code).where(scope.where(), SummaryCell.kabkota_code.is_not(None))
    return set(session.scalars(covered)) | set(session.scalars(with_leads.distinct()))


@router.get("")
def dashboard(
    request: Request,
    kanwil: str = "",
    cabang: str = "",
    peta: str = "lead",
    viewer: Viewer = Depends(any_viewer),
    session: Session = Depends(db),
) -> Response:
    """The dashboard of the viewer's scope (or the Kanwil / branch asked for, when allowed)."""
    scope = scope_for(viewer, session, kanwil.strip(), cabang.strip())
    if peta not in page.MAP_MEASURES:
        raise HTTPException(422, f"peta harus salah satu dari: {', '.join(page.MAP_MEASURES)}")
    stale = freshen(engine_of(request))
    session.commit()  # a new read transaction: the refreshed summary
    return page.render_dashboard(
        request,
        session,
        viewer,
        scope,
        peta,
        focus_of(session, scope),
        page.scope_choices(session, viewer),
        stale,
    )


@router.get("/{name}.csv")
def table_csv(
    request: Request,
    name: str,
    kanwil: str = "",
    cabang: str = "",
    viewer: Viewer = Depends(any_viewer),
    session: Session = Depends(db),
) -> Response:
    """One chart's table as CSV (same scope rules as the page)."""
    scope = scope_for(viewer, session, kanwil.strip(), cabang.strip())
    if name not in page.TABLES:
        raise HTTPException(404, f"Tabel {name!r} tidak ada.")
    freshen(engine_of(request))
    session.commit()
    table = page.TABLES[name](session.connection(), scope, utcnow())
    stream = io.StringIO()
    write_csv(
        stream,
        [label for _, label in table.columns],
        ([row.get(k) for k, _ in table.columns] for row in table.rows),
    )
    filename = f"dasbor-{name}-{scope.level}{'-' + scope.key if scope.key else ''}.csv".replace(" ", "_")
    return Response(
        stream.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
