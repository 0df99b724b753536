"""What the JSON channels' spiders share (SiRUP, data.inaproc.id, the API Gateway): sites and year as
data, JSON requests through the same retry/politeness middleware as SPSE, a bounded re-request when a
WAF challenge page answers instead of JSON, failures counted per list, incremental row fingerprints.

Each channel's spider only says which URLs to page through and what a row becomes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import scrapy
from scrapy.http import Request, Response
from twisted.python.failure import Failure

from crawler import protocol
from crawler.middlewares import PAGE
from crawler.package_pages import failure_reason
from crawler.parsers.errors import ParseError
from crawler.spiders.spse import _truthy
from crawler.state import load_known_fingerprints
from domain.jsonio import to_json

#: Re-requests of a page that answered something other than JSON (a WAF challenge) before giving up.
NOT_JSON_RETRIES = 3


def row_fingerprint(row: Mapping[str, Any]) -> str:
    """A stable hash of everything a channel row says (16 hex digits): unchanged → nothing to store."""
    return hashlib.sha256(to_json(dict(row)).encode("utf-8")).hexdigest()[:16]


class JsonChannelSpider(scrapy.Spider):
    """Base of the JSON channel spiders: `-a site=URL[,URL…] -a year=Y [-a full=1]`."""

    #: The `source` of the records this spider yields.
    source = ""

    def __init__(self, site: str | list[str] = "", year: str | int = "", full: Any = "", **kwargs: Any):
        super().__init__(**kwargs)
        self.sites: list[str] = protocol.parse_sites(site)
        self.year: int = protocol.check_year(year)
        self.full: bool = _truthy(full)
        self.known: Mapping[tuple[str, str], str] = {}

    def load_known(self) -> None:
        """The stored row fingerprints of these sites (incremental crawl), unless `full`."""
        if not self.full:
            self.known = load_known_fingerprints(self.settings, self.sites)

    def inc(self, key: str, by: int = 1) -> None:
        """Count in the crawl stats."""
        self.crawler.stats.inc_value(key, by)

    def json_request(
        self,
        url: str,
        callback: Callable[..., Any],
        what: str,
        cb_kwargs: dict[str, Any],
        headers: Mapping[str, str] | None = None,
    ) -> Request:
        """A GET of one JSON page; `what` names the list in failure stats (`lpse/list_failed/…`)."""
        return Request(
            url,
            callback=self._checked,
            errback=self.page_failed,
            headers=dict(headers or {}),
            cb_kwargs={"parse": callback, "what": what, "kwargs": cb_kwargs, "attempt": 0},
            meta={PAGE: "list"},  # truncated JSON is retried by the middleware
            dont_filter=True,
        )

    def _checked(
        self, response: Response, parse: Callable[..., Any], what: str, kwargs: dict[str, Any], attempt: int
    ) -> Iterator[Any]:
        """Hand a JSON body to the channel's callback; re-request a non-JSON answer a few times."""
        if response.body.lstrip()[:1] not in (b"{", b"["):
            self.inc(f"lpse/{self.source}/not_json")
            if attempt < NOT_JSON_RETRIES:
                retry = response.request.replace(dont_filter=True)
                retry.cb_kwargs["attempt"] = attempt + 1
                yield retry
            else:
                self.give_up(what, "not_json")
            return
        try:
            yield from parse(response, **kwargs)
        except ParseError as exc:
            self.logger.error("%s: %s (%s)", what, exc, response.url)
            self.give_up(what, "parse_error")

    def page_failed(self, failure: Failure) -> None:
        """A page failed after the middleware's retries: the list is incomplete, say so."""
        self.give_up(failure.request.cb_kwargs["what"], failure_reason(failure))

    def give_up(self, what: str, reason: str) -> None:
        """Count and log an incomplete list (the crawl command then exits 1)."""
        self.inc(f"lpse/list_failed/{reason}")
        self.logger.error("Giving up %s: %s", what, reason)
