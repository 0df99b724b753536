"""A minimal SPSE client over urllib for the fake's protocol tests: cookies, token, DataTables body."""

from __future__ import annotations

import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

TOKEN = re.compile(r"d\.authenticityToken\s*=\s*'([0-9a-f]+)'")
#: A bot in the standard crawler form, which the national host serves (protocol §10.1).
BOT_AGENT = "Mozilla/5.0 (compatible; fake-spse-tests/1.0; +https://example.invalid/contact)"
#: (detail path pattern, listing page, announcement path) per list: the Referers a browser sends.
_PAGES = (
    (re.compile(r"^/(?:lelang|evaluasi)/(\d+)/"), "/lelang", "/lelang/{}/pengumumanlelang"),
    (re.compile(r"^/(?:nontender|evaluasinontender)/(\d+)/"), "/nontender", "/nontender/{}/pengumumanpl"),
    (re.compile(r"^/darurat/\w+\?id=(\d+)"), "/darurat", "/darurat/pengumumandarurat?id={}"),
    (re.compile(r"^/pencatatan/\w+\?id=(\d+)"), "/pencatatan", "/pencatatan/pengumumannonspk?id={}"),
    (
        re.compile(r"^/swakelola/(?:pengumumanswakelolapelaksana/)?(\d+)"),
        "/swakelola",
        "/swakelola/{}/pengumuman",
    ),
)


def browser_referer(path: str) -> str | None:
    """Where a browser comes from: the listing page for an announcement, else the announcement."""
    for pattern, listing, announcement in _PAGES:
        match = pattern.match(path)
        if match:
            own = announcement.format(match.group(1))
            return listing if path == own else own
    return None


class Client:
    """One browser-like session against one slug."""

    def __init__(self, base: str, user_agent: str = BOT_AGENT):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.opener.addheaders = [("User-Agent", user_agent)]

    def get(self, path: str, referer: bool | str = True) -> tuple[int, str]:
        """GET a path under the slug; (status, text), errors included.

        `referer`: True sends what a browser would (`browser_referer`), a string sends that
        path under the slug, False sends none."""
        headers = {}
        if referer is True:
            came_from = browser_referer(path)
            if came_from:
                headers["Referer"] = self.base + came_from
        elif referer:
            headers["Referer"] = self.base + referer
        return self._open(urllib.request.Request(self.base + path, headers=headers))

    def listing(self, page: str = "lelang", year: int = 2026) -> str:
        """Open a listing page and return the token from its JS."""
        _, text = self.get(f"/{page}?tahun={year}", referer=False)
        match = TOKEN.search(text)
        assert match, "no token in the listing page"
        return match.group(1)

    def cookie_token(self) -> str | None:
        """The ___AT part of the SPSE_SESSION cookie."""
        for cookie in self.jar:
            if cookie.name == "SPSE_SESSION":
                return cookie.value.split("___AT=", 1)[1].split("&", 1)[0]
        return None

    def post_dt(self, endpoint: str, fields: dict[str, Any], year: int = 2026) -> tuple[int, str]:
        """POST a DataTables body to /dt/<endpoint>?tahun=Y."""
        data = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(
            f"{self.base}/dt/{endpoint}?rekanan=&tahun={year}&instansiId=",
            data=data,
            headers={"X-Requested-With": "XMLHttpRequest", "Referer": f"{self.base}/lelang"},
        )
        return self._open(request)

    def rows(
        self, endpoint: str, token: str, start: int, length: int, column: int = 0, direction: str = "asc"
    ) -> dict[str, Any]:
        """One page of a list as parsed JSON."""
        fields = {
            "draw": 3,
            "start": start,
            "length": length,
            "order[0][column]": column,
            "order[0][dir]": direction,
            "search[value]": "",
            "authenticityToken": token,
        }
        status, text = self.post_dt(endpoint, fields)
        assert status == 200
        return json.loads(text)

    def _open(self, request: urllib.request.Request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()
