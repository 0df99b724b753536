"""Downloader middleware: every request goes to a host of a configured site, or not at all.

Crawl targets come only from configuration (`-a site=…` / `--site`). A page can still point
elsewhere: an SPSE host answering a redirect to another host, or an announcement whose tab link
is absolute. Scrapy's own `OffsiteMiddleware` lets `dont_filter` requests through (our listing
and list calls are `dont_filter`, and a redirect inherits the flag) and also allows subdomains,
so it cannot give that guarantee; this middleware runs first (priority 40, before robots.txt
too) and compares the exact host name with the configured sites' hosts. Redirects within a
site's host (e.g. to its login page) are untouched.

A dropped request counts `lpse/offsite_redirect` (it came from a redirect) or
`lpse/offsite_request` and reaches the request's errback as `OffsiteRequest` (an `ErrorPage`
with that reason), so the spider records the list or package as failed, never as parsed.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scrapy.utils.httpobj import urlparse_cached

from crawler.middlewares import ErrorPage

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class OffsiteRequest(ErrorPage):
    """A request to a host that is not one of the configured sites' hosts (not sent)."""


def site_hosts(sites: list[str]) -> frozenset[str]:
    """The host names (lower case, no port) of the configured site base URLs."""
    return frozenset(host.lower() for host in (urlsplit(site).hostname for site in sites) if host)


class ConfiguredHostsMiddleware:
    """Drops any request whose host is not the host of a configured site (redirects included)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._hosts: frozenset[str] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def hosts(self) -> frozenset[str]:
        """The allowed hosts, read once from the spider's configured sites."""
        if self._hosts is None:
            spider = self.crawler.spider
            self._hosts = site_hosts(list(getattr(spider, "sites", None) or []))
        return self._hosts

    def process_request(self, request: Request) -> None:
        """Let requests to a configured host through; raise `OffsiteRequest` for any other."""
        host = (urlparse_cached(request).hostname or "").lower()
        if host in self.hosts():
            return
        redirected = bool(request.meta.get("redirect_urls"))
        reason = "offsite_redirect" if redirected else "offsite_request"
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"lpse/{reason}")
        origin = request.meta["redirect_urls"][0] if redirected else request.headers.get("Referer")
        logger.warning(
            "Not requesting %s: host %r is not one of the configured sites (%s from %s)",
            request.url,
            host,
            "redirect" if redirected else "link",
            origin.decode("latin-1") if isinstance(origin, bytes) else origin,
        )
        raise OffsiteRequest(reason, request.url)
