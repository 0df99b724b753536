"""Downloader middleware: SPSE error pages, retries with backoff, Retry-After, and host blocks.

SPSE answers many failures with HTTP 200 and an error text, so this middleware classifies
every SPSE page *before* any callback sees it: server errors and truncated bodies are
retried with exponential backoff, "not found" and exhausted retries reach the request's
errback as `ErrorPage` (so no callback ever parses an error page). It replaces Scrapy's
RetryMiddleware at the same position, adding what that lacks here: a growing wait between
retries, honouring `Retry-After` on 429/503 for the whole host, and stopping a host that
keeps answering 403/429 instead of hammering it.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import time
from typing import TYPE_CHECKING, Any

from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.httpobj import urlparse_cached

from crawler.parsers.errors import classify_page

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

#: Request meta: which SPSE page this is (`listing`, `list`, `announcement`, `tab`); pages
#: without it (robots.txt, anything foreign) pass through unclassified.
PAGE = "lpse_page"
#: Request meta: monotonic time before which the request must not be sent (backoff).
NOT_BEFORE = "lpse_not_before"


class ErrorPage(IgnoreRequest):
    """An SPSE error answer that must not be parsed: `reason` is the `classify_page` verdict."""

    def __init__(self, reason: str, url: str = "") -> None:
        super().__init__(f"{reason}: {url}")
        self.reason = reason


class HostBlocked(IgnoreRequest):
    """A request not sent because its host was stopped after repeated 403/429 answers."""

    reason = "host_blocked"


def retry_after_seconds(value: bytes | str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` header (delta-seconds or HTTP-date); None if absent/bad."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _truncated_json(body: bytes) -> bool:
    """A DataTables answer that starts as JSON but does not parse: cut off in transit."""
    if body.lstrip()[:1] not in (b"{", b"["):
        return False
    try:
        json.loads(body)
    except ValueError:
        return True
    return False


class SpseDownloaderMiddleware(RetryMiddleware):
    """Classify SPSE pages, retry with backoff, honour Retry-After, stop hosts that block us.

    Settings: RETRY_TIMES, RETRY_HTTP_CODES (as Scrapy's), LPSE_RETRY_BACKOFF_BASE/MAX,
    LPSE_RETRY_AFTER_MAX, LPSE_RATE_LIMIT_SLOT_DELAY, LPSE_ACCESS_DENIED_RETRY_TIMES,
    LPSE_BLOCK_THRESHOLD (see crawler/settings.py). Stats: `lpse/page_error/<verdict>`,
    `lpse/rate_limited/<status>`, `lpse/retry_after/max_seconds`, `lpse/host_blocked/<host>`,
    and Scrapy's `retry/*`.
    """

    def __init__(self, settings: BaseSettings):
        super().__init__(settings)
        self.backoff_base = settings.getfloat("LPSE_RETRY_BACKOFF_BASE", 2.0)
        self.backoff_max = settings.getfloat("LPSE_RETRY_BACKOFF_MAX", 120.0)
        self.retry_after_max = settings.getfloat("LPSE_RETRY_AFTER_MAX", 900.0)
        self.slot_delay = settings.getfloat("LPSE_RATE_LIMIT_SLOT_DELAY", 5.0)
        self.denied_retries = settings.getint("LPSE_ACCESS_DENIED_RETRY_TIMES", 1)
        self.block_threshold = settings.getint("LPSE_BLOCK_THRESHOLD", 10)
        self.paused_until: dict[str, float] = {}
        self.refusals: dict[str, int] = {}
        self.blocked: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        mw = cls(crawler.settings)
        mw.crawler = crawler
        return mw

    # --- helpers ---------------------------------------------------------------------------
    @staticmethod
    def slot_key(request: Request) -> str:
        """The downloader slot of a request: Scrapy's default, one per host."""
        return request.meta.get("download_slot") or urlparse_cached(request).hostname or ""

    def _inc(self, key: str) -> None:
        self.crawler.stats.inc_value(key)

    def _retry(
        self, request: Request, reason: str | Exception | type[Exception], max_retry_times: int | None = None
    ) -> Request | None:
        """Scrapy's retry plus an exponential wait: base, 2×base, 4×base … up to the maximum."""
        if max_retry_times is None:
            max_retry_times = request.meta.get("max_retry_times", self.max_retry_times)
        assert self.crawler.spider
        new = get_retry_request(
            request,
            spider=self.crawler.spider,
            reason=reason,
            max_retry_times=max_retry_times,
            priority_adjust=request.meta.get("priority_adjust", self.priority_adjust),
            give_up_log_level=request.meta.get("give_up_log_level", self.give_up_log_level),
        )
        if new is not None:
            wait = min(self.backoff_base * 2 ** (new.meta["retry_times"] - 1), self.backoff_max)
            new.meta[NOT_BEFORE] = max(new.meta.get(NOT_BEFORE, 0.0), time.monotonic() + wait)
        return new

    def _refused(self, key: str, status: int) -> None:
        """Count a 403/429 from a host; past the threshold in a row, stop the host."""
        self.refusals[key] = self.refusals.get(key, 0) + 1
        if self.refusals[key] >= self.block_threshold:
            self.block(key, f"{self.refusals[key]} answers 403/429 in a row (last {status})")

    def block(self, key: str, why: str) -> None:
        """Stop sending requests to a host for the rest of the crawl, with one clear log line."""
        if key in self.blocked:
            return
        self.blocked.add(key)
        self.crawler.stats.set_value(f"lpse/host_blocked/{key}", why)
        logger.error(
            "Stopping the crawl of host %s: %s. Its remaining requests are dropped; "
            "slow down or use an official data source before trying again.",
            key,
            why,
        )

    def _pause_host(self, key: str, seconds: float) -> float:
        """Hold every request to the host for `seconds`, queued ones included, and slow its slot."""
        until = time.monotonic() + seconds
        self.paused_until[key] = max(self.paused_until.get(key, 0.0), until)
        engine = self.crawler._engine  # None before the crawl starts (unit tests)
        slot = engine.downloader.slots.get(key) if engine is not None else None
        if slot is not None:
            # Requests already queued in the slot bypass process_request; a delayed slot with
            # `lastseen` in the future makes the downloader hold them until `until` as well.
            slot.delay = max(slot.delay, self.slot_delay)
            slot.lastseen = max(slot.lastseen, until)
        return until

    # --- middleware methods ----------------------------------------------------------------
    async def process_request(self, request: Request) -> None:
        """Drop requests to a stopped host; wait out a host pause or the request's backoff."""
        key = self.slot_key(request)
        if key in self.blocked:
            raise HostBlocked(f"host {key} stopped")
        wait = max(self.paused_until.get(key, 0.0), request.meta.get(NOT_BEFORE, 0.0)) - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
            if key in self.blocked:
                raise HostBlocked(f"host {key} stopped")

    def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        """Turn error answers into retries, host pauses, blocks or `ErrorPage` for the errback."""
        if request.meta.get("dont_retry", False):
            return response
        key = self.slot_key(request)
        status = response.status
        retry_after = retry_after_seconds(response.headers.get(b"Retry-After"))
        if status == 429 or (status == 503 and retry_after is not None):
            return self._rate_limited(request, response, key, retry_after)
        if status in self.retry_http_codes:
            return self._retry(request, f"{status}") or response
        page = request.meta.get(PAGE)
        if page is None:
            return response
        if status == 403:
            return self._denied(request, response, key)
        verdict = classify_page(response.body, status) if status < 300 else None
        if verdict is None and page == "list" and _truncated_json(response.body):
            verdict = "truncated"
        if verdict == "access_denied":
            return self._denied(request, response, key)
        if verdict is None:
            self.refusals[key] = 0
            return response
        self._inc(f"lpse/page_error/{verdict}")
        if verdict in ("server_error", "truncated"):
            retry = self._retry(request, f"lpse_{verdict}")
            if retry is not None:
                return retry
        raise ErrorPage(verdict, request.url)

    def _rate_limited(
        self, request: Request, response: Response, key: str, retry_after: float | None
    ) -> Request | Response:
        """429 (or 503 with Retry-After): pause the host at least Retry-After, then retry."""
        self._inc(f"lpse/rate_limited/{response.status}")
        if response.status == 429 and time.monotonic() >= self.paused_until.get(key, 0.0):
            # 429s answering requests sent before the host was paused belong to the same
            # episode; only a 429 after a pause has ended counts as another refusal.
            self._refused(key, 429)
        if retry_after is not None and retry_after > self.retry_after_max:
            self.block(key, f"Retry-After {retry_after:.0f} s exceeds LPSE_RETRY_AFTER_MAX")
            return response
        until = 0.0
        if retry_after is not None:
            self.crawler.stats.max_value("lpse/retry_after/max_seconds", retry_after)
            until = self._pause_host(key, retry_after)
        retry = self._retry(request, f"{response.status}")
        if retry is None:
            return response
        retry.meta[NOT_BEFORE] = max(retry.meta[NOT_BEFORE], until)
        return retry

    def _denied(self, request: Request, response: Response, key: str) -> Request | Response:
        """403 / "Akses Ditolak": a tab is simply not available; an announcement gets a retry."""
        self._refused(key, 403)
        self._inc("lpse/page_error/access_denied")
        if request.meta.get(PAGE) == "announcement" and key not in self.blocked:
            retry = self._retry(request, "lpse_access_denied", max_retry_times=self.denied_retries)
            if retry is not None:
                return retry
        raise ErrorPage("access_denied", request.url)

    def process_exception(self, request: Request, exception: Exception) -> Any:  # type: ignore[override]
        """Connection resets and timeouts: Scrapy's retry list, with our backoff."""
        if isinstance(exception, IgnoreRequest):
            return None
        return super().process_exception(request, exception)
