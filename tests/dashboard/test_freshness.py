"""Data freshness per site: last crawl (crawl_runs), verdict and last ok (site_health); both databases."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import insert

from dbschema import upgrade
from pipeline.db import make_engine
from pipeline.models import CrawlRun, Site, SiteHealth
from web.dashboard.freshness import freshness

NOW = dt.datetime(2026, 12, 5, 12, 0, tzinfo=dt.UTC)
A, B, C = (f"https://spse.inaproc.id/{slug}" for slug in ("a", "b", "c"))


@pytest.fixture
def engine(db_url):
    engine = make_engine(db_url)
    upgrade(engine)
    h = dt.timedelta(hours=1)
    with engine.begin() as c:
        c.execute(insert(Site), [{"url": url, "first_seen": NOW - 100 * h} for url in (A, B, C)])
        c.execute(
            insert(CrawlRun).values(
                id=1,
                started_at=NOW - 48 * h,
                finished_at=NOW - 47 * h,
                status="finished",
                sites=[A, B],
                full=False,
            )
        )
        c.execute(
            insert(CrawlRun).values(
                id=2,
                started_at=NOW - 2 * h,
                finished_at=None,
                status="interrupted",
                sites=[A + "/"],
                full=False,
            )
        )
        rows = [(1, A, "ok", [], 47), (1, B, "ok", [], 47), (2, A, "dark", ["detail pages refused (403)"], 2)]
        c.execute(
            insert(SiteHealth),
            [
                {
                    "crawl_run_id": run,
                    "site": site,
                    "year": 2026,
                    "checked_at": NOW - ago * h,
                    "verdict": verdict,
                    "reasons": reasons,
                    "counts": {},
                }
                for run, site, verdict, reasons, ago in rows
            ],
        )
    yield engine
    engine.dispose()


def test_each_site_has_its_last_crawl_and_health(engine):
    with engine.connect() as connection:
        table = freshness(connection, NOW)
    rows = {r["site"]: r for r in table.rows}
    assert [r["site"] for r in table.rows] == [B, A, C]  # oldest data first, never-crawled last
    assert rows[A]["status"] == "terputus" and rows[A]["age_hours"] == 2.0  # killed run: its start counts
    assert rows[A]["verdict"] == "mati" and rows[A]["reasons"] == "detail pages refused (403)"
    assert rows[A]["last_ok"] == NOW - dt.timedelta(hours=47)
    assert (rows[B]["status"], rows[B]["age_hours"], rows[B]["verdict"]) == ("selesai", 47.0, "baik")
    assert (rows[C]["status"], rows[C]["age_hours"], rows[C]["verdict"]) == ("belum pernah", None, "")
