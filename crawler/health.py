"""Crawl health, per site: what each configured site answered in this crawl, counted as it happens.

A downloader middleware placed just outside the downloader (after HTTP decompression, before
`SpseDownloaderMiddleware` at 550) sees every request actually sent and its raw outcome, the
retried ones included: `ok`, `refused` (403 / "Akses Ditolak"), `rate_limited` (429),
`error_page` (an HTTP-200 SPSE error page, a truncated body), `not_found`, `5xx`, `timeout`,
`dns` (the host name does not resolve) or `connection` (refused or reset connection).
The list kinds the spider reads (`LPSE_LISTS`) are noted per site, so that a site whose every
list answered with no rows (an empty fiscal year) can be told from one that did not answer.
Signals add what the spider made of it without touching the spider: construction rows (an
announcement request scheduled, or an unchanged row's `ListSeenItem`), packages scraped and
the share of them carrying each key field. The counts live in one stats value, `lpse/health`
= `{site: counts}`, always current, so whoever reads the stats at the end (the store,
`lpse-leads crawl --stats`) sees them all.

Judging the counts (ok / degraded / dark against the site's history) is not done here: see
`pipeline/health_rules.py`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import IgnoreRequest

from crawler import protocol
from crawler.items import ListSeenItem, PackageItem
from crawler.middlewares import PAGE, HostBlocked
from crawler.parsers.errors import classify_page

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response

#: Spiders whose sites are judged (the SPSE software's pages and lists).
SPSE_SPIDERS = frozenset({"spse"})
#: The stats key holding `{site: counts}`.
HEALTH_STATS = "lpse/health"
#: Page kinds (request meta `lpse_page`) that are list calls and detail requests.
LIST_PAGES = frozenset({"listing", "list"})
DETAIL_PAGES = frozenset({"announcement", "tab"})
#: Outcomes of one request sent, in the order reports show them.
OUTCOMES = ("ok", "refused", "rate_limited", "error_page", "not_found", "5xx", "timeout", "dns", "connection")
#: Key fields whose share among scraped packages is watched (see `package_fields`).
FIELDS = ("location", "estimate", "winner", "contract_value")
#: Stages (lower case) after which a package has a named winner.
WINNER_STAGES = frozenset(
    {
        "pengumuman pemenang",
        "masa sanggah",
        "masa sanggah hasil tender",
        "surat penunjukan penyedia barang/jasa",
        "penandatanganan kontrak",
        "tender sudah selesai",
        "paket sudah selesai",
    }
)
_TIMEOUTS = ("TimeoutError", "TCPTimedOutError", "ResponseNeverReceived")


def new_counts() -> dict[str, Any]:
    """Empty counts of one site (JSON values only, so stats files and the database take them)."""
    return {
        "lists": [],  # the list kinds read; `list_rows` has a kind once one of its calls answered
        "list_requests": dict.fromkeys(OUTCOMES, 0),
        "list_rows": {},
        "construction_rows": 0,
        "details_needed": 0,
        "detail_requests": dict.fromkeys(OUTCOMES, 0),
        "detail_not_sent": 0,
        "packages": 0,
        "fields": {name: [0, 0] for name in FIELDS},
    }


def package_fields(item: PackageItem) -> dict[str, bool | None]:
    """For each key field: True (present), False (missing where expected) or None (not expected).

    location and HPS/pagu are expected on every package; a winner when the stage implies one;
    a contract value when a contract is signed (the pemenang berkontrak tab names a company).
    """
    stage = " ".join((item.stage or "").split()).lower()
    has_winner = bool(item.winners or item.contract_winners)
    signed = bool(item.contract_winners)
    contract_value = (
        item.contract_value is not None
        or item.realised_value is not None
        or any(w.get("contract_value") is not None for w in item.contract_winners)
    )
    return {
        "location": bool(item.locations),
        "estimate": item.estimate_value is not None or item.budget_value is not None,
        "winner": has_winner if stage in WINNER_STAGES or signed else None,
        "contract_value": contract_value if signed else None,
    }


def outcome_of_response(response: Response) -> str:
    """The outcome of one answer as SPSE means it (error pages come with HTTP 200)."""
    status = response.status
    if status == 429:
        return "rate_limited"
    if status >= 500:
        return "5xx"
    if status == 404:
        return "not_found"
    if status >= 400:
        return "refused" if status in (401, 403) else "error_page"
    verdict = classify_page(response.body, status) if status < 300 else None
    return {
        None: "ok",
        "access_denied": "refused",
        "not_found": "not_found",
    }.get(verdict, "error_page")


def outcome_of_exception(exception: BaseException) -> str:
    """`timeout`, `dns` (host name not resolved), or `connection` for anything else the transport raised."""
    names = {
        type(e).__name__ for e in (exception, exception.__cause__, exception.__context__) if e is not None
    }
    if names & set(_TIMEOUTS) or any("timeout" in name.lower() for name in names):
        return "timeout"
    if names & {"DNSLookupError", "CannotResolveHostError"}:
        return "dns"
    return "connection"


def list_rows(body: bytes) -> int | None:
    """Rows in a list answer: DataTables/SiRUP/API `data`, data.inaproc.id `tableRows`, or a bare array;
    None when not JSON."""
    try:
        answer = json.loads(body)
    except ValueError:
        return None
    rows = answer.get("data", answer.get("tableRows")) if isinstance(answer, dict) else answer
    return len(rows) if isinstance(rows, list) else None


class SiteHealthMiddleware:
    """Counts, per configured site, list calls and rows, detail requests by outcome, key fields."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.sites: list[str] = []
        self.health: dict[str, dict[str, Any]] = {}
        self.endpoints: dict[tuple[str, str], str] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Connect to the signals that tell what the spider made of the answers."""
        mw = cls(crawler)
        crawler.signals.connect(mw.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(mw.request_scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(mw.item_scraped, signal=signals.item_scraped)
        return mw

    def spider_opened(self, spider: Spider) -> None:
        """One (empty) entry per configured site, so a site that answered nothing still shows.

        Only SPSE spiders: other sources (SiRUP, e-Katalog) have other lists and pages, so
        these counts and rules would not describe them; their spiders record nothing here.
        """
        if getattr(spider, "name", None) not in SPSE_SPIDERS:
            return
        lists = self.crawler.settings.getlist("LPSE_LISTS", list(protocol.LIST_KINDS))
        self.open(list(getattr(spider, "sites", []) or []), getattr(spider, "year", None), lists)

    def open(self, sites: Iterable[str], year: int | None, lists: Iterable[str] = ()) -> None:
        """Start counting for `sites` (normalised base URLs) and their list endpoints in `year`;
        `lists` are the list kinds the spider reads on each site."""
        self.sites = sorted(sites, key=len, reverse=True)  # the longest base URL matches first
        self.health = {site: {**new_counts(), "lists": list(lists)} for site in sorted(self.sites)}
        for site in self.sites:
            for kind in protocol.LIST_KINDS.values():
                url = protocol.endpoint_url(site, kind, year or 0)
                self.endpoints[(site, urlsplit(url).path)] = kind.name
        if self.crawler.stats is not None:
            self.crawler.stats.set_value(HEALTH_STATS, self.health)

    def site_of(self, url: str) -> str | None:
        """The configured site a URL belongs to (its base URL is a path prefix), else None."""
        for site in self.sites:
            if url == site or url.startswith((site + "/", site + "?")):
                return site
        return None

    def _counts(self, request: Request) -> tuple[dict[str, Any], str, str] | None:
        """The counts, page kind and site of an SPSE list or detail request (None for others)."""
        page = request.meta.get(PAGE)
        if page not in LIST_PAGES and page not in DETAIL_PAGES:
            return None
        site = self.site_of(request.url)
        if site is None:
            return None
        return self.health[site], page, site

    # --- downloader middleware: every request sent and its raw outcome ----------------------
    def process_response(self, request: Request, response: Response) -> Response:
        """Count the answer; list answers also count their rows per list kind."""
        found = self._counts(request)
        if found is None:
            return response
        counts, page, site = found
        outcome = outcome_of_response(response)
        if page in DETAIL_PAGES:
            counts["detail_requests"][outcome] += 1
            return response
        if outcome == "ok" and page == "list":
            rows = list_rows(response.body)
            if rows is None:
                outcome = "error_page"  # HTML instead of JSON: the token expired (login page)
            else:
                kind = self.endpoints.get((site, urlsplit(request.url).path), "other")
                counts["list_rows"][kind] = counts["list_rows"].get(kind, 0) + rows
        counts["list_requests"][outcome] += 1
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        """Count a request the transport failed (DNS, refused connection, timeout); not ours to handle."""
        found = self._counts(request)
        if found is None:
            return None
        counts, page, _ = found
        if isinstance(exception, IgnoreRequest):  # not sent: a stopped host, an offsite link
            if isinstance(exception, HostBlocked) and page in DETAIL_PAGES:
                counts["detail_not_sent"] += 1
            return None
        key = "detail_requests" if page in DETAIL_PAGES else "list_requests"
        counts[key][outcome_of_exception(exception)] += 1
        return None

    # --- signals: what the spider made of the answers -------------------------------------
    def request_scheduled(self, request: Request, spider: Spider) -> None:
        """A first announcement request is a construction row whose details are needed."""
        if request.meta.get(PAGE) != "announcement" or request.meta.get("retry_times"):
            return
        site = self.site_of(request.url)
        if site is not None:
            self.health[site]["construction_rows"] += 1
            self.health[site]["details_needed"] += 1

    def item_scraped(self, item: Any, spider: Spider) -> None:
        """Unchanged rows count as construction rows; packages count their key fields."""
        site = getattr(item, "site", None)
        counts = self.health.get(site) if isinstance(site, str) else None
        if counts is None:
            return
        if isinstance(item, ListSeenItem):
            counts["construction_rows"] += 1
        elif isinstance(item, PackageItem):
            counts["packages"] += 1
            for name, present in package_fields(item).items():
                if present is not None:
                    have, of = counts["fields"][name]
                    counts["fields"][name] = [have + int(present), of + 1]
