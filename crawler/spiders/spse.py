"""`SpseSpider`: construction packages from SPSE 4.x sites (national spse.inaproc.id or legacy).

Recipe per site (lists: tender, non tender, darurat, pencatatan, swakelola):
1. GET one listing page (it sets the session cookie and carries the DataTables token);
2. POST each list's endpoint in turn with that token, the whole year per call where the host
   allows (crawler/list_pages.py, crawler/paging.py); a list that still fails is read again later;
3. keep construction rows; a row whose fingerprint the store has is unchanged (no request); a
   changed one costs only the pages its change needs (crawler/refetch.py); leads go first;
4. per package (crawler/package_pages.py): the announcement, then only the tabs it shows that we
   use (pemenang, pemenangberkontrak or the realisation) and the jadwal, one request at a time;
5. yield one `PackageItem` per package, or a `ListSeenItem` for an unchanged row.

Sites are data (`-a site=URL[,URL…]`), never code. Error pages never reach a callback:
`crawler.middlewares.SpseDownloaderMiddleware` retries or turns them into errbacks.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Request

from crawler import protocol, refetch
from crawler.items import PACKAGE_FIELDS, ListSeenItem, PackageItem, list_fingerprint
from crawler.list_pages import ListPages, ListRun, session_cookie  # noqa: F401 (used by spiders/probe.py)
from crawler.middlewares import NOT_BEFORE, PAGE
from crawler.package_pages import PackagePages, PendingPackage
from crawler.page_memory import HostPaging, host_of, load_page_lengths
from crawler.parsers import is_construction
from crawler.plan import row_requests, stage_class
from crawler.state import load_known_fingerprints, load_record_reader


def _may_outrun_schedule(row: Mapping[str, Any]) -> bool:
    """An unchanged row at a running winner stage: its stored jadwal may no longer place it (a site
    that postpones the running stage keeps showing it past its stored end; refetch.plan checks)."""
    stage = str(row.get("stage") or "").lower()
    return refetch.is_winner_stage(stage) and "selesai" not in stage


def _truthy(value: Any) -> bool:
    """`-a full=1` / `true` / `yes` → True."""
    return str(value).strip().lower() in ("1", "true", "yes", "on")


class SpseSpider(ListPages, PackagePages, scrapy.Spider):
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
        self._page_lengths: HostPaging | None = None  # page-length learners per host (start recalls them)
        self._records: Any = None  # stored-record reader (LPSE_RECORD_READER), for changed rows
        self._site_now: dict[str, Any] = {}  # each site's own clock, from its listing page
        self._later: list[Request] = []
        self._held: list[Request] = []  # detail requests waiting for every list to be read
        self._open_runs = len(self.sites)  # sites whose lists are still being read

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> SpseSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._on_idle, signal=signals.spider_idle)
        return spider

    # --- start and lists -------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Request]:
        """Load the known fingerprints and the hosts' page lengths once, then read every site's lists,
        one session per site."""
        if not self.full:
            self.known = load_known_fingerprints(self.settings, self.sites)
            self._records = load_record_reader(self.settings)
        hosts = sorted({host_of(site) for site in self.sites})
        stored = load_page_lengths(self.settings, hosts)  # what the host does is no package state: --full too
        self._page_lengths = HostPaging(self.settings, self.crawler.stats, stored)
        names = self.settings.getlist("LPSE_LISTS", list(protocol.LIST_KINDS))
        kinds = tuple(protocol.LIST_KINDS[name] for name in names)
        for site in self.sites:
            yield self._listing_request(ListRun(site, kinds))

    def _inc(self, key: str) -> None:
        self.crawler.stats.inc_value(key)

    @staticmethod
    def _jar(site: str) -> str:
        """One cookie session per site: its token serves every list of the site."""
        return site

    def _on_idle(self) -> None:
        """Nothing left to do now: send what failed earlier (lists, tabs) once more, if anything."""
        if self._held:  # lists put off to later: their sites' details need not wait for them
            self._release_held()
            raise DontCloseSpider
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
        known = None if self.full else self.known.get((site, code))
        unchanged = known == fingerprint
        stored = None
        if known is not None and (not unchanged or _may_outrun_schedule(row)):
            stored = self._stored(site, code)
        decided = refetch.FULL
        if stored is not None:
            facts = refetch.Stored.from_record(known, stored)
            decided = refetch.plan(kind.name, row, facts, self._site_now.get(site))
        if unchanged and (stored is None or not decided.pages):
            self._inc("lpse/list_unchanged")
            if not self.plan:
                yield ListSeenItem(site=site, list=kind.name, code=code, fingerprint=fingerprint)
            return
        if "schedule_revised" in decided.reasons:
            self._inc("lpse/refetch/schedule_revised")
        if self.plan:  # a known package costs only the pages its change needs (crawler/refetch.py)
            stage = stage_class(row)
            cost = len(row_requests(kind, row)) if decided.full else len(decided.pages)
            self._inc(f"lpse/plan/rows/{stage}")
            self.crawler.stats.inc_value(f"lpse/plan/requests/{stage}", cost)
            return
        priority = refetch.lead_priority(row)
        if not decided.full:
            yield from self._update(site, kind, row, listing, stored or {}, decided, priority)
            return
        self._inc("lpse/refetch/full")
        item = PackageItem(
            site=site, list=kind.name, code=code, flags=list(row.get("flags") or []), fingerprint=fingerprint
        )
        item.contract_value = row.get("contract_value")
        announcement = protocol.announcement_url(site, kind, code)
        package = PendingPackage(item=item, listing=listing, announcement=announcement, priority=priority)
        yield from self._send(iter([self._announcement_request(package, row.get("stage"))]))

    def _announcement_request(self, package: PendingPackage, list_stage: str | None) -> Request:
        return Request(
            package.announcement,
            callback=self.parse_announcement,
            errback=self.announcement_failed,
            headers=protocol.announcement_headers(package.listing),
            cb_kwargs={"package": package, "list_stage": list_stage},
            meta={"cookiejar": self._jar(package.item.site), PAGE: "announcement"},
            priority=package.priority,
        )

    def _stored(self, site: str, code: str) -> dict[str, Any] | None:
        """The stored record of a package whose row changed (None: read it in full)."""
        if self._records is None:
            return None
        record = self._records(site, code)
        return dict(record) if record else None

    def _update(
        self,
        site: str,
        kind: protocol.ListKind,
        row: dict[str, Any],
        listing: str,
        stored: dict[str, Any],
        decided: refetch.Plan,
        priority: int,
    ) -> Iterator[Request | PackageItem]:
        """A known package whose row changed: the stored record, the row's values, and only the pages
        the change needs (none for a stage move before award)."""
        item = PackageItem(**{k: v for k, v in stored.items() if k in PACKAGE_FIELDS})
        item.stage = row.get("stage") or item.stage
        item.flags = list(row.get("flags") or [])
        item.contract_value = row.get("contract_value")
        item.fingerprint = list_fingerprint(row)
        announcement = protocol.announcement_url(site, kind, row["code"])
        package = PendingPackage(item=item, listing=listing, announcement=announcement, priority=priority)
        pages = sorted(decided.pages - {refetch.ANNOUNCEMENT}, key=refetch.PAGE_ORDER.index)
        self._inc(f"lpse/refetch/pages_{len(decided.pages)}")
        if refetch.ANNOUNCEMENT in decided.pages:
            package.only = tuple(pages)
            yield from self._send(iter([self._announcement_request(package, row.get("stage"))]))
            return
        package.todo = [(key, url) for key in pages if (url := protocol.page_url(site, kind, key, item.code))]
        yield from self._send(self._next(package))

    def closed(self, reason: str) -> None:
        """Release the stored-record reader's database connections."""
        close = getattr(self._records, "close", None)
        if close is not None:
            close()
