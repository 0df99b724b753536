"""Crawl runs: one `crawl_runs` row per crawl, opened at start and closed with Scrapy's stats.

A run killed with SIGKILL stays `running` (nothing could close it); the next crawl marks such
leftovers `interrupted` when their start is older than `STALE_AFTER`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, insert, update

from pipeline.models import CrawlRun

STALE_AFTER = dt.timedelta(hours=12)
#: `scheme://user:password@` anywhere in a text, or `user:password@` starting a text without a
#: scheme; the last `@` before the next `/` ends it, so a password with a raw `@` goes as a whole.
_USERINFO = re.compile(r"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.\-]*://)[^/\s]*@|^[^/\s:]*:[^/\s]*@")
_SECRET_WORDS = ("password", "passwd", "secret", "token", "authorization", "cookie")


def utcnow() -> dt.datetime:
    """The current moment, UTC-aware."""
    return dt.datetime.now(dt.UTC)


def redact_url(url: str) -> str:
    """A URL without user name or password (`https://u:p@host/x` → `https://host/x`).

    Text only, no parsing that can fail: a malformed URL (bad port, unknown scheme, no scheme
    at all) loses its `user:password@` part too, and so does every URL inside a longer text,
    so even an error message or a stats value quoting one is safe.
    """
    return _USERINFO.sub(lambda m: m.group("scheme") or "", url)


def clean_stats(stats: Mapping[str, Any]) -> dict[str, Any]:
    """Scrapy stats as plain JSON values; keys that look like credentials are left out."""
    out: dict[str, Any] = {}
    for key, value in stats.items():
        if any(word in key.lower() for word in _SECRET_WORDS):
            continue
        if isinstance(value, bool | int | float | str) or value is None:
            out[key] = redact_url(value) if isinstance(value, str) and "@" in value else value
        elif isinstance(value, Decimal):
            out[key] = str(value)
        elif isinstance(value, dict | list):  # e.g. `lpse/health`: kept as JSON, not as its repr
            text = json.dumps(value, default=str)
            out[key] = json.loads(redact_url(text) if "@" in text else text)
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
