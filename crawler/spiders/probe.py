"""`ProbeSpider`: a few requests that show whether the crawler can read one SPSE site from here.

listing page → token → one small list call per configured list kind → one package's announcement
→ the tabs its stage shows (as the crawler picks them). One request at a time, through the
crawler's own settings (User-Agent, politeness, cookies, robots.txt, configured hosts), URLs
and headers (`crawler.protocol`); no retries, so each answer is seen as the site gave it.
Verdicts and the diagnosis come from `crawler.probe`; `lpse-leads probe` prints them.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import scrapy
from scrapy.http import Request, Response
from twisted.python.failure import Failure

from crawler import probe, protocol
from crawler.middlewares import PAGE
from crawler.spiders.spse import session_cookie

#: Rows asked of each list: enough to find a construction package, small for the host.
PROBE_LIST_LENGTH = 25


def _headers(response: Response) -> dict[str, str]:
    """Response headers as lower-case text (the last value of each)."""
    return {k.decode("latin-1").lower(): v[-1].decode("latin-1") for k, v in response.headers.items() if v}


class ProbeSpider(scrapy.Spider):
    """`-a site=URL -a year=Y [-a out=DIR]`: `steps` holds the result of every request."""

    name = "probe"

    def __init__(self, site: str = "", year: str | int = "", out: str = "", **kwargs: Any):
        super().__init__(**kwargs)
        self.sites = protocol.parse_sites(site)[:1]
        self.site = self.sites[0]
        self.year = protocol.check_year(year)
        self.out = Path(out) if out else None
        self.steps: list[probe.Step] = []
        self.rows: dict[str, list[dict[str, Any]]] = {}
        self.token = ""
        self.todo: list[str] = []

    # --- plumbing ------------------------------------------------------------------------------
    def _request(self, url: str, callback: Any, step: probe.Step, **kw: Any) -> Request:
        return Request(
            url,
            callback=callback,
            errback=self.failed,
            meta={PAGE: step.page, "dont_retry": True, "handle_httpstatus_all": True, "cookiejar": "probe"},
            cb_kwargs={"step": step, **kw.pop("cb_kwargs", {})},
            dont_filter=True,
            **kw,
        )

    def _step(self, name: str, url: str, page: str) -> probe.Step:
        step = probe.Step(name=name, url=url, page=page)
        self.steps.append(step)
        return step

    def _save(self, step: probe.Step, response: Response) -> bool:
        """Record status/size, save the body under --out; True when the body may be parsed."""
        if self.out is not None:
            self.out.mkdir(parents=True, exist_ok=True)
            stem = re.sub(r"[^a-z0-9]+", "-", step.name.lower()).strip("-")
            path = self.out / f"{len(self.steps):02d}-{stem}.{probe.body_suffix(response.body)}"
            path.write_bytes(response.body)
            step.saved = str(path)
        return probe.judge_http(step, response.status, _headers(response), response.body)

    def failed(self, failure: Failure) -> Iterator[Request]:
        """No answer (DNS, refused connection, timeout) or not sent (robots.txt, configured hosts)."""
        step: probe.Step = failure.request.cb_kwargs["step"]
        text = str(failure.value) or type(failure.value).__name__
        if "robots.txt" in text:
            step.verdict, step.note = probe.REFUSED, "forbidden by the host's robots.txt (ROBOTSTXT_OBEY)"
        else:
            step.verdict, step.note = probe.NO_ANSWER, f"{type(failure.value).__name__}: {text}"[:200]
        kw = failure.request.cb_kwargs
        if step.page in ("listing", "list"):
            yield from self._next_list()
        elif step.page == "tab":
            yield from self._tabs(kw["rest"], kw["announcement"])

    # --- lists ---------------------------------------------------------------------------------
    def _kind(self, name: str) -> protocol.ListKind:
        return protocol.LIST_KINDS[name]

    async def start(self) -> AsyncIterator[Request]:
        """The first list kind's listing page: it sets the session cookie and holds the token."""
        self.todo = list(self.settings.getlist("LPSE_LISTS", list(protocol.LIST_KINDS)))
        yield self._listing(self.todo[0], retry_of=None)

    def _listing(self, kind: str, retry_of: str | None) -> Request:
        url = protocol.listing_url(self.site, self._kind(kind), self.year)
        step = self._step(f"listing page ({kind})", url, "listing")
        return self._request(url, self.on_listing, step, cb_kwargs={"retry_of": retry_of})

    def on_listing(self, response: Response, step: probe.Step, retry_of: str | None) -> Iterator[Request]:
        if self._save(step, response):
            token = probe.read_listing(step, response.text, session_cookie(response))
            if token:
                self.token = token
        if retry_of is not None:
            yield from self._list_call(retry_of, own_token=True)
        elif self.token:
            yield from self._next_list()

    def _next_list(self) -> Iterator[Request]:
        if self.token and self.todo:
            yield from self._list_call(self.todo.pop(0), own_token=False)
        else:
            yield from self._announcement()

    def _list_call(self, kind: str, own_token: bool) -> Iterator[Request]:
        spec = self._kind(kind)
        listing = protocol.listing_url(self.site, spec, self.year)
        url = protocol.endpoint_url(self.site, spec, self.year)
        step = self._step(f"list {kind}" + (" (its own token)" if own_token else ""), url, "list")
        yield self._request(
            url,
            self.on_list,
            step,
            method="POST",
            body=protocol.datatables_body(spec, self.token, 0, PROBE_LIST_LENGTH),
            headers=protocol.datatables_headers(listing),
            cb_kwargs={"kind": kind, "own_token": own_token},
        )

    def on_list(self, response: Response, step: probe.Step, kind: str, own_token: bool) -> Iterator[Request]:
        if self._save(step, response):
            self.rows[kind] = probe.read_list(step, kind, response.body)
            if step.verdict == probe.ERROR_PAGE and not own_token:
                # The first listing's token may not serve this list: read this list's own listing.
                step.note += "; trying this list's own listing page"
                yield self._listing(kind, retry_of=kind)
                return
        yield from self._next_list()

    # --- one package ---------------------------------------------------------------------------
    def _announcement(self) -> Iterator[Request]:
        picked = probe.pick_package(self.rows)
        if picked is None:
            return
        kind, row = picked
        spec = self._kind(kind)
        listing = protocol.listing_url(self.site, spec, self.year)
        url = protocol.announcement_url(self.site, spec, row["code"])
        step = self._step(f"announcement ({kind} {row['code']})", url, "announcement")
        yield self._request(
            url,
            self.on_announcement,
            step,
            headers=protocol.announcement_headers(listing),
            cb_kwargs={"kind": kind, "code": row["code"]},
        )

    def on_announcement(
        self, response: Response, step: probe.Step, kind: str, code: str
    ) -> Iterator[Request]:
        if not self._save(step, response):
            return
        page = probe.read_announcement(step, kind, response.body)
        if page is None:
            return
        tabs = protocol.detail_tabs(self._kind(kind), self.site, code, page, response.urljoin)
        yield from self._tabs(tabs, response.url)

    def _tabs(self, tabs: list[tuple[str, str]], announcement: str) -> Iterator[Request]:
        if not tabs:
            return
        (tab, url), rest = tabs[0], tabs[1:]
        step = self._step(f"tab {tab}", url, "tab")
        yield self._request(
            url,
            self.on_tab,
            step,
            headers=protocol.tab_headers(announcement),
            cb_kwargs={"tab": tab, "rest": rest, "announcement": announcement},
        )

    def on_tab(
        self, response: Response, step: probe.Step, tab: str, rest: list[tuple[str, str]], announcement: str
    ) -> Iterator[Request]:
        if self._save(step, response):
            probe.read_tab(step, tab, response.body)
        yield from self._tabs(rest, announcement)
