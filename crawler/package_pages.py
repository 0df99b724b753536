"""One package's detail pages: the announcement, then only the tabs it shows that a lead needs.

A mixin of `SpseSpider` (crawler/spiders/spse.py), which reads the lists and calls `_row`; kept
apart so that each file has one job. A page that fails transiently (5xx, timeout, an error
page) after its retries is put off to later in the run, never dropped at once: the package is
yielded when all its pages are read, or counted under `lpse/package_failed/<reason>`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler import protocol, refetch
from crawler.items import PackageItem
from crawler.middlewares import NOT_BEFORE, PAGE, ErrorPage, HostBlocked
from crawler.parsers import ParseError, parse_announcement, parse_contract, parse_schedule, parse_winners

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
#: Errback reasons that another try later in the run would not change.
FINAL_REASONS = frozenset({"access_denied", "not_found", "host_blocked"})


@dataclass(slots=True)
class PendingPackage:
    """A package on its way through its detail pages (carried in cb_kwargs)."""

    item: PackageItem
    listing: str
    announcement: str = ""
    todo: list[tuple[str, str]] = field(default_factory=list)
    rounds: int = 0  # times a failed page of this package was put off to later in the run
    priority: int = 0  # Scrapy priority of its requests: leads first (crawler/refetch.py)
    only: tuple[str, ...] | None = None  # after the announcement, just these pages (a known package)


def failure_reason(failure: Failure) -> str:
    """A short, stable reason for a failed request: error-page verdict, `http_<status>`, or error class."""
    exc = failure.value
    if isinstance(exc, ErrorPage | HostBlocked):
        return exc.reason
    if isinstance(exc, HttpError):
        status = exc.response.status
        return "not_found" if status == 404 else "access_denied" if status == 403 else f"http_{status}"
    return type(exc).__name__


class PackagePages:
    """Callbacks of one package's pages; the spider provides `settings`, `logger`, `_inc`,
    `_jar` and `_later` (requests to send again when the crawl is idle)."""

    settings: Any
    logger: Any
    _later: list[Request]

    def _inc(self, key: str) -> None:
        raise NotImplementedError

    @staticmethod
    def _jar(site: str) -> str:
        raise NotImplementedError

    def parse_announcement(
        self, response: Response, package: PendingPackage, list_stage: str | None
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
        item.rup_codes = list(page.get("rup_codes") or [])
        kind = protocol.LIST_KINDS[item.list]
        if package.only is not None:  # a known package: only what its row change needs
            package.todo = [
                (key, url)
                for key in package.only
                if (url := protocol.page_url(item.site, kind, key, item.code))
            ]
            yield from self._next(package)
            return
        shown = protocol.detail_tabs(kind, item.site, item.code, page, response.urljoin)
        needed = refetch.pages_after_announcement([key for key, _ in shown], item.contract_value is not None)
        package.todo = [(key, url) for key, url in shown if key in needed]
        yield from self._next(package)

    def _next(self, package: PendingPackage) -> Iterator[Request | PackageItem]:
        """The next tab of the package, or the finished item."""
        if not package.todo:
            self._inc("lpse/packages")
            yield package.item
            return
        tab, url = package.todo.pop(0)
        yield Request(
            url,
            callback=self.parse_tab,
            errback=self.tab_failed,
            headers=protocol.tab_headers(package.announcement),
            cb_kwargs={"package": package, "tab": tab},
            meta={"cookiejar": self._jar(package.item.site), PAGE: "tab"},
            priority=package.priority,
        )

    def parse_tab(
        self, response: Response, package: PendingPackage, tab: str
    ) -> Iterator[Request | PackageItem]:
        """Winners, contract winners, darurat realisation or schedule into the package."""
        item = package.item
        try:
            if tab == protocol.WINNERS:
                item.winners = parse_winners(response.body)["winners"]
            elif tab == protocol.CONTRACT:
                item.contract_winners = parse_contract(response.body)["winners"]
                if item.contract_winners:  # the signed contract replaces the offers (crawler/refetch.py)
                    item.winners = []
                elif not item.winners:  # an empty contract table: the winner is read from pemenang
                    self._winners_instead(package)
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

    def _winners_instead(self, package: PendingPackage) -> None:
        """A contract tab whose table is still empty although the row shows a contract value: the
        pemenang tab next, so the lead still names its winner (counted `lpse/contract_tab_empty`)."""
        item = package.item
        url = protocol.page_url(item.site, protocol.LIST_KINDS[item.list], protocol.WINNERS, item.code)
        if url and all(key != protocol.WINNERS for key, _ in package.todo):
            self._inc("lpse/contract_tab_empty")
            package.todo.insert(0, (protocol.WINNERS, url))

    def tab_failed(self, failure: Failure) -> Iterator[Request | PackageItem]:
        """403/404 on a tab: not available, go on; a transient failure: that tab again later."""
        package: PendingPackage = failure.request.cb_kwargs["package"]
        tab: str = failure.request.cb_kwargs["tab"]
        reason = failure_reason(failure)
        if reason in TAB_NOT_AVAILABLE:
            self._inc(f"lpse/tab_not_available/{tab}")
            yield from self._next(package)
            return
        yield from self._later_or_fail(failure, package, f"{tab}_{reason}", reason)

    def announcement_failed(self, failure: Failure) -> Iterator[Any]:
        """The announcement stayed broken: again later in the run; not found: not yielded."""
        package = failure.request.cb_kwargs["package"]
        reason = failure_reason(failure)
        yield from self._later_or_fail(failure, package, reason, reason)

    def _later_or_fail(
        self, failure: Failure, package: PendingPackage, label: str, reason: str
    ) -> Iterator[Any]:
        """Put a transiently failed page off to later in the run (bounded), never losing the package."""
        transient = reason not in FINAL_REASONS
        if transient and package.rounds < self.settings.getint("LPSE_RETRY_ROUNDS", 3):
            package.rounds += 1
            self._inc(f"lpse/page_deferred/{label}")
            meta = {k: v for k, v in failure.request.meta.items() if k not in ("retry_times", NOT_BEFORE)}
            self._later.append(failure.request.replace(meta=meta, dont_filter=True))
            return
        yield from self._package_failed(package, label, failure.value)

    def _package_failed(self, package: PendingPackage, reason: str, error: Any) -> Iterator[Any]:
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
