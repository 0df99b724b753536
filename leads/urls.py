"""Where an officer reads a package: its announcement page on its own SPSE site."""

from __future__ import annotations

from urllib.parse import quote

#: Announcement page per DataTables list, after the site base URL ({code} is the package code).
ANNOUNCEMENT_PATHS: dict[str, str] = {
    "tender": "/lelang/{code}/pengumumanlelang",
    "non_tender": "/nontender/{code}/pengumumanpl",
    "darurat": "/darurat/pengumumandarurat?id={code}",
    # e-Katalog purchases have no public page of their own: the realisation table lists them.
    "ekatalog": "/realisasi",
    "pencatatan": "/pencatatan/pengumumannonspk?id={code}",
    "swakelola": "/swakelola/{code}/pengumuman",
}


def announcement_url(site: str, list_name: str | None, code: str) -> str:
    """The announcement page of package ``code`` on ``site``; the site itself for an unknown list."""
    path = ANNOUNCEMENT_PATHS.get(list_name or "")
    if path is None:
        return site
    return site.rstrip("/") + path.format(code=quote(code, safe=""))
