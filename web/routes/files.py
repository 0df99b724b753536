"""The admin's reference files: upload the branch table or a registry export (all or nothing).

The same validation and storage as `lpse-leads branches import` / `registry import`
(``lpse_leads.reference_files``): a file with any bad row imports nothing and the page lists
every bad row with its Excel row number. Each import is a ``user_events`` row of the admin.
The lead list follows at the next `lpse-leads run` (or `leads build`).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy import select
from starlette.datastructures import UploadFile

from lpse_leads.errors import UserError
from lpse_leads.reference_files import import_branches_file, import_registry_file
from pipeline.writer import utcnow
from web.access import Viewer, admin_only
from web.db import engine_of, write_session
from web.models import User, UserEvent
from web.templating import add_nav, render

router = APIRouter(prefix="/admin")
add_nav("Berkas referensi", "/admin/files", ("admin",))
MAX_BYTES = 50 * 1024 * 1024
SUFFIXES = {"branches": (".csv",), "registry": (".csv", ".xlsx")}


@router.get("/files")
def files_page(request: Request, viewer: Viewer = Depends(admin_only)) -> Response:
    """The two upload forms."""
    return render(request, "files.html.j2")


async def _saved(upload: UploadFile, kind: str, folder: Path) -> Path:
    """The upload written to ``folder`` under its own suffix (422 for a wrong type or a too large file)."""
    suffix = Path(upload.filename or "").suffix.lower()
    if suffix not in SUFFIXES[kind]:
        raise HTTPException(422, f"Berkas harus {' atau '.join(SUFFIXES[kind])}.")
    path = folder / f"{kind}{suffix}"
    size = 0
    with path.open("wb") as out:
        while chunk := await upload.read(1024 * 1024):
            size += len(chunk)
            if size > MAX_BYTES:
                raise HTTPException(422, "Berkas lebih dari 50 MB.")
            out.write(chunk)
    return path


@router.post("/files/{kind}")
async def files_upload(request: Request, kind: str, viewer: Viewer = Depends(admin_only)) -> Response:
    """Import one uploaded reference file; the page says what changed or lists every bad row."""
    if kind not in SUFFIXES:
        raise HTTPException(404, "Jenis berkas tidak dikenal.")
    form = await request.form()
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise HTTPException(422, "Pilih berkas untuk diunggah.")
    engine = engine_of(request)
    with tempfile.TemporaryDirectory() as tmp:
        path = await _saved(upload, kind, Path(tmp))
        try:
            if kind == "branches":
                rows, b = import_branches_file(engine, path)
                result = (
                    f"{rows} baris; {b.inserted} baru, {b.updated} berubah, {b.removed} dihapus, "
                    f"{b.unchanged} tetap; {b.kabkota} kab/kota"
                )
            else:
                rows, r = import_registry_file(engine, path)
                result = f"{rows} baris; {r.inserted} baru, {r.updated} berubah, {r.unchanged} tetap"
        except UserError as exc:
            problems = str(exc).replace(str(path), upload.filename or kind)
            return render(request, "files.html.j2", {"problems": problems, "kind": kind}, 422)
    with write_session(engine) as session:
        admin = session.scalar(select(User).where(User.id == viewer.id))
        session.add(
            UserEvent(
                user_id=admin.id,
                at=utcnow(),
                by=viewer.email,
                action=f"import_{kind}",
                new_value=f"{upload.filename}: {result}",
            )
        )
    return render(request, "files.html.j2", {"result": result, "kind": kind})
