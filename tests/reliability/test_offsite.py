"""Crawl targets come only from configuration: no redirect or link leads the crawler to another host.

Two tiny HTTP servers: the configured site on 127.0.0.1, and a stranger on 127.0.0.2. The site
redirects its tender listing to the stranger, its darurat listing to `localhost` (the same
server under another host name) and its non-tender listing to its own login page. The crawl
(`lpse-leads crawl`, a subprocess) must follow only the last one.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.utils.test import get_crawler

from crawler.offsite import ConfiguredHostsMiddleware, OffsiteRequest, site_hosts
from crawler.spiders.spse import SpseSpider

ROOT = Path(__file__).resolve().parents[2]
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "RETRY_TIMES=0"]


class Recorder(ThreadingHTTPServer):
    """An HTTP server that records (Host header, path) of every request it gets."""

    def __init__(self, host: str, routes: dict[str, tuple[int, dict[str, str]]]) -> None:
        super().__init__((host, 0), Handler)
        self.routes = routes
        self.seen: list[tuple[str, str]] = []

    @property
    def origin(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


class Handler(BaseHTTPRequestHandler):
    """Answers from the server's routes by path prefix (404 otherwise)."""

    server: Recorder

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""

    def do_GET(self) -> None:
        self.server.seen.append((self.headers.get("Host", ""), self.path))
        matches = [answer for prefix, answer in self.server.routes.items() if self.path.startswith(prefix)]
        status, headers = matches[0] if matches else (404, {})
        body = b"<html><body>Login SPSE</body></html>" if status == 200 else b""
        self.send_response(status)
        for name, value in {**headers, "Content-Length": str(len(body))}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET


def serving(server: Recorder) -> Iterator[Recorder]:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def stranger() -> Iterator[Recorder]:
    """Another host (127.0.0.2) that answers everything with a page."""
    yield from serving(Recorder("127.0.0.2", {"/": (200, {})}))


@pytest.fixture
def site(stranger: Recorder) -> Iterator[Recorder]:
    """The configured site on 127.0.0.1: listings redirect off-host, to localhost, and to its login page."""
    server = Recorder("127.0.0.1", {})
    port = server.server_address[1]
    server.routes.update(
        {
            "/s/lelang": (302, {"Location": f"{stranger.origin}/s/lelang"}),
            "/s/darurat": (301, {"Location": f"http://localhost:{port}/s/darurat"}),
            "/s/nontender": (302, {"Location": "/s/login"}),
            "/s/login": (200, {}),
        }
    )
    yield from serving(server)


@pytest.mark.slow
def test_redirects_off_the_configured_host_are_not_followed(site, stranger, tmp_path):
    stats_file = tmp_path / "stats.json"
    command = [sys.executable, "-m", "lpse_leads", "crawl", "--site", f"{site.origin}/s", "--year", "2026"]
    done = subprocess.run(
        [*command, "--stats", str(stats_file), *FAST], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    stats = json.loads(stats_file.read_text(encoding="utf-8"))

    assert stranger.seen == []
    assert [host for host, _ in site.seen if not host.startswith("127.0.0.1")] == []
    assert ("127.0.0.1", "/s/login") in {(h.split(":")[0], p) for h, p in site.seen}
    assert stats["lpse/offsite_redirect"] == 2
    assert stats["lpse/list_failed/offsite_redirect"] == 2
    assert stats["lpse/list_failed/no_token"] == 1  # the login page has no token: followed, then given up
    assert done.returncode == 1
    assert "is not one of the configured sites" in done.stderr


def test_a_link_to_another_host_is_dropped_and_counted():
    crawler = get_crawler(SpseSpider)
    crawler.spider = SpseSpider.from_crawler(crawler, site="https://spse.inaproc.id/kemkes", year=2026)
    crawler.stats.open_spider()
    middleware = ConfiguredHostsMiddleware.from_crawler(crawler)
    assert middleware.process_request(Request("https://SPSE.inaproc.id/kemkes/lelang/1/jadwal")) is None
    for url in ("https://evil.example/x", "https://sub.spse.inaproc.id/kemkes", "https://inaproc.id/"):
        with pytest.raises(OffsiteRequest) as caught:
            middleware.process_request(Request(url, headers={"Referer": "https://spse.inaproc.id/kemkes"}))
        assert caught.value.reason == "offsite_request"
    assert crawler.stats.get_value("lpse/offsite_request") == 3


def test_site_hosts_are_the_host_names_without_port_or_case():
    sites = ["https://SPSE.inaproc.id/kemkes", "http://127.0.0.1:8081/kota-a", "https://lpse.x.go.id/eproc4"]
    assert site_hosts(sites) == {"spse.inaproc.id", "127.0.0.1", "lpse.x.go.id"}
