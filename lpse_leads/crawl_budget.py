"""`crawl --max-requests N` / `--until HH:MM`: a request or time budget for one crawl.

The spider reads every list first, then leads first (contract, winner, then the rest), so a crawl
stopped by its budget has spent it on leads; what it did not read has no stored fingerprint and
is read by the next run, which thereby resumes where this one stopped. The budget is Scrapy's
CloseSpider extension (responses answered, seconds); a crawl it stops is not a failure.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from domain.dates import JAKARTA
from lpse_leads.errors import UserError

#: Scrapy finish reasons of a crawl stopped by `--max-requests` / `--until`.
BUDGET_REASONS = ("closespider_pagecount", "closespider_timeout")
_TIME = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


def seconds_until(hhmm: str, now: dt.datetime) -> float:
    """Seconds from `now` to the next `HH:MM` in Asia/Jakarta (tomorrow's when today's has passed)."""
    match = _TIME.fullmatch(hhmm.strip())
    if not match:
        raise UserError(f"--until takes a time of day like 05:30, got {hhmm!r}")
    local = now.astimezone(JAKARTA)
    target = local.replace(hour=int(match[1]), minute=int(match[2]), second=0, microsecond=0)
    if target <= local:
        target += dt.timedelta(days=1)
    return (target - local).total_seconds()


def apply_budget(settings: Any, max_requests: int | None, until: str | None) -> None:
    """The budget as CloseSpider settings at command-line priority."""
    if max_requests is not None:
        if max_requests < 1:
            raise UserError("--max-requests must be at least 1")
        settings.set("CLOSESPIDER_PAGECOUNT", max_requests, priority="cmdline")
    if until:
        settings.set(
            "CLOSESPIDER_TIMEOUT", seconds_until(until, dt.datetime.now(JAKARTA)), priority="cmdline"
        )


def budget_rows(stats: dict[str, Any]) -> list[tuple[str, str]]:
    """A summary line when the budget stopped the crawl."""
    if stats.get("finish_reason") in BUDGET_REASONS:
        return [("stopped by budget", "yes: lists and leads were read first; the next run resumes")]
    return []
