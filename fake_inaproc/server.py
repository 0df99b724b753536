"""The fake INAPROC host: SiRUP, the data.inaproc.id dashboard tables and the API Gateway, each under
the path root it has on its real host (../shared/docs/inaproc-sources.md §2-4), from one world.

- `GET /sirup/caripaketctr/search` (sirup.inaproc.id): DataTables paging `start`/`length` (at most
  100 rows a page), `draw` echoed, filters `tahunAnggaran`, `jenisPengadaan`, `kldi` (comma lists);
  answers `{draw, recordsTotal, recordsFiltered, data}`.
- `GET /dashboard-api/realisasi/table`, `/dashboard-api/last-update` (data.inaproc.id): `tahun`,
  `jenis_klpd`, `instansi` (absent: every government — an assumption), `offset`, `limit` (at most
  100); rows in `tableRows`. A request without a Referer is refused 403, as the WAF does to
  clients that do not look like the site's own pages (assumed strictness).
- `GET /api/v1/tender/kontrak`, `/api/v1/ekatalog/paket-e-purchasing` (data.inaproc.id): Bearer
  token or 401 "Invalid or missing API key"; `limit` 1-1000 (else 400); cursor paging; envelope
  `{success, data, meta: {limit, has_more, cursor}}`. The contract path is assumed (the docs name
  the module, not this endpoint); its rows have ISB's contract shape.
Admin: `GET /_fake/stats`, `GET /_fake/truth`, `POST /_fake/day?n=N`.
"""

from __future__ import annotations

import json
import secrets
from base64 import urlsafe_b64encode
from collections.abc import Callable
from http.server import ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from domain.jsonio import dumps_record, to_json
from fake_inaproc import answers
from fake_inaproc.truth import truth_records
from fake_inaproc.world import CATEGORIES, World
from fake_spse.faults import Faults
from fake_spse.http import FaultyHandler, Response, Stats

SIRUP_MAX_LENGTH = 100
TABLE_MAX_LIMIT = 100
API_MAX_LIMIT = 1000
JSON = "application/json; charset=UTF-8"
#: What the WAF answers instead of JSON now and then (the `error_page` fault of the profiles).
CHALLENGE = "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>Checking</body></html>"


def _token() -> str:
    """A JWT-shaped bearer token (header.payload.signature), fresh per server."""
    part = lambda data: urlsafe_b64encode(data).rstrip(b"=").decode()  # noqa: E731
    return ".".join(
        (
            part(b'{"alg":"HS256","typ":"JWT"}'),
            part(b'{"role":"data-integrator"}'),
            part(secrets.token_bytes(32)),
        )
    )


class FakeInaprocServer(ThreadingHTTPServer):
    """A threading HTTP server owning the world, the API token, faults and stats."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, world: World, faults: str = "none", port: int = 0, host: str = "127.0.0.1"):
        self.world = world
        self.faults = Faults(faults, world.seed)
        self.stats = Stats()
        self.token = _token()
        super().__init__((host, port), Handler)

    @property
    def url(self) -> str:
        """`http://127.0.0.1:P`: the site of every channel of this fake."""
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


def _ints(text: str, default: int) -> int:
    return int(text) if text.strip().isdigit() else default


def _json(data: Any, status: int = 200, kind: str = "json") -> Response:
    return Response(status, to_json(data), JSON, kind)


class Handler(FaultyHandler):
    """One request: admin, or a channel answer with faults applied."""

    server: FakeInaprocServer

    def do_GET(self) -> None:
        """Every channel endpoint is a GET."""
        self._dispatch("GET")

    def do_POST(self) -> None:
        """Admin actions."""
        self._dispatch("POST")

    def _dispatch(self, method: str) -> None:
        parts = urlsplit(self.path)
        self.query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        segments = [s for s in parts.path.split("/") if s]
        self._read_body()
        if segments[:1] == ["_fake"]:
            self._send(self._admin(method, segments[1:]), method, None)
            return
        decision, answered = self.answer_fault(method)
        if answered:
            return
        if decision.kind == "error_page":
            self._send(Response(200, CHALLENGE, kind="challenge"), method, "error_page")
            return
        route = self._routes().get("/".join(segments)) if method == "GET" else None
        response = route() if route else Response(404, '{"message":"Not Found"}', JSON, "unknown_path")
        self._send(response, method, decision.kind, None, decision if decision.kind == "truncate" else None)

    def _routes(self) -> dict[str, Callable[[], Response]]:
        return {
            "sirup/caripaketctr/search": self._sirup,
            "dashboard-api/realisasi/table": self._realisation,
            "dashboard-api/last-update": self._last_update,
            "api/v1/tender/kontrak": lambda: self._api("contract"),
            "api/v1/ekatalog/paket-e-purchasing": lambda: self._api("purchase"),
        }

    def _sirup(self) -> Response:
        world, q = self.server.world, self.query
        year = _ints(q.get("tahunAnggaran", ""), world.year)
        plans = world.plans() if year == world.year else []
        total = len(plans)
        kinds = {s for s in q.get("jenisPengadaan", "").split(",") if s}
        if kinds:
            wanted = {name for name, i, _ in CATEGORIES if str(i) in kinds}
            plans = [p for p in plans if p.category in wanted]
        governments = {s for s in q.get("kldi", "").split(",") if s}
        if governments:
            plans = [p for p in plans if p.government.code in governments]
        start = _ints(q.get("start", ""), 0)
        length = min(_ints(q.get("length", ""), 10), SIRUP_MAX_LENGTH)
        page = [answers.sirup_record(p, world.year) for p in plans[start : start + length]]
        draw = _ints(q.get("draw", ""), 0)
        return _json(
            {"draw": draw, "recordsTotal": total, "recordsFiltered": len(plans), "data": page}, kind="sirup"
        )

    def _dashboard_refused(self) -> Response | None:
        if not self.headers.get("Referer"):
            return Response(403, "<html><body><h1>403 Forbidden</h1></body></html>", kind="forbidden")
        return None

    def _realisation(self) -> Response:
        refused = self._dashboard_refused()
        if refused:
            return refused
        world, q = self.server.world, self.query
        year = _ints(q.get("tahun", ""), world.year)
        rows = world.transactions() if year == world.year else []
        if q.get("instansi"):
            rows = [(p, t) for p, t in rows if p.government.code == q["instansi"]]
        if q.get("jenis_klpd"):
            rows = [(p, t) for p, t in rows if str(p.government.jenis_klpd) == q["jenis_klpd"]]
        offset = _ints(q.get("offset", ""), 0)
        limit = min(_ints(q.get("limit", ""), 10), TABLE_MAX_LIMIT)
        page = [answers.realisation_row(p, t, world) for p, t in rows[offset : offset + limit]]
        return _json({"tableRows": page}, kind="realisation")

    def _last_update(self) -> Response:
        refused = self._dashboard_refused()
        return refused or _json({"lastUpdate": f"{self.server.world.today().isoformat()}T02:47:00+07:00"})

    def _api(self, what: str) -> Response:
        if self.headers.get("Authorization", "") != f"Bearer {self.server.token}":
            return _json({"success": False, "message": "Invalid or missing API key"}, 401, "unauthorised")
        world, q = self.server.world, self.query
        limit = _ints(q.get("limit", ""), 100) if q.get("limit", "").strip() else 100
        if not 1 <= limit <= API_MAX_LIMIT:
            return _json(
                {"success": False, "message": "limit must be between 1 and 1000"}, 400, "bad_request"
            )
        year = _ints(q.get("tahun", ""), world.year)
        pairs = world.transactions() if year == world.year else []
        if what == "contract":
            pairs = [(p, t) for p, t in pairs if t.channel != "ekatalog" and world.day >= t.awarded_day]
            render = answers.api_contract
        else:
            pairs = [(p, t) for p, t in pairs if t.channel == "ekatalog"]
            render = answers.api_purchase
        if q.get("kd_klpd"):
            pairs = [(p, t) for p, t in pairs if p.government.code == q["kd_klpd"]]
        cursor = q.get("cursor", "")
        start = next((i + 1 for i, (_, t) in enumerate(pairs) if t.code == cursor), 0) if cursor else 0
        page = pairs[start : start + limit]
        more = start + limit < len(pairs)
        meta = {"limit": limit, "has_more": more, "cursor": page[-1][1].code if more and page else None}
        return _json(
            {"success": True, "data": [render(p, t, world) for p, t in page], "meta": meta}, kind=what
        )

    def _admin(self, method: str, segments: list[str]) -> Response:
        server, what = self.server, segments[0] if segments else ""
        if what == "stats" and method == "GET":
            return Response(200, json.dumps(server.stats.snapshot()), "application/json", "admin")
        if what == "truth" and method == "GET":
            text = "".join(dumps_record(r) + "\n" for r in truth_records(server.world, server.url))
            return Response(200, text, "application/x-ndjson; charset=UTF-8", "admin")
        if what == "day" and method == "POST":
            day = (
                int(self.query["n"])
                if "n" in self.query
                else server.world.day + int(self.query.get("by", "1"))
            )
            server.world.set_day(day)
            return Response(200, json.dumps({"day": server.world.day}), "application/json", "admin")
        return Response(404, "unknown admin endpoint", "text/plain", "admin")
