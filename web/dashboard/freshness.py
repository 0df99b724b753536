"""Data freshness per SPSE site: its last crawl (when, how it ended) and, when recorded, its health.

Crawl runs list the sites they covered (``crawl_runs.sites``); the newest ``RUNS`` runs are read and
each site takes its latest one. A site's health verdict (``ok`` / ``degraded`` / ``dark``), its reasons
and when it was last ``ok`` come from ``site_health`` (crawl health, judged per crawl against the
site's own history: pipeline/health.py); a site never judged shows none, never a guess.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, func, select

from pipeline.models import CrawlRun, Site, SiteHealth
from web.dashboard.queries import Table

RUNS = 400
RUN_STATUS = {
    "finished": "selesai",
    "running": "berjalan",
    "interrupted": "terputus",
    "shutdown": "dihentikan",
}
VERDICTS = {"ok": "baik", "degraded": "menurun", "dark": "mati"}


def _health(connection: Connection) -> dict[str, tuple[str, list[str], dt.datetime | None]]:
    """Per site: its latest verdict, the reasons, and when it was last ``ok`` (two grouped reads)."""
    newest = select(func.max(SiteHealth.id).label("id")).group_by(SiteHealth.site).subquery()
    latest = connection.execute(
        select(SiteHealth.site, SiteHealth.verdict, SiteHealth.reasons).join(
            newest, newest.c.id == SiteHealth.id
        )
    ).all()
    last_ok = dict(
        connection.execute(
            select(SiteHealth.site, func.max(SiteHealth.checked_at))
            .where(SiteHealth.verdict == "ok")
            .group_by(SiteHealth.site)
        ).all()
    )
    return {
        row.site.rstrip("/"): (row.verdict, list(row.reasons or []), last_ok.get(row.site)) for row in latest
    }


def freshness(connection: Connection, now: dt.datetime) -> Table:
    """One row per known site: last crawl start and end, its status, age in hours, health verdict."""
    runs = connection.execute(
        select(CrawlRun.started_at, CrawlRun.finished_at, CrawlRun.status, CrawlRun.sites)
        .order_by(CrawlRun.id.desc())
        .limit(RUNS)
    ).all()
    last: dict[str, Any] = {}
    for run in runs:
        for site in run.sites or []:
            last.setdefault(site.rstrip("/"), run)
    sites = [url.rstrip("/") for url in connection.scalars(select(Site.url))]
    health = _health(connection)
    rows = []
    for site in sorted(set(sites) | set(last)):
        run = last.get(site)
        verdict, reasons, last_ok = health.get(site, (None, [], None))
        moment = run.finished_at or run.started_at if run else None
        rows.append(
            {
                "site": site,
                "last_started": run.started_at if run else None,
                "last_finished": run.finished_at if run else None,
                "status": RUN_STATUS.get(run.status, run.status) if run else "belum pernah",
                "age_hours": round((now - moment).total_seconds() / 3600, 1) if moment else None,
                "verdict": VERDICTS.get(verdict, verdict) if verdict else "",
                "reasons": "; ".join(reasons),
                "last_ok": last_ok,
            }
        )
    rows.sort(key=lambda r: (r["age_hours"] is None, -(r["age_hours"] or 0), r["site"]))
    return Table(
        "situs",
        "Kesegaran data per situs LPSE",
        (
            ("site", "Situs"),
            ("last_started", "Crawl terakhir mulai (UTC)"),
            ("last_finished", "Selesai (UTC)"),
            ("status", "Status crawl"),
            ("age_hours", "Umur data (jam)"),
            ("verdict", "Kesehatan"),
            ("reasons", "Alasan"),
            ("last_ok", "Terakhir sehat (UTC)"),
        ),
        rows,
    )
