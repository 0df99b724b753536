"""`SpseSpider`: construction packages from SPSE 4.x sites (national spse.inaproc.id or legacy).

Recipe per site (lists: tender, non tender, darurat, pencatatan, swakelola):
1. GET one listing page (it sets the session cookie and carries the DataTables token);
2. POST each list's endpoint in turn with that token, the whole year per call where the host
   allows (crawler/paging.py); a stale token re-reads the listing page, a list that still fails
   is read again later in the run;
3. keep construction rows; skip rows whose fingerprint the store already has (incremental);
4. per package (crawler/package_pages.py): the announcement, then only the tabs it shows that we
   use (pemenang, pemenangberkontrak or the realisation) and the jadwal, one request at a time;
5. yield one `PackageItem` per package, or a `ListSeenItem` for an unchanged row.

Sites are data (`-a site=URL[,URL…]`), never code. Error pages never reach a callback:
`crawler.middlewares.SpseDownloaderMiddleware` retries or turns them into errbacks.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Request, Response
from twisted.python.failure import Failure

from crawler import protocol
from crawler.items import ListSeenItem, PackageItem, list_fingerprint
from crawler.middlewares import NOT_BEFORE, PAGE
from crawler.package_pages import PackagePages, PendingPackage, failure_reason
from crawler.paging import After, PageLength
from crawler.parsers import (
    ParseError,
    is_construction,
    parse_list,
)
from crawler.plan import row_requests, stage_class
from crawler.state import load_known_fingerprints

#: Connection failures meaning the host does not answer at all: the site's lists end there.
HOST_DOWN = frozenset({"ConnectionRefusedError", "DNSLookupError", "NoRouteError"})
#: List failures another try in this run would not change: given up at once (and counted).
LIST_FINAL = frozenset({"offsite_redirect", "no_token", "not_found", "access_denied", "host_blocked"})


@dataclass(slots=True)
class _ListRun:
    """One site's lists, read one after another with one session (carried in cb_kwargs)."""

    site: str
    kinds: tuple[protocol.ListKind, ...]  # the current list first, then those still to read
    token: str = ""
    start: int = 0
    refreshes: int = 0  # listing re-reads in a row for a stale token
    rounds: int = 0  # times put off to later in the run without a page read since
    probing_after: int | None = None  # the short page this call checks for more rows behind

    @property
    def kind(self) -> protocol.ListKind:
        return self.kinds[0]

    def next_list(self) -> _ListRun:
        """The same session on the next list, from its first row."""
        self.kinds, self.start, self.probing_after = self.kinds[1:], 0, None
        self.refreshes = self.rounds = 0
        return self


def _truthy(value: Any) -> bool:
    """`-a full=1` / `true` / `yes` → True."""
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def session_cookie(response: Response) -> str:
    """The SPSE_SESSION value set by a listing page ('' when none)."""
    for header in response.headers.getlist(b"Set-Cookie"):
        name, _, rest = header.decode("latin-1").partition("=")
        if name.strip() == "SPSE_SESSION":
            return rest.split(";", 1)[0]
    return ""


class SpseSpider(PackagePages, scrapy.Spider):
    """One spider for the SPSE software; `-a site=URL[,URL…] -a year=Y [-a full=1] [-a plan=1]`.

    With `plan=1` it makes only the list calls and counts, per stage, the detail requests each
    construction row would cost (`crawler.plan`); no detail page is requested, nothing is yielded.
    """

    name = "spse"

    def __init__(
        self, site: str | list[str] = "", year: str | int = "", full: Any = "", plan: Any = "", **kwargs: Any
    ):
        super().__init__(**kwargs)
        self.plan: bool = _truthy(plan)
        self.sites: list[str] = protocol.parse_sites(site)
        self.year: int = protocol.check_year(year)
        self.full: bool = _truthy(full)
        self.known: Mapping[tuple[str, str], str] = {}
        self._seen: dict[str, set[str]] = {}
        self._page_lengths: dict[str, PageLength] = {}
        self._later: list[Request] = []  # failed lists and pages, sent again when the crawl is idle

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> SpseSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._on_idle, signal=signals.spider_idle)
        return spider

    # --- start and lists -------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Request]:
        """Load the known fingerprints once, then read every site's lists, one session per site."""
        if not self.full:
            self.known = load_known_fingerprints(self.settings, self.sites)
        names = self.settings.getlist("LPSE_LISTS", list(protocol.LIST_KINDS))
        kinds = tuple(protocol.LIST_KINDS[name] for name in names)
        for site in self.sites:
            yield self._listing_request(_ListRun(site, kinds))

    def _inc(self, key: str) -> None:
        self.crawler.stats.inc_value(key)

    @staticmethod
    def _jar(site: str) -> str:
        """One cookie session per site: its token serves every list of the site."""
        return site

    def _paging(self, site: str) -> PageLength:
        """The page-length learner of a site's host (all national slugs share one)."""
        host = urlsplit(site).netloc
        if host not in self._page_lengths:
            self._page_lengths[host] = PageLength(self.settings.getint("LPSE_DT_PAGE_LENGTH", 100_000))
        return self._page_lengths[host]

    def _listing_request(self, run: _ListRun) -> Request:
        """The listing page of the current list: opens (or renews) the site's session and token."""
        return Request(
            protocol.listing_url(run.site, run.kind, self.year),
            callback=self.parse_listing,
            errback=self.list_failed,
            cb_kwargs={"run": run},
            meta={"cookiejar": self._jar(run.site), PAGE: "listing"},
            dont_filter=True,
        )

    def parse_listing(self, response: Response, run: _ListRun) -> Iterator[Request]:
        """Read the token (page JS, else the session cookie) and ask for a page of the list."""
        token = protocol.token_from_page(response.text) or protocol.token_from_cookie(
            session_cookie(response)
        )
        if not token:
            yield from self._defer_list(run, "no_token")
            return
        run.token = token
        yield self._list_request(run)

    def _list_request(self, run: _ListRun) -> Request:
        listing = protocol.listing_url(run.site, run.kind, self.year)
        length = self._paging(run.site).length
        return Request(
            protocol.endpoint_url(run.site, run.kind, self.year),
            method="POST",
            body=protocol.datatables_body(run.kind, run.token, run.start, length),
            headers=protocol.datatables_headers(listing),
            callback=self.parse_list_page,
            errback=self.list_failed,
            cb_kwargs={"run": run, "asked": length},
            meta={"cookiejar": self._jar(run.site), PAGE: "list"},
            dont_filter=True,
        )

    def _refresh_or_defer(self, run: _ListRun, reason: str) -> Iterator[Request]:
        """A stale token: re-GET the listing page (bounded, in a row), else try the list later."""
        if run.refreshes < self.settings.getint("LPSE_TOKEN_REFRESH_TIMES", 2):
            run.refreshes += 1
            self._inc("lpse/token_refresh")
            yield self._listing_request(run)
        else:
            yield from self._defer_list(run, reason)

    def _defer_list(self, run: _ListRun, reason: str) -> Iterator[Request]:
        """Read this list again later in the run (fresh session); give up only after rounds without a page."""
        if reason not in LIST_FINAL and run.rounds < self.settings.getint("LPSE_RETRY_ROUNDS", 3):
            run.rounds += 1
            run.refreshes = 0
            self._inc(f"lpse/list_deferred/{reason}")
            self.logger.info(
                "List %s of %s: %s; read again later in the run", run.kind.name, run.site, reason
            )
            self._later.append(self._listing_request(run))
            return
        self._inc(f"lpse/list_failed/{reason}")
        self.logger.error("Giving up list %s of %s: %s", run.kind.name, run.site, reason)
        yield from self._next_list(run)

    def _next_list(self, run: _ListRun) -> Iterator[Request]:
        """The site's next list, with the same token (no listing GET while the token works)."""
        if len(run.kinds) > 1:
            run.next_list()
            yield self._list_request(run) if run.token else self._listing_request(run)

    def parse_list_page(
        self, response: Response, run: _ListRun, asked: int
    ) -> Iterator[Request | ListSeenItem]:
        """Rows of one DataTables page → detail requests; then the next page, or the next list."""
        try:
            page = parse_list(response.body, run.kind.name)
        except ParseError as exc:
            if response.body.lstrip()[:1] in (b"{", b"["):
                self.logger.error("List %s of %s, start %d: %s", run.kind.name, run.site, run.start, exc)
                self._inc("lpse/list_failed/parse_error")
                yield from self._next_list(run)
                return
            yield from self._refresh_or_defer(run, "not_json")
            return
        self._inc(f"lpse/list_pages/{run.kind.name}")
        rows = page["rows"]
        self._count_odd_cells(run.site, run.kind, page)
        run.refreshes = run.rounds = 0  # a good page: refreshes and rounds count failures in a row
        listing = protocol.listing_url(run.site, run.kind, self.year)
        seen = self._seen.setdefault(run.site, set())
        new = 0
        for row in rows:
            if row["code"] in seen:
                self._inc(f"lpse/rows/{run.kind.name}/duplicate")
                continue
            seen.add(row["code"])
            new += 1
            yield from self._row(run.site, run.kind, row, listing)
        # recordsTotal is always 2147483647: the page sizes alone say where the list ends.
        # Paging counts every row the server sent, dropped ones included.
        sent = len(rows) + len(page["dropped"])
        after = self._paging(run.site).after(sent, asked, run.probing_after)
        if after is After.DONE or (sent and not new):  # nothing new: a host ignoring `start`
            yield from self._next_list(run)
            return
        if after is After.PROBE:
            self._inc("lpse/list_probe")
        run.start += sent
        run.probing_after = sent if after is After.PROBE else None
        yield self._list_request(run)

    def _count_odd_cells(self, site: str, kind: protocol.ListKind, page: dict[str, Any]) -> None:
        """Count and log the cells a list page could not read (row kept) and the rows it dropped."""
        for cell in page["unread"]:
            self._inc(f"lpse/list_unread/{kind.name}/{cell['field']}")
            self.logger.warning(
                "List %s of %s: row %s, %s (column %d) unread, label form %r: %s",
                kind.name,
                site,
                cell["code"],
                cell["field"],
                cell["column"],
                cell["form"],
                cell["error"],
            )
        for row in page["dropped"]:
            self._inc(f"lpse/rows/{kind.name}/dropped/{row['reason']}")
            self.logger.warning(
                "List %s of %s: row %d dropped: %s", kind.name, site, row["row"], row["detail"]
            )

    def list_failed(self, failure: Failure) -> Iterator[Request]:
        """Listing page or list call failed after retries: a 403 on the POST means a stale token;
        a stopped host ends the site; anything else is tried again later in the run."""
        run: _ListRun = failure.request.cb_kwargs["run"]
        reason = failure_reason(failure)
        if reason == "host_blocked" or reason in HOST_DOWN:
            # Nothing answers (refused, not resolved) or the host was stopped: the site's
            # remaining lists are given up at once, each counted.
            for kind in run.kinds:
                self._inc(f"lpse/list_failed/{reason}")
                self.logger.error("Giving up list %s of %s: %s", kind.name, run.site, reason)
            return
        if failure.request.meta.get(PAGE) == "list" and reason == "access_denied":
            yield from self._refresh_or_defer(run, reason)
            return
        yield from self._defer_list(run, reason)

    def _on_idle(self) -> None:
        """Nothing left to do now: send what failed earlier (lists, tabs) once more, if anything."""
        if not self._later:
            return
        later, self._later = self._later, []
        delay = self.settings.getfloat("LPSE_RETRY_LATER_DELAY", 30.0)
        for request in later:
            request.meta[NOT_BEFORE] = time.monotonic() + delay
            self.crawler.engine.crawl(request)
        raise DontCloseSpider

    def _row(
        self, site: str, kind: protocol.ListKind, row: dict[str, Any], listing: str
    ) -> Iterator[Request | ListSeenItem]:
        """A construction row becomes an announcement request, or a ListSeenItem when unchanged."""
        if not row.get("category"):  # swakelola: neither its list nor its pages name a jenis
            self._inc(f"lpse/rows/{kind.name}/no_category")
            return
        if not is_construction(row.get("category") or ""):
            self._inc(f"lpse/rows/{kind.name}/not_construction")
            return
        self._inc(f"lpse/rows/{kind.name}/construction")
        code = row["code"]
        fingerprint = list_fingerprint(row)
        if not self.full and self.known.get((site, code)) == fingerprint:
            self._inc("lpse/list_unchanged")
            if not self.plan:
                yield ListSeenItem(site=site, list=kind.name, code=code, fingerprint=fingerprint)
            return
        if self.plan:
            stage = stage_class(row)
            self._inc(f"lpse/plan/rows/{stage}")
            self.crawler.stats.inc_value(f"lpse/plan/requests/{stage}", len(row_requests(kind, row)))
            return
        item = PackageItem(
            site=site, list=kind.name, code=code, flags=list(row.get("flags") or []), fingerprint=fingerprint
        )
        item.contract_value = row.get("contract_value")
        announcement = protocol.announcement_url(site, kind, code)
        package = PendingPackage(item=item, listing=listing, announcement=announcement)
        yield Request(
            package.announcement,
            callback=self.parse_announcement,
            errback=self.announcement_failed,
            headers=protocol.announcement_headers(listing),
            cb_kwargs={"package": package, "list_stage": row.get("stage")},
            meta={"cookiejar": self._jar(site), PAGE: "announcement"},
        )

    # --- one package -----------------------------------------------------------------------
