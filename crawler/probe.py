"""What `lpse-leads probe` concludes from each answer of a site, and the likely cause of a failure.

Pure functions over (status, headers, body): the verdict of one step (ok, error page, refused,
parse failed, no answer), what the parser read from it (fields found and missing), and the
diagnosis of a whole probe. The requests themselves are made by `crawler.spiders.probe`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from crawler import protocol
from crawler.parsers import (
    ParseError,
    classify_page,
    is_construction,
    parse_announcement,
    parse_contract,
    parse_list,
    parse_schedule,
    parse_winners,
)

OK = "ok"
ERROR_PAGE = "error page"
REFUSED = "refused"
PARSE_FAILED = "parse failed"
NO_ANSWER = "no answer"

CHALLENGE = (
    "challenge page: this IP is probably blocked; run from another network or use an official data source"
)
DETAIL_REFUSED = "detail pages refused: check the User-Agent (must start with Mozilla/5.0) and the Referer"
LAYOUT_CHANGED = "layout changed: see Troubleshooting in the README"
ALL_OK = "every step works: the crawler can read this site from here"

#: Signs of a Cloudflare (or similar) browser challenge instead of the page.
_CHALLENGE_MARKERS = (
    b"just a moment...",
    b"/cdn-cgi/challenge-platform/",
    b"cf_chl_opt",
    b"attention required! | cloudflare",
    b"cf-browser-verification",
    b"checking your browser before accessing",
)

#: Fields a list row of each kind must show (missing from every row: the layout changed).
LIST_FIELDS: dict[str, tuple[str, ...]] = {
    "tender": ("code", "name", "agency", "stage", "estimate_value", "category"),
    "non_tender": ("code", "name", "agency", "stage", "estimate_value", "category"),
    "pencatatan": ("code", "name", "agency", "stage", "budget_value", "category"),
    "swakelola": ("code", "name", "agency", "stage", "budget_value"),
    "darurat": ("code", "name", "agency", "stage", "budget_value", "category"),
}
#: Fields every announcement must show; `value` is Nilai Pagu or Nilai HPS.
ANNOUNCEMENT_FIELDS = ("code", "name", "agency", "value", "locations")
#: More fields by list kind (swakelola has no jenis pengadaan; darurat and pencatatan no tahap).
ANNOUNCEMENT_MORE = {
    "tender": ("category", "stage"),
    "non_tender": ("category", "stage"),
    "darurat": ("category",),
}

#: Tab key → the parser the crawler uses for it.
TAB_PARSERS: dict[str, Callable[[bytes], dict[str, Any]]] = {
    protocol.WINNERS: parse_winners,
    protocol.CONTRACT: parse_contract,
    protocol.REALISATION: parse_contract,
    protocol.SCHEDULE: parse_schedule,
}


@dataclass
class Step:
    """One request of the probe and what came of it."""

    name: str
    url: str
    status: int | None = None
    size: int = 0
    verdict: str = NO_ANSWER
    found: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    note: str = ""
    page: str = ""  # listing, list, announcement or tab (crawler.middlewares.PAGE)
    challenge: bool = False
    saved: str = ""

    @property
    def detail_page(self) -> bool:
        """An announcement or tab: the pages the 2026 host refuses to a bad User-Agent or Referer."""
        return self.page in ("announcement", "tab")

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def is_challenge(status: int, headers: Mapping[str, str], body: bytes) -> bool:
    """A Cloudflare-style challenge: the `cf-mitigated: challenge` header or a challenge page body."""
    if headers.get("cf-mitigated", "").lower() == "challenge":
        return True
    head = body[:20_000].lower()
    return any(marker in head for marker in _CHALLENGE_MARKERS)


def judge_http(step: Step, status: int, headers: Mapping[str, str], body: bytes) -> bool:
    """Set the verdict from the transport and error-page checks; True when the body may be parsed."""
    step.status, step.size = status, len(body)
    step.challenge = is_challenge(status, headers, body)
    if step.challenge:
        step.verdict, step.note = REFUSED, "challenge page (Cloudflare)"
        return False
    verdict = classify_page(body, status) if status < 300 or status in (403, 404) else None
    if status in (401, 403, 429) or verdict == "access_denied":
        step.verdict, step.note = REFUSED, f"HTTP {status}" + (" Akses Ditolak" if verdict else "")
        return False
    if status >= 300 or verdict is not None:
        step.verdict, step.note = ERROR_PAGE, verdict or f"HTTP {status}"
        return False
    return True


def read_listing(step: Step, text: str, cookie: str) -> str | None:
    """The DataTables token of a listing page (its JS line, else the SPSE_SESSION cookie)."""
    token = protocol.token_from_page(text)
    source = "page JS"
    if token is None:
        token, source = protocol.token_from_cookie(cookie), "cookie"
    if token is None:
        step.verdict, step.missing = PARSE_FAILED, ["token"]
        step.note = "no authenticityToken in the page or the cookie"
        return None
    step.verdict, step.found, step.note = OK, ["token"], f"token from the {source}"
    return token


def read_list(step: Step, kind: str, body: bytes) -> list[dict[str, Any]]:
    """Rows of a list answer; the verdict says whether its fields are there."""
    if body.lstrip()[:1] not in (b"{", b"["):
        step.verdict, step.note = ERROR_PAGE, "HTML instead of JSON (token refused or login page)"
        return []
    try:
        page = parse_list(body, kind)
    except ParseError as exc:
        step.verdict, step.note = PARSE_FAILED, str(exc)
        return []
    rows = page["rows"]
    wanted = LIST_FIELDS.get(kind, ("code", "name", "agency"))
    step.found = [f for f in wanted if any(f in row for row in rows)]
    step.missing = [f for f in wanted if f not in step.found] if rows else []
    construction = sum(is_construction(row.get("category") or "") for row in rows)
    odd = len(page["unread"]) + len(page["dropped"])
    step.note = f"{len(rows)} rows, {construction} construction" + (f", {odd} odd cells/rows" if odd else "")
    step.verdict = PARSE_FAILED if step.missing else OK
    return rows


def read_announcement(step: Step, kind: str, body: bytes) -> dict[str, Any] | None:
    """The parsed announcement, or None when it does not parse; missing labels fail the step."""
    try:
        page = parse_announcement(body)
    except ParseError as exc:
        step.verdict, step.note = PARSE_FAILED, str(exc)
        return None
    shown = {key for key, value in page.items() if value not in (None, "", [])}
    if shown & {"budget_value", "estimate_value"}:
        shown.add("value")
    wanted = (*ANNOUNCEMENT_FIELDS, *ANNOUNCEMENT_MORE.get(kind, ()))
    step.found = [f for f in wanted if f in shown]
    step.missing = [f for f in wanted if f not in shown]
    step.verdict = PARSE_FAILED if step.missing else OK
    step.note = "tabs: " + (", ".join(t.get("label", "?") for t in page.get("tabs") or []) or "none")
    return page


def read_tab(step: Step, tab: str, body: bytes) -> None:
    """A winners, contract, realisation or jadwal tab: parsed, and not empty."""
    try:
        page = TAB_PARSERS[tab](body)
    except ParseError as exc:
        step.verdict, step.note = PARSE_FAILED, str(exc)
        return
    key = "stages" if tab == protocol.SCHEDULE else "winners"
    items = page.get(key) or []
    step.found = [f"{len(items)} {key}"] if items else []
    step.missing = [] if items or page.get("realised_value") is not None else [key]
    step.verdict = PARSE_FAILED if step.missing else OK


def pick_package(rows_by_kind: Mapping[str, list[dict[str, Any]]]) -> tuple[str, dict[str, Any]] | None:
    """The package whose details show the most: construction with a contract, then finished, then any
    construction row, then any row at all (the detail pages are checked either way)."""

    def rank(row: dict[str, Any]) -> tuple[int, int, int]:
        stage = (row.get("stage") or "").lower()
        return (
            is_construction(row.get("category") or ""),
            "contract_value" in row,
            "selesai" in stage or "berjalan" in stage,
        )

    best: tuple[tuple[int, int, int], str, dict[str, Any]] | None = None
    for kind, rows in rows_by_kind.items():
        for row in rows:
            if best is None or rank(row) > best[0]:
                best = (rank(row), kind, row)
    return (best[1], best[2]) if best else None


def diagnose(steps: Iterable[Step], user_agent: str) -> list[str]:
    """The likely causes, most decisive first; [ALL_OK] when every step worked."""
    steps = list(steps)
    causes: list[str] = []
    if any(s.challenge for s in steps):
        causes.append(CHALLENGE)
    lists_ok = any(s.verdict == OK and s.page == "list" for s in steps)
    details_refused = [s for s in steps if s.detail_page and s.verdict == REFUSED and not s.challenge]
    if lists_ok and details_refused:
        agent = "" if user_agent.startswith("Mozilla/5.0") else f"; the User-Agent sent was {user_agent!r}"
        causes.append(DETAIL_REFUSED + agent)
    elif any(s.verdict == REFUSED and not s.challenge for s in steps):
        causes.append(
            "the site refuses the listing too (403/429): this IP or User-Agent is probably blocked; "
            f"User-Agent sent: {user_agent!r}"
        )
    if lists_ok and not any(s.detail_page for s in steps):
        causes.append(
            "no package in the first rows of any list: detail pages not checked (try another --year)"
        )
    missing = sorted(
        {f"{s.name}: {m}" for s in steps if s.verdict == PARSE_FAILED for m in s.missing or ["?"]}
    )
    if missing:
        causes.append(f"{LAYOUT_CHANGED} (not read: {'; '.join(missing)})")
    if any(s.verdict == NO_ANSWER for s in steps):
        notes = sorted({s.note for s in steps if s.verdict == NO_ANSWER and s.note})
        causes.append(
            f"no answer from the host ({'; '.join(notes) or 'not reached'}): check DNS, network, proxy"
        )
    if any(s.verdict == ERROR_PAGE for s in steps):
        causes.append("the site answered error pages (see the saved responses); try again later")
    return causes or [ALL_OK]


def body_suffix(body: bytes) -> str:
    """`json` or `html`: the extension of a saved response."""
    try:
        json.loads(body)
    except ValueError:
        return "html"
    return "json"
