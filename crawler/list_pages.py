"""A site's lists: one session, each list in turn, the whole year per call; then the rows.

A mixin of `SpseSpider` (crawler/spiders/spse.py), which turns each row into requests (`_row`).
One listing GET per site opens the session; its token serves every list (a stale token re-reads
the listing page). Page sizes alone tell where a list ends (`crawler.paging`). A list that still
fails is read again when the crawl is idle (`_later`), unless another try cannot help
(`LIST_FINAL`). Detail requests are held until every site's lists are read, so that the
scheduler sends leads first across all sites (priorities in `crawler.refetch.lead_priority`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from scrapy.http import Request, Response
from twisted.python.failure import Failure

from crawler import protocol
from crawler.items import ListSeenItem, PackageItem
from crawler.middlewares import PAGE
from crawler.package_pages import failure_reason
from crawler.page_memory import HostPaging, TrustedEnd
from crawler.paging import After, PageLength
from crawler.parsers import ParseError, parse_list

#: Lists first (they decide every other request), then leads: contract 20, winner 10, others 0.
LIST_PRIORITY = 100

#: Connection failures meaning the host does not answer at all: the site's lists end there.
HOST_DOWN = frozenset({"ConnectionRefusedError", "DNSLookupError", "NoRouteError"})
#: List failures another try in this run would not change: given up at once (and counted).
LIST_FINAL = frozenset({"offsite_redirect", "no_token", "not_found", "access_denied", "host_blocked"})


@dataclass(slots=True)
class ListRun:
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

    def next_list(self) -> ListRun:
        """The same session on the next list, from its first row."""
        self.kinds, self.start, self.probing_after = self.kinds[1:], 0, None
        self.refreshes = self.rounds = 0
        return self


def session_cookie(response: Response) -> str:
    """The SPSE_SESSION value set by a listing page ('' when none)."""
    for header in response.headers.getlist(b"Set-Cookie"):
        name, _, rest = header.decode("latin-1").partition("=")
        if name.strip() == "SPSE_SESSION":
            return rest.split(";", 1)[0]
    return ""


class ListPages:
    """List callbacks; the spider provides `settings`, `logger`, `crawler`, `year`, `_inc`, `_jar`,
    `_row` and the state `_seen`, `_page_lengths`, `_later`, `_held`, `_open_runs`, `_site_now`."""

    settings: Any
    logger: Any
    crawler: Any
    year: int
    _seen: dict[str, set[str]]
    _page_lengths: HostPaging | None
    _later: list[Request]
    _held: list[Request]
    _open_runs: int
    _site_now: dict[str, Any]

    def _inc(self, key: str) -> None:
        raise NotImplementedError

    @staticmethod
    def _jar(site: str) -> str:
        raise NotImplementedError

    def _row(
        self, site: str, kind: protocol.ListKind, row: dict[str, Any], listing: str
    ) -> Iterator[Request | ListSeenItem | PackageItem]:
        raise NotImplementedError

    def _host_paging(self) -> HostPaging:
        """The crawl's page-length learners (the spider recalls the stored findings at start)."""
        if self._page_lengths is None:
            self._page_lengths = HostPaging(self.settings, self.crawler.stats)
        return self._page_lengths

    def _paging(self, site: str) -> PageLength:
        """The page-length learner of a site's host (all national slugs share one)."""
        return self._host_paging().learner(site)

    def _read_on(self, end: TrustedEnd) -> Request:
        """A list ended on trust at the size this run found to be the host's cap: read on from there."""
        self._open_runs += 1  # one more list run: detail requests wait for it too
        self.logger.warning(
            "List %s of %s ended at %d rows, the host's cap: reading on", end.kind.name, end.site, end.rows
        )
        return self._list_request(ListRun(end.site, (end.kind,), end.token, start=end.rows))

    def _listing_request(self, run: ListRun) -> Request:
        """The listing page of the current list: opens (or renews) the site's session and token."""
        return Request(
            protocol.listing_url(run.site, run.kind, self.year),
            callback=self.parse_listing,
            errback=self.list_failed,
            cb_kwargs={"run": run},
            meta={"cookiejar": self._jar(run.site), PAGE: "listing"},
            dont_filter=True,
            priority=LIST_PRIORITY,
        )

    def parse_listing(self, response: Response, run: ListRun) -> Iterator[Request]:
        """Read the token (page JS, else the session cookie) and ask for a page of the list."""
        token = protocol.token_from_page(response.text) or protocol.token_from_cookie(
            session_cookie(response)
        )
        if not token:
            yield from self._defer_list(run, "no_token")
            return
        run.token = token
        now = protocol.site_time(response.text)
        if now is not None:
            self._site_now[run.site] = now
        yield self._list_request(run)

    def _list_request(self, run: ListRun) -> Request:
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
            priority=LIST_PRIORITY,
        )

    def _refresh_or_defer(self, run: ListRun, reason: str) -> Iterator[Request]:
        """A stale token: re-GET the listing page (bounded, in a row), else try the list later."""
        if run.refreshes < self.settings.getint("LPSE_TOKEN_REFRESH_TIMES", 2):
            run.refreshes += 1
            self._inc("lpse/token_refresh")
            yield self._listing_request(run)
        else:
            yield from self._defer_list(run, reason)

    def _defer_list(self, run: ListRun, reason: str) -> Iterator[Request]:
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

    def _next_list(self, run: ListRun) -> Iterator[Request]:
        """The site's next list, with the same token (no listing GET while the token works)."""
        if len(run.kinds) > 1:
            run.next_list()
            yield self._list_request(run) if run.token else self._listing_request(run)
        else:
            self._lists_done()

    def _lists_done(self) -> None:
        """One site's lists are read; when every site's are, send the held detail requests."""
        self._open_runs -= 1
        if self._open_runs <= 0:
            self._release_held()

    def _release_held(self) -> None:
        """Detail requests wait until every list is read, so that leads go first across all sites
        (the scheduler orders them by priority: contract, winner, then the rest)."""
        held, self._held = self._held, []
        for request in held:
            self.crawler.engine.crawl(request)

    def _send(self, requests: Iterator[Request | PackageItem]) -> Iterator[PackageItem]:
        """Hold detail requests while lists are still being read; items pass at once."""
        for out in requests:
            if isinstance(out, Request) and self._open_runs > 0:
                self._held.append(out)
            else:
                yield out  # type: ignore[misc]

    def parse_list_page(
        self, response: Response, run: ListRun, asked: int
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
        paging = self._host_paging()
        after, read_on = paging.after(run.site, run.kind, run.token, sent, asked, run.probing_after)
        for end in read_on:
            yield self._read_on(end)
        if after in (After.DONE, After.TRUSTED) or (sent and not new):  # nothing new: a host ignoring `start`
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
        run: ListRun = failure.request.cb_kwargs["run"]
        reason = failure_reason(failure)
        if reason == "host_blocked" or reason in HOST_DOWN:
            # Nothing answers (refused, not resolved) or the host was stopped: the site's
            # remaining lists are given up at once, each counted.
            for kind in run.kinds:
                self._inc(f"lpse/list_failed/{reason}")
                self.logger.error("Giving up list %s of %s: %s", kind.name, run.site, reason)
            self._lists_done()
            return
        if failure.request.meta.get(PAGE) == "list" and reason == "access_denied":
            yield from self._refresh_or_defer(run, reason)
            return
        yield from self._defer_list(run, reason)
