"""A crawl never tries to download the Public Suffix List (crawler/settings.py, tldextract).

The crawl child gets an environment without any `TLDEXTRACT_*` variable (so it must set them
itself, as on a fresh server), an empty cache folder (tldextract's cache would otherwise hide a
download tried by an earlier crawl) and an HTTPS proxy that is a local listener: a download
attempt of publicsuffix.org or GitHub over HTTPS goes to that listener as a `CONNECT` line,
whether or not the machine has internet. The fake SPSE is plain HTTP, so its requests never
reach the listener.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from fake_spse import FakeSpse
from tests.crawler.e2e import FAST, ROOT

pytestmark = pytest.mark.slow


class ProxyListener:
    """A TCP listener that records the first line of every connection and closes it."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.lines: list[str] = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._serve, name="proxy-listener", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def _serve(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(5)
                try:
                    first = conn.recv(4096).split(b"\r\n", 1)[0]
                except OSError:
                    first = b"(nothing read)"
                self.lines.append(first.decode("latin-1"))

    def __enter__(self) -> ProxyListener:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.thread.join()
        self.sock.close()


def test_a_crawl_uses_the_bundled_suffix_list_without_any_download(tmp_path: Path) -> None:
    cache_home = tmp_path / "cache"
    cache_home.mkdir()
    with FakeSpse(slugs=["kota-a"], packages=30, seed=3, year=2026) as fake, ProxyListener() as proxy:
        kept = {k: v for k, v in os.environ.items() if not k.startswith("TLDEXTRACT_")}
        env = {k: v for k, v in kept.items() if "proxy" not in k.lower()}
        env.update(XDG_CACHE_HOME=str(cache_home), HTTPS_PROXY=proxy.url, https_proxy=proxy.url)
        cmd = [sys.executable, "-m", "lpse_leads", "crawl", "--year", "2026"]
        cmd += ["--site", fake.base_url("kota-a")]
        cmd += ["--db", f"sqlite:///{tmp_path / 'crawl.db'}", "--stats", str(tmp_path / "stats.json")]
        for setting in FAST:
            cmd += ["-s", setting]
        done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    log = done.stdout + done.stderr
    assert done.returncode == 0, log[-5000:]
    assert fake.stats()["requests"], "the crawl reached the fake"  # cookies were set and checked
    assert proxy.lines == []  # e.g. ['CONNECT publicsuffix.org:443 HTTP/1.1'] before the change
    lowered = log.lower()
    for word in ("tldextract", "suffix list", "publicsuffix", "traceback"):
        assert word not in lowered, log[-5000:]
    assert list(cache_home.iterdir()) == []  # nothing cached either: no python-tldextract folder
