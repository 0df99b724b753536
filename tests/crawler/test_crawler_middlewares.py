"""crawler.middlewares: error pages never reach a callback; retries back off; Retry-After; blocks.

The error bodies here are hand-made (synthetic): no real SPSE error page was captured.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import time

import pytest
from scrapy import Request, Spider
from scrapy.http import HtmlResponse, TextResponse
from scrapy.utils.test import get_crawler

from crawler.middlewares import (
    NOT_BEFORE,
    PAGE,
    ErrorPage,
    HostBlocked,
    SpseDownloaderMiddleware,
    retry_after_seconds,
)

URL = "http://127.0.0.1:9/kota-a/lelang/10102453000/pengumumanlelang"
GOOD = b"<html><body><table><tr><th class='bgwarning'>Kode Tender</th><td>1</td></tr></table></body></html>"
SERVER_ERROR = (
    b"<html><body><h1>Maaf, terjadi error pada aplikasi SPSE.</h1><p>Kode Error: 7f3a</p></body></html>"
)
NOT_FOUND = b"<html><body><p>Halaman yang dituju tidak ditemukan</p></body></html>"
DENIED = b"<html><body><h1>Akses Ditolak!</h1></body></html>"
TRUNCATED = b"<html><body><table><tr><th class='bgwarning'>Kode Tender</th><td>1</td>"
LOGIN = b"<html><body><form action='/login'>Masuk</form></body></html>"


@pytest.fixture
def crawler():
    crawler = get_crawler(
        Spider,
        {
            "RETRY_TIMES": 2,
            "LPSE_RETRY_BACKOFF_BASE": 4.0,
            "LPSE_BLOCK_THRESHOLD": 3,
            "LPSE_RETRY_AFTER_MAX": 600,
        },
    )
    crawler.spider = crawler._create_spider("t")
    return crawler


@pytest.fixture
def mw(crawler) -> SpseDownloaderMiddleware:
    return SpseDownloaderMiddleware.from_crawler(crawler)


def request(page: str | None = "announcement", url: str = URL, retry_times: int = 0) -> Request:
    meta = {PAGE: page} if page else {}
    if retry_times:
        meta["retry_times"] = retry_times
    return Request(url, meta=meta)


def html(req: Request, body: bytes, status: int = 200, headers: dict | None = None) -> HtmlResponse:
    return HtmlResponse(req.url, status=status, body=body, headers=headers, request=req)


def test_normal_page_passes_through(mw) -> None:
    req = request()
    resp = html(req, GOOD)
    assert mw.process_response(req, resp) is resp


def test_server_error_page_becomes_a_retry_with_backoff(mw, crawler) -> None:
    req = request()
    before = time.monotonic()
    retry = mw.process_response(req, html(req, SERVER_ERROR))
    assert isinstance(retry, Request)
    assert retry.meta["retry_times"] == 1
    assert retry.meta[NOT_BEFORE] >= before + 4.0
    assert crawler.stats.get_value("retry/reason_count/lpse_server_error") == 1
    assert crawler.stats.get_value("lpse/page_error/server_error") == 1


def test_backoff_doubles_per_retry(mw) -> None:
    req = request(retry_times=1)
    before = time.monotonic()
    retry = mw.process_response(req, html(req, SERVER_ERROR))
    assert retry.meta["retry_times"] == 2
    assert retry.meta[NOT_BEFORE] >= before + 8.0


def test_server_error_after_the_last_retry_reaches_the_errback(mw) -> None:
    req = request(retry_times=2)
    with pytest.raises(ErrorPage) as caught:
        mw.process_response(req, html(req, SERVER_ERROR))
    assert caught.value.reason == "server_error"


def test_not_found_page_is_not_retried(mw, crawler) -> None:
    req = request()
    with pytest.raises(ErrorPage) as caught:
        mw.process_response(req, html(req, NOT_FOUND))
    assert caught.value.reason == "not_found"
    assert crawler.stats.get_value("retry/count") is None


def test_truncated_page_is_retried(mw, crawler) -> None:
    req = request(page="tab")
    assert isinstance(mw.process_response(req, html(req, TRUNCATED)), Request)
    assert crawler.stats.get_value("retry/reason_count/lpse_truncated") == 1


def test_truncated_list_json_is_retried(mw) -> None:
    req = request(page="list", url="http://127.0.0.1:9/kota-a/dt/lelang?tahun=2026")
    resp = TextResponse(req.url, body=b'{"draw":"1","recordsTotal":2147483647,"data":[["1","a"', request=req)
    assert isinstance(mw.process_response(req, resp), Request)


def test_html_login_page_from_the_list_goes_to_the_spider(mw) -> None:
    req = request(page="list", url="http://127.0.0.1:9/kota-a/dt/lelang?tahun=2026")
    resp = html(req, LOGIN)
    assert mw.process_response(req, resp) is resp


def test_pages_not_marked_as_spse_are_left_alone(mw) -> None:
    req = request(page=None, url="http://127.0.0.1:9/robots.txt")
    resp = html(req, NOT_FOUND)
    assert mw.process_response(req, resp) is resp


def test_403_on_a_tab_is_not_available_without_retry(mw, crawler) -> None:
    req = request(page="tab")
    with pytest.raises(ErrorPage) as caught:
        mw.process_response(req, html(req, DENIED, status=403))
    assert caught.value.reason == "access_denied"
    assert crawler.stats.get_value("retry/count") is None


def test_access_denied_on_an_announcement_is_retried_once(mw, crawler) -> None:
    req = request()
    retry = mw.process_response(req, html(req, DENIED))
    assert isinstance(retry, Request)
    with pytest.raises(ErrorPage) as caught:
        mw.process_response(retry, html(retry, DENIED))
    assert caught.value.reason == "access_denied"
    assert crawler.stats.get_value("lpse/page_error/access_denied") == 2


def test_429_pauses_the_host_for_retry_after(mw, crawler) -> None:
    req = request()
    before = time.monotonic()
    retry = mw.process_response(req, html(req, b"slow down", status=429, headers={"Retry-After": "30"}))
    assert isinstance(retry, Request)
    assert retry.meta[NOT_BEFORE] >= before + 30
    assert mw.paused_until["127.0.0.1"] >= before + 30
    assert crawler.stats.get_value("lpse/rate_limited/429") == 1
    assert crawler.stats.get_value("lpse/retry_after/max_seconds") == 30


def test_503_with_retry_after_pauses_the_host(mw) -> None:
    req = request()
    before = time.monotonic()
    mw.process_response(req, html(req, b"busy", status=503, headers={"Retry-After": "12"}))
    assert mw.paused_until["127.0.0.1"] >= before + 12


def test_503_without_retry_after_is_a_plain_retry(mw) -> None:
    req = request()
    retry = mw.process_response(req, html(req, b"busy", status=503))
    assert isinstance(retry, Request)
    assert "127.0.0.1" not in mw.paused_until


def test_too_long_retry_after_stops_the_host(mw, crawler) -> None:
    req = request()
    resp = html(req, b"go away", status=429, headers={"Retry-After": "86400"})
    assert mw.process_response(req, resp) is resp
    assert "127.0.0.1" in mw.blocked
    assert "Retry-After" in crawler.stats.get_value("lpse/host_blocked/127.0.0.1")
    with pytest.raises(HostBlocked):
        asyncio.run(mw.process_request(request(page="tab")))


def test_repeated_refusals_stop_the_host(mw, crawler) -> None:
    for _ in range(3):
        req = request(page="tab")
        with pytest.raises(ErrorPage):
            mw.process_response(req, html(req, DENIED, status=403))
    assert "127.0.0.1" in mw.blocked
    assert crawler.stats.get_value("lpse/host_blocked/127.0.0.1") is not None
    with pytest.raises(HostBlocked):
        asyncio.run(mw.process_request(request()))


def test_a_good_answer_resets_the_refusal_count(mw) -> None:
    for body, status in ((DENIED, 403), (DENIED, 403), (GOOD, 200), (DENIED, 403), (DENIED, 403)):
        req = request(page="tab")
        with contextlib.suppress(ErrorPage):
            mw.process_response(req, html(req, body, status=status))
    assert "127.0.0.1" not in mw.blocked


def test_other_hosts_are_not_stopped(mw) -> None:
    mw.block("127.0.0.1", "test")
    assert asyncio.run(mw.process_request(request(url="http://localhost:9/kab-b/lelang"))) is None


def test_retry_after_seconds_forms() -> None:
    now = time.time()
    assert retry_after_seconds(b"120") == 120.0
    assert retry_after_seconds(email.utils.formatdate(now + 60, usegmt=True), now=now) == pytest.approx(
        60, abs=1
    )
    assert retry_after_seconds(None) is None
    assert retry_after_seconds(b"soon") is None


def test_429s_of_requests_already_in_flight_count_as_one_refusal(mw) -> None:
    for _ in range(5):
        req = request(page="tab")
        mw.process_response(req, html(req, b"slow down", status=429, headers={"Retry-After": "30"}))
    assert mw.refusals["127.0.0.1"] == 1
    assert "127.0.0.1" not in mw.blocked
