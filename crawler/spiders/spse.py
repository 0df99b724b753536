"""`SpseSpider`: construction packages from SPSE 4.x sites (national spse.inaproc.id or legacy).

Recipe per site and list (tender, non tender, darurat):
1. GET the listing page (it sets the session cookie and carries the DataTables token);
2. POST the DataTables endpoint page by page, ordered by kode, until a short page;
3. keep construction rows; skip rows whose fingerprint the store already has (incremental);
4. per package: the announcement, then only the tabs it shows that we use (pemenang,
   pemenangberkontrak or the darurat realisation) and the jadwal, one request at a time;
5. yield one `PackageItem` per package, or a `ListSeenItem` for an unchanged row.

Sites are data (`-a site=URL[,URL…]`), never code. Error pages never reach a callback:
`crawler.middlewares.SpseDownloaderMiddleware` retries or turns them into errbacks.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import scrapy
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler import protocol
from crawler.items import ListSeenItem, PackageItem, list_fingerprint
from crawler.middlewares import PAGE, ErrorPage, HostBlocked
from crawler.parsers import (
    ParseError,
    is_construction,
    parse_announcement,
    parse_contract,
    parse_list,
    parse_schedule,
    parse_winners,
)
from crawler.plan import row_requests, stage_class
from crawler.state import load_known_fingerprints

#: Announcement fields copied to the package as they are.
ANNOUNCEMENT_FIELDS = (
    "name",
    "stage",
    "agency",
    "work_unit",
    "category",
    "method",
    "fiscal_year",
    "funding_source",
    "budget_value",
    "estimate_value",
    "qualification",
)
#: Errback reasons that mean "this tab is not available for this package" (not a failure).
TAB_NOT_AVAILABLE = frozenset({"access_denied", "not_found"})


@dataclass(slots=True)
class _Package:
    """A package on its way through its detail pages (carried in cb_kwargs)."""

    item: PackageItem
    listing: str
    announcement: str = ""
    todo: list[tuple[str, str]] = field(default_factory=list)


def _truthy(value: Any) -> bool:
    """`-a full=1` / `true` / `yes` → True."""
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def _session_cookie(response: Response) -> str:
    """The SPSE_SESSION value set by a listing page ('' when none)."""
    for header in response.headers.getlist(b"Set-Cookie"):
        name, _, rest = header.decode("latin-1").partition("=")
        if name.strip() == "SPSE_SESSION":
            return rest.split(";", 1)[0]
    return ""


def failure_reason(failure: Failure) -> str:
    """A short, stable reason for a failed request: error-page verdict, `http_<status>`, or error class."""
    exc = failure.value
    if isinstance(exc, ErrorPage | HostBlocked):
        return exc.reason
    if isinstance(exc, HttpError):
        status = exc.response.status
        return "not_found" if status == 404 else "access_denied" if status == 403 else f"http_{status}"
    return type(exc).__name__


class SpseSpider(scrapy.Spider):
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

    # --- start and lists -------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Request]:
        """Load the known fingerprints once, then open every list of every site."""
        if not self.full:
            self.known = load_known_fingerprints(self.settings, self.sites)
        for site in self.sites:
            for name in self.settings.getlist("LPSE_LISTS", list(protocol.LIST_KINDS)):
                yield self._listing_request(site, protocol.LIST_KINDS[name], start=0, refreshes=0)

    def _inc(self, key: str) -> None:
        self.crawler.stats.inc_value(key)

    @staticmethod
    def _jar(site: str, kind: protocol.ListKind) -> str:
        """One cookie session per site and list: each list's token is tied to its own cookie."""
        return f"{site}|{kind.name}"

    def _listing_request(self, site: str, kind: protocol.ListKind, start: int, refreshes: int) -> Request:
        return Request(
            protocol.listing_url(site, kind, self.year),
            callback=self.parse_listing,
            errback=self.list_failed,
            cb_kwargs={"site": site, "kind": kind, "start": start, "refreshes": refreshes},
            meta={"cookiejar": self._jar(site, kind), PAGE: "listing"},
            dont_filter=True,
        )

    def parse_listing(
        self, response: Response, site: str, kind: protocol.ListKind, start: int, refreshes: int
    ) -> Iterator[Request]:
        """Read the token (page JS, else the session cookie) and ask for a page of the list."""
        token = protocol.token_from_page(response.text) or protocol.token_from_cookie(
            _session_cookie(response)
        )
        if not token:
            self._give_up_list(site, kind, "no_token")
            return
        yield self._list_request(site, kind, token, start, refreshes)

    def _list_request(
        self, site: str, kind: protocol.ListKind, token: str, start: int, refreshes: int
    ) -> Request:
        listing = protocol.listing_url(site, kind, self.year)
        length = self.settings.getint("LPSE_DT_PAGE_LENGTH", 300)
        return Request(
            protocol.endpoint_url(site, kind, self.year),
            method="POST",
            body=protocol.datatables_body(kind, token, start, length),
            headers=protocol.datatables_headers(listing),
            callback=self.parse_list_page,
            errback=self.list_failed,
            cb_kwargs={"site": site, "kind": kind, "token": token, "start": start, "refreshes": refreshes},
            meta={"cookiejar": self._jar(site, kind), PAGE: "list"},
            dont_filter=True,
        )

    def _refresh_or_give_up(
        self, site: str, kind: protocol.ListKind, start: int, refreshes: int, reason: str
    ) -> Iterator[Request]:
        """A stale token: re-GET the listing page (bounded), else give up this site+list."""
        if refreshes < self.settings.getint("LPSE_TOKEN_REFRESH_TIMES", 2):
            self._inc("lpse/token_refresh")
            yield self._listing_request(site, kind, start, refreshes + 1)
        else:
            self._give_up_list(site, kind, reason)

    def _give_up_list(self, site: str, kind: protocol.ListKind, reason: str) -> None:
        self._inc(f"lpse/list_failed/{reason}")
        self.logger.error("Giving up list %s of %s: %s", kind.name, site, reason)

    def parse_list_page(
        self,
        response: Response,
        site: str,
        kind: protocol.ListKind,
        token: str,
        start: int,
        refreshes: int,
    ) -> Iterator[Request | ListSeenItem]:
        """Rows of one DataTables page → detail requests; then the next page while pages are full."""
        try:
            page = parse_list(response.body, kind.name)
        except ParseError as exc:
            if response.body.lstrip()[:1] in (b"{", b"["):
                self.logger.error("List %s of %s, start %d: %s", kind.name, site, start, exc)
                self._give_up_list(site, kind, "parse_error")
                return
            yield from self._refresh_or_give_up(site, kind, start, refreshes, "not_json")
            return
        self._inc(f"lpse/list_pages/{kind.name}")
        rows = page["rows"]
        self._count_odd_cells(site, kind, page)
        listing = protocol.listing_url(site, kind, self.year)
        new = 0
        for row in rows:
            seen = self._seen.setdefault(site, set())
            if row["code"] in seen:
                self._inc(f"lpse/rows/{kind.name}/duplicate")
                continue
            seen.add(row["code"])
            new += 1
            yield from self._row(site, kind, row, listing)
        length = self.settings.getint("LPSE_DT_PAGE_LENGTH", 300)
        # recordsTotal is always 2147483647: page until a short page (or one with nothing new).
        # Paging counts every row the server sent, dropped ones included.
        sent = len(rows) + len(page["dropped"])
        if sent >= length and new:
            # A good page resets the refresh budget: it bounds refreshes in a row, not per list.
            yield self._list_request(site, kind, token, start + sent, refreshes=0)

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
        """Listing page or list call failed after retries; a 403 on the POST means a stale token."""
        kw = failure.request.cb_kwargs
        reason = failure_reason(failure)
        if failure.request.meta.get(PAGE) == "list" and reason == "access_denied":
            yield from self._refresh_or_give_up(kw["site"], kw["kind"], kw["start"], kw["refreshes"], reason)
            return
        self._give_up_list(kw["site"], kw["kind"], reason)

    def _row(
        self, site: str, kind: protocol.ListKind, row: dict[str, Any], listing: str
    ) -> Iterator[Request | ListSeenItem]:
        """A construction row becomes an announcement request, or a ListSeenItem when unchanged."""
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
        package = _Package(item=item, listing=listing, announcement=announcement)
        yield Request(
            package.announcement,
            callback=self.parse_announcement,
            errback=self.announcement_failed,
            headers={"Referer": listing},
            cb_kwargs={"package": package, "list_stage": row.get("stage")},
            meta={"cookiejar": self._jar(site, kind), PAGE: "announcement"},
        )

    # --- one package -----------------------------------------------------------------------
    def parse_announcement(
        self, response: Response, package: _Package, list_stage: str | None
    ) -> Iterator[Request | PackageItem]:
        """The package's own facts, then the tabs to follow (only those the page shows)."""
        try:
            page = parse_announcement(response.body)
        except ParseError as exc:
            yield from self._package_failed(package, "parse_error", exc)
            return
        item = package.item
        for key in ANNOUNCEMENT_FIELDS:
            if page.get(key) is not None:
                setattr(item, key, page[key])
        if item.stage is None:
            item.stage = list_stage
        if page.get("flags"):
            item.flags = list(page["flags"])
        item.locations = list(page.get("locations") or [])
        kind = protocol.LIST_KINDS[item.list]
        todo: dict[str, str] = {}
        for tab in page.get("tabs") or []:
            key = protocol.tab_key(kind, tab.get("href") or "")
            if key is not None and key not in todo:
                todo[key] = response.urljoin(tab["href"])
        order = [key for key, _ in kind.tabs]
        package.todo = sorted(todo.items(), key=lambda kv: order.index(kv[0]))
        schedule = page.get("schedule_href")
        if kind.schedule_path:
            url = protocol.schedule_url(item.site, kind, item.code)
            package.todo.append((protocol.SCHEDULE, response.urljoin(schedule) if schedule else url))
        yield from self._next(package)

    def _next(self, package: _Package) -> Iterator[Request | PackageItem]:
        """The next tab of the package, or the finished item."""
        if not package.todo:
            self._inc("lpse/packages")
            yield package.item
            return
        tab, url = package.todo.pop(0)
        kind = protocol.LIST_KINDS[package.item.list]
        yield Request(
            url,
            callback=self.parse_tab,
            errback=self.tab_failed,
            headers={"Referer": package.announcement},
            cb_kwargs={"package": package, "tab": tab},
            meta={"cookiejar": self._jar(package.item.site, kind), PAGE: "tab"},
        )

    def parse_tab(self, response: Response, package: _Package, tab: str) -> Iterator[Request | PackageItem]:
        """Winners, contract winners, darurat realisation or schedule into the package."""
        item = package.item
        try:
            if tab == protocol.WINNERS:
                item.winners = parse_winners(response.body)["winners"]
            elif tab == protocol.CONTRACT:
                item.contract_winners = parse_contract(response.body)["winners"]
            elif tab == protocol.REALISATION:
                page = parse_contract(response.body)
                item.contract_winners = page["winners"]
                item.realised_value = page.get("realised_value")
            elif tab == protocol.SCHEDULE:
                item.stages = [
                    {k: v for k, v in stage.items() if k in ("name", "start", "end")}
                    for stage in parse_schedule(response.body)["stages"]
                ]
        except ParseError as exc:
            yield from self._package_failed(package, f"{tab}_parse_error", exc)
            return
        yield from self._next(package)

    def tab_failed(self, failure: Failure) -> Iterator[Request | PackageItem]:
        """403/404 on a tab: not available, go on; anything else: the package is not yielded."""
        package: _Package = failure.request.cb_kwargs["package"]
        tab: str = failure.request.cb_kwargs["tab"]
        reason = failure_reason(failure)
        if reason in TAB_NOT_AVAILABLE:
            self._inc(f"lpse/tab_not_available/{tab}")
            yield from self._next(package)
            return
        yield from self._package_failed(package, f"{tab}_{reason}", failure.value)

    def announcement_failed(self, failure: Failure) -> Iterator[Any]:
        """The announcement stayed broken (or not found): the package is not yielded."""
        package = failure.request.cb_kwargs["package"]
        yield from self._package_failed(package, failure_reason(failure), failure.value)

    def _package_failed(self, package: _Package, reason: str, error: Any) -> Iterator[Any]:
        """Count and log a package that is not yielded, with its code, so the next crawl retries it."""
        self._inc(f"lpse/package_failed/{reason}")
        self.logger.warning(
            "Package %s (%s, %s) not yielded: %s (%s)",
            package.item.code,
            package.item.list,
            package.item.site,
            reason,
            error,
        )
        return iter(())
