"""The fake SPSE HTTP/1.1 server: the protocol around the pages (session token, Referer, faults, stats).

One server holds many slugs under `http://127.0.0.1:P/<slug>`, like spse.inaproc.id. The
listing GET opens a session (cookie `SPSE_SESSION=<40hex>-___AT=<token>&___TS=<ms>&___ID=<uuid>`,
path `/<slug>`) and writes the same token into the DataTables JS; `/dt/…` POSTs must send it as
`authenticityToken` with that cookie. Admin endpoints live under `/_fake/`.
"""

from __future__ import annotations

import json
import random
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, replace
from http.cookies import SimpleCookie
from http.server import ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from domain.jsonio import dumps_record
from fake_spse.access import STRICT, Access, refusal
from fake_spse.faults import Decision, Faults, Profile
from fake_spse.http import FaultyHandler, Response, Stats
from fake_spse.lpse_index import INDEX_PATH, index_body
from fake_spse.pages import MAX_LENGTH, Site
from fake_spse.routes import match_detail
from fake_spse.rows import ENDPOINT_LIST, PAGE_LIST
from fake_spse.truth import truth_records
from fake_spse.variants import CHALLENGE_HEADERS, CHALLENGE_PAGE, VARIANTS, relabel
from fake_spse.world import World


@dataclass
class Session:
    """A listing-page session: its id, token and slug, and how many list calls it answered."""

    id: str
    token: str
    slug: str
    uses: int = 0


class FakeSpseServer(ThreadingHTTPServer):
    """A threading HTTP server that owns the world, its pages, sessions, faults and stats."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(
        self,
        world: World,
        faults: str | Profile = "none",
        port: int = 0,
        host: str = "127.0.0.1",
        access: Access = STRICT,
        variant: str = "none",
        page_cap: int = MAX_LENGTH,
    ):
        if variant not in VARIANTS:
            raise ValueError(f"unknown variant {variant!r}; expected one of {', '.join(VARIANTS)}")
        self.world = world
        self.access = access
        self.variant = variant
        self.site = Site(world)
        self.site.page_cap = page_cap
        self.faults = Faults(faults, world.seed)
        self.stats = Stats()
        self.sessions: dict[str, Session] = {}
        self.sessions_lock = threading.Lock()
        self.order_rng = random.Random(f"order:{world.seed}")
        self.order_lock = threading.Lock()
        super().__init__((host, port), Handler)

    @property
    def url(self) -> str:
        """`http://127.0.0.1:P`."""
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def base_url(self, slug: str) -> str:
        """The site URL of one slug, as records name it."""
        return f"{self.url}/{slug}"

    def open_session(self, slug: str, cookie_token: str | None) -> Session:
        """Reuse the caller's live session for this slug, or open a new one."""
        with self.sessions_lock:
            session = self.sessions.get(cookie_token or "")
            if session is None or session.slug != slug:
                session = Session(secrets.token_hex(20), secrets.token_hex(20), slug)
                self.sessions[session.token] = session
            return session

    def expire(self, token: str) -> None:
        """Forget a session (token expiry fault)."""
        with self.sessions_lock:
            self.sessions.pop(token, None)

    def valid(self, slug: str, token: str, cookie_token: str | None) -> bool:
        """The form token is a live session of this slug and matches the cookie's ___AT.

        One session serves every list of its slug; under a `token_uses` profile it expires
        after that many list calls."""
        limit = self.faults.profile.token_uses
        with self.sessions_lock:
            session = self.sessions.get(token)
            if session is None or session.slug != slug or cookie_token != token:
                return False
            if limit and session.uses >= limit:
                self.sessions.pop(token, None)
                return False
            session.uses += 1
            return True

    def shuffle_rng(self) -> random.Random:
        """A fresh per-request stream for the unstable default order."""
        with self.order_lock:
            return random.Random(self.order_rng.getrandbits(64))


def _cookie_token(header: str | None) -> str | None:
    """The ___AT token inside the SPSE_SESSION cookie, if any."""
    if not header:
        return None
    cookie = SimpleCookie()
    try:
        cookie.load(header)
    except Exception:
        return None
    morsel = cookie.get("SPSE_SESSION")
    if morsel is None or "___AT=" not in morsel.value:
        return None
    return morsel.value.split("___AT=", 1)[1].split("&", 1)[0]


class Handler(FaultyHandler):
    """One request: admin, or slug page with faults applied."""

    server: FakeSpseServer

    def do_GET(self) -> None:
        """GET: listing and detail pages, admin stats and truth."""
        self._dispatch("GET")

    def do_POST(self) -> None:
        """POST: DataTables lists and admin actions."""
        self._dispatch("POST")

    def _dispatch(self, method: str) -> None:
        """Route, apply a fault decision, answer, and record."""
        parts = urlsplit(self.path)
        self.query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        segments = [s for s in parts.path.split("/") if s]
        body = self._read_body()
        if segments and segments[0] == "_fake":
            self._admin(method, segments[1:], body)
            return
        if self.server.variant == "challenge":  # a challenge in front of the host answers everything
            answer = Response(403, CHALLENGE_PAGE, kind="challenge")
            self._send(answer, method, None, CHALLENGE_HEADERS)
            return
        is_dt = len(segments) == 3 and segments[1] == "dt"
        decision, answered = self.answer_fault(method, is_dt)
        if answered:
            return
        fault = decision.kind
        slug = segments[0] if segments else ""
        if decision.kind == "error_page":
            text = f"Maaf, terjadi error pada aplikasi SPSE. Kode Error: {decision.error_code}"
            self._send(
                self.server.site.message(slug, 200, "Terjadi Kesalahan", text, "error_page"), method, fault
            )
            return
        response, headers = self._route(method, segments, body, decision)
        if response.kind == "tab_error":
            fault = "tab_error"
        self._send(response, method, fault, headers, decision if decision.kind == "truncate" else None)

    def _route(
        self, method: str, segments: list[str], body: bytes, decision: Decision
    ) -> tuple[Response, dict[str, str]]:
        """The normal answer for a slug path."""
        site = self.server.site
        if "/" + "/".join(segments) == INDEX_PATH and method == "GET":
            body = index_body(self.server.world.slugs)
            return Response(200, body, "application/json; charset=UTF-8", "lpse_index"), {}
        if not segments or segments[0] not in self.server.world.slugs:
            return Response(404, "<html><body>404 Not Found</body></html>", kind="unknown_slug"), {}
        slug, rest = segments[0], segments[1:]
        if len(rest) == 1 and rest[0] in PAGE_LIST and method == "GET":
            return self._listing(slug, PAGE_LIST[rest[0]])
        if len(rest) == 2 and rest[0] == "dt" and rest[1] in ENDPOINT_LIST and method == "POST":
            return self._datatable(slug, ENDPOINT_LIST[rest[1]], body, decision), {}
        route = match_detail(rest, self.query)
        if route is None:
            return Response(404, site.not_found(slug).body, kind="unknown_path"), {}
        return self._detail(slug, *route), {}

    def _detail(self, slug: str, kind: str, tab: str, code: str) -> Response:
        """A detail page under the host's rules: 403 refusals first, then a broken tab's 500."""
        site = self.server.site
        package = self.server.world.find(slug, kind, code)
        why = refusal(
            self.server.access,
            slug,
            package,
            kind,
            tab,
            self.headers.get("User-Agent", ""),
            self.headers.get("Referer", ""),
        )
        if why is not None:
            body = site.render("forbidden.html", slug)
            return Response(403, body, kind=f"forbidden_{why}")
        if package is not None and tab != "pengumuman" and self.server.faults.tab_broken(self.path):
            return Response(500, site.server_error_page(slug), kind="tab_error")
        page = site.detail(slug, kind, tab, code)
        if self.server.variant == "relabelled":
            return replace(page, body=relabel(page.body))
        return page

    def _listing(self, slug: str, kind: str) -> tuple[Response, dict[str, str]]:
        """Listing page: open/reuse the session, set the cookie, put the token in the JS."""
        tahun = self.query.get("tahun", "")
        year = int(tahun) if tahun.isdigit() else self.server.world.year
        session = self.server.open_session(slug, _cookie_token(self.headers.get("Cookie")))
        value = f"{session.id}-___AT={session.token}&___TS={int(time.time() * 1000)}&___ID={uuid.uuid4()}"
        cookie = f"SPSE_SESSION={value}; Path=/{slug}; HttpOnly"
        body = self.server.site.listing(slug, kind, year, session.token)
        return Response(200, body, kind="listing"), {"Set-Cookie": cookie}

    def _datatable(self, slug: str, kind: str, body: bytes, decision: Decision) -> Response:
        """A /dt/ POST: 403 for the snake_case field, login page for a bad token, else JSON."""
        form = dict(self.query)
        form.update(
            {k: v[-1] for k, v in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items()}
        )
        if "authenticityToken" not in form and "authenticity_token" in form:
            return self.server.site.message(slug, 403, "Akses Ditolak!", "Akses Ditolak!", "forbidden")
        token = form.get("authenticityToken", "")
        if decision.kind == "token_expiry":
            self.server.expire(token)
        if not self.server.valid(slug, token, _cookie_token(self.headers.get("Cookie"))):
            body_html = self.server.site.render(
                "login.html", slug, title="Login", token=secrets.token_hex(20)
            )
            return Response(200, body_html, kind="login")
        answer = self.server.site.datatable(slug, kind, form, self.server.shuffle_rng())
        return Response(200, json.dumps(answer, ensure_ascii=False), "application/json; charset=UTF-8", "dt")

    def _admin(self, method: str, segments: list[str], body: bytes) -> None:
        """`GET /_fake/stats`, `GET /_fake/truth`, `POST /_fake/day?n=N` (or `?by=K`)."""
        server = self.server
        what = segments[0] if segments else ""
        if what == "stats" and method == "GET":
            text, ctype = json.dumps(server.stats.snapshot()), "application/json"
        elif what == "truth" and method == "GET":
            text = "".join(dumps_record(r) + "\n" for r in truth_records(server.world, server.base_url))
            ctype = "application/x-ndjson; charset=UTF-8"
        elif what == "day" and method == "POST":
            day = (
                int(self.query["n"])
                if "n" in self.query
                else server.world.day + int(self.query.get("by", "1"))
            )
            server.world.set_day(day)
            text, ctype = json.dumps({"day": server.world.day}), "application/json"
        else:
            self._send(Response(404, "unknown admin endpoint", "text/plain", "admin"), method, None)
            return
        self._send(Response(200, text, ctype, "admin"), method, None)

