"""Crawl runs: one `crawl_runs` row per crawl, opened at start and closed with Scrapy's stats.

A run killed with SIGKILL stays `running` (nothing could close it); the next crawl marks such
leftovers `interrupted` when their start is older than `STALE_AFTER`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import Engine, insert, update

from pipeline.models import CrawlRun

STALE_AFTER = dt.timedelta(hours=12)
_SECRET_WORDS = ("password", "passwd", "secret", "token", "authorization", "cookie")


def utcnow() -> dt.datetime:
    """The current moment, UTC-aware."""
    return dt.datetime.now(dt.UTC)


def redact_url(url: str) -> str:
    """A URL without user name or password (`https://u:p@host/x` → `https://host/x`)."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def clean_stats(stats: Mapping[str, Any]) -> dict[str, Any]:
    """Scrapy stats as plain JSON values; keys that look like credentials are left out."""
    out: dict[str, Any] = {}
    for key, value in stats.items():
        if any(word in key.lower() for word in _SECRET_WORDS):
            continue
        if isinstance(value, bool | int | float | str) or value is None:
            out[key] = redact_url(value) if isinstance(value, str) and "://" in value else value
        elif isinstance(value, Decimal):
            out[key] = str(value)
        elif isinstance(value, dt.datetime | dt.date):
            out[key] = value.isoformat()
        else:
            out[key] = str(value)
    return out


def start_run(engine: Engine, sites: Sequence[str], year: int | None, full: bool = False) -> int:
    """Open a run (status `running`) and close stale leftovers of killed crawls; returns the run id."""
    now = utcnow()
    with engine.begin() as connection:
        connection.execute(
            update(CrawlRun)
            .where(CrawlRun.status == "running", CrawlRun.started_at < now - STALE_AFTER)
            .values(status="interrupted")
        )
        row = connection.execute(
            insert(CrawlRun)
            .values(
                started_at=now,
                status="running",
                sites=[redact_url(s) for s in sites],
                year=year,
                full=full,
            )
            .returning(CrawlRun.id)
        ).one()
    return int(row.id)


def finish_run(engine: Engine, run_id: int, status: str, stats: Mapping[str, Any] | None = None) -> None:
    """Close a run with its final status (Scrapy's close reason) and stats."""
    with engine.begin() as connection:
        connection.execute(
            update(CrawlRun)
            .where(CrawlRun.id == run_id)
            .values(finished_at=utcnow(), status=status, stats=clean_stats(stats or {}))
        )
