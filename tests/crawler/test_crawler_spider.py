"""SpseSpider callbacks with hand-made (synthetic) list JSON and pages: requests, items, stats."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from urllib.parse import parse_qs

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from crawler.items import ListSeenItem, PackageItem, list_fingerprint
from crawler.list_pages import ListRun
from crawler.middlewares import PAGE, ErrorPage
from crawler.parsers import parse_list
from crawler.protocol import LIST_KINDS
from crawler.spiders.spse import SpseSpider

SITE = "http://127.0.0.1:9/kota-a"
TENDER = LIST_KINDS["tender"]
LISTING = f"{SITE}/lelang?kategoriId=&tahun=2026&instansiId=&rekanan=&kontrak_status=&kontrak_tipe="
ENDPOINT = f"{SITE}/dt/lelang?rekanan=&tahun=2026&instansiId="
TOKEN = "0123456789abcdef0123456789abcdef01234567"


def tender_row(
    code: str, category: str, contract: str = "Nilai Kontrak belum dibuat", stage: str = "Penetapan Pemenang"
) -> list[str | None]:
    return [code, "Pembangunan Jalan", "Pemerintah Kota A", stage, "900 Jt",
            "Pascakualifikasi Satu File", "Tender", "Harga Terendah Sistem Gugur", f"{category} - TA 2026",
            "5", contract, None, None, "0", "0", None]  # fmt: skip


def dt_body(*rows: list[str | None]) -> bytes:
    return json.dumps(
        {"draw": "1", "recordsTotal": 2147483647, "recordsFiltered": 2147483647, "data": list(rows)}
    ).encode()


ANNOUNCEMENT = b"""<html><body><div id="main">
<ul class="nav nav-tabs">
<li class="nav-item"><a class="nav-link active"
  href="/kota-a/lelang/1001/pengumumanlelang">Pengumuman</a></li>
<li class="nav-item"><a class="nav-link" href="/kota-a/lelang/1001/peserta">Peserta</a></li>
<li class="nav-item"><a class="nav-link" href="/kota-a/evaluasi/1001/pemenang">Pemenang</a></li>
</ul>
<div class="content"><table class="table table-sm">
<tr><th class="bgwarning">Kode Tender</th><td>1001</td></tr>
<tr><th class="bgwarning">Nama Tender</th><td><strong>Pembangunan Jalan</strong>
  <span class="badge badge-info">Tender Ulang</span></td></tr>
<tr><th class="bgwarning">Tahap Tender Saat Ini</th>
  <td><a href="/kota-a/lelang/1001/jadwal">Evaluasi</a></td></tr>
<tr><th class="bgwarning">K/L/PD</th><td>Pemerintah Kota A</td></tr>
<tr><th class="bgwarning">Jenis Pengadaan</th><td>Pekerjaan Konstruksi</td></tr>
<tr><th class="bgwarning">Tahun Anggaran</th><td>APBD 2026</td></tr>
<tr><th class="bgwarning">Nilai Pagu Paket</th><td>Rp. 1.000.000,00</td>
    <th class="bgwarning">Nilai HPS Paket</th><td>Rp. 900.000,50</td></tr>
</table></div></div></body></html>"""


@pytest.fixture
def crawler():
    crawler = get_crawler(SpseSpider, {"LPSE_DT_PAGE_LENGTH": 2, "LPSE_TOKEN_REFRESH_TIMES": 2})
    crawler.spider = crawler._create_spider(site=SITE + "/", year="2026")
    crawler.spider._open_runs = 0  # lists read: detail requests go out at once (see the holding test)
    return crawler


@pytest.fixture
def spider(crawler) -> SpseSpider:
    return crawler.spider


def run(start: int = 0, refreshes: int = 0, rounds: int = 0, kinds=(TENDER,)) -> ListRun:
    return ListRun(SITE, tuple(kinds), TOKEN, start=start, refreshes=refreshes, rounds=rounds)


def list_page(spider: SpseSpider, body: bytes, start: int = 0, refreshes: int = 0, **kw) -> list:
    response = TextResponse(ENDPOINT, body=body, request=Request(ENDPOINT, method="POST"))
    return list(spider.parse_list_page(response, run(start, refreshes, **kw), asked=2))


def test_spider_arguments_are_checked() -> None:
    with pytest.raises(ValueError):
        SpseSpider(site="ftp://x/y", year="2026")
    with pytest.raises(ValueError):
        SpseSpider(site=SITE, year="26")
    spider = SpseSpider(site=f"{SITE},http://127.0.0.1:9/kab-b/", year="2026", full="1")
    assert spider.sites == [SITE, "http://127.0.0.1:9/kab-b"]
    assert spider.full is True


def test_listing_page_token_from_js_starts_the_list(spider) -> None:
    page = f"<html><script>data: function (d) {{ d.authenticityToken = '{TOKEN}'; }}</script></html>"
    response = HtmlResponse(LISTING, body=page.encode(), request=Request(LISTING))
    (post,) = spider.parse_listing(response, run())
    form = parse_qs(post.body.decode())
    assert post.method == "POST"
    assert post.url == ENDPOINT
    assert form["authenticityToken"] == [TOKEN]
    assert form["start"] == ["0"]
    assert form["length"] == ["2"]
    assert post.headers[b"X-Requested-With"] == b"XMLHttpRequest"
    assert post.headers[b"Referer"] == LISTING.encode()
    assert post.meta["cookiejar"] == SITE  # one session per site, for all its lists


def test_listing_page_token_from_the_cookie(spider) -> None:
    cookie = f"SPSE_SESSION=ab12-___AT={TOKEN}&___TS=1&___ID=x; Path=/kota-a; HttpOnly"
    response = HtmlResponse(
        LISTING, body=b"<html></html>", headers={"Set-Cookie": cookie}, request=Request(LISTING)
    )
    (post,) = spider.parse_listing(response, run())
    assert parse_qs(post.body.decode())["authenticityToken"] == [TOKEN]


def test_listing_page_without_token_gives_up_that_list_and_opens_the_next(spider, crawler) -> None:
    response = HtmlResponse(LISTING, body=b"<html></html>", request=Request(LISTING))
    assert list(spider.parse_listing(response, run())) == []  # the last list: nothing follows
    assert crawler.stats.get_value("lpse/list_failed/no_token") == 1
    assert spider._later == []  # a page without a token is not a passing fault
    (listing,) = spider.parse_listing(response, ListRun(SITE, (TENDER, LIST_KINDS["non_tender"])))
    assert listing.method == "GET" and "/nontender?" in listing.url  # no token yet: its listing page


def test_the_next_list_reuses_the_token_without_a_listing_page(spider) -> None:
    non_tender = LIST_KINDS["non_tender"]
    out = list_page(spider, dt_body(), kinds=(TENDER, non_tender))
    (post,) = out
    assert post.method == "POST" and "/dt/pl?" in post.url
    assert parse_qs(post.body.decode())["authenticityToken"] == [TOKEN]
    assert post.cb_kwargs["run"].kind is non_tender


def test_construction_rows_become_announcement_requests_then_the_next_page(spider, crawler) -> None:
    out = list_page(
        spider, dt_body(tender_row("1001", "Pekerjaan Konstruksi"), tender_row("1002", "Pengadaan Barang"))
    )
    announcement, next_page = out
    assert announcement.url == f"{SITE}/lelang/1001/pengumumanlelang"
    assert announcement.headers[b"Referer"] == LISTING.encode()
    assert announcement.meta[PAGE] == "announcement"
    assert announcement.meta["cookiejar"] == SITE
    assert parse_qs(next_page.body.decode())["start"] == ["2"]
    assert crawler.stats.get_value("lpse/rows/tender/construction") == 1
    assert crawler.stats.get_value("lpse/rows/tender/not_construction") == 1


def test_a_short_page_ends_the_list(spider) -> None:
    out = list_page(spider, dt_body(tender_row("1001", "Pekerjaan Konstruksi Terintegrasi")), start=2)
    assert [r.url for r in out] == [f"{SITE}/lelang/1001/pengumumanlelang"]


def test_an_empty_page_ends_the_list(spider) -> None:
    assert list_page(spider, dt_body(), start=4) == []


def test_rows_seen_on_an_earlier_page_are_skipped(spider, crawler) -> None:
    body = dt_body(tender_row("1001", "Pekerjaan Konstruksi"), tender_row("1002", "Pekerjaan Konstruksi"))
    assert len(list_page(spider, body)) == 3
    assert list_page(spider, body, start=2) == []  # nothing new: no detail request, no further page
    assert crawler.stats.get_value("lpse/rows/tender/duplicate") == 2


def test_an_odd_hps_label_keeps_the_row_and_is_counted(spider, crawler, caplog) -> None:
    odd = tender_row("1001", "Pekerjaan Konstruksi")
    odd[4] = "1,9 Gajillion"
    out = list_page(spider, dt_body(odd, tender_row("1002", "Pekerjaan Konstruksi")))
    assert [r.url for r in out[:2]] == [
        f"{SITE}/lelang/1001/pengumumanlelang",
        f"{SITE}/lelang/1002/pengumumanlelang",
    ]
    assert parse_qs(out[2].body.decode())["start"] == ["2"]  # the list goes on
    assert crawler.stats.get_value("lpse/list_unread/tender/estimate_value") == 1
    assert crawler.stats.get_value("lpse/list_failed/parse_error") is None
    assert "label form '9,9 Gajillion'" in caplog.text


def test_a_dropped_row_still_counts_for_paging(spider, crawler) -> None:
    out = list_page(
        spider, dt_body(tender_row("", "Pekerjaan Konstruksi"), tender_row("1002", "Pengadaan Barang"))
    )
    (next_page,) = out  # no package from the row without a kode, but the page was full
    assert parse_qs(next_page.body.decode())["start"] == ["2"]
    assert crawler.stats.get_value("lpse/rows/tender/dropped/no_code") == 1


def test_a_bare_array_of_rows_is_read(spider) -> None:
    body = json.dumps([tender_row("1001", "Pekerjaan Konstruksi")]).encode()
    assert [r.url for r in list_page(spider, body)] == [f"{SITE}/lelang/1001/pengumumanlelang"]


def test_html_instead_of_json_reads_the_listing_page_again(spider, crawler) -> None:
    (again,) = list_page(spider, b"<html><form>login</form></html>", start=40)
    assert again.url == LISTING
    assert again.method == "GET"
    assert again.cb_kwargs["run"].start == 40
    assert again.cb_kwargs["run"].refreshes == 1
    assert crawler.stats.get_value("lpse/token_refresh") == 1


def test_html_instead_of_json_after_the_refreshes_is_read_again_later(spider, crawler) -> None:
    assert list_page(spider, b"<html><form>login</form></html>", refreshes=2) == []
    assert crawler.stats.get_value("lpse/list_deferred/not_json") == 1
    (later,) = spider._later
    assert later.url == LISTING and later.cb_kwargs["run"].refreshes == 0


def test_a_list_is_given_up_only_after_rounds_without_a_page(spider, crawler) -> None:
    assert list_page(spider, b"<html><form>login</form></html>", refreshes=2, rounds=3) == []
    assert crawler.stats.get_value("lpse/list_failed/not_json") == 1
    assert spider._later == []


def test_unchanged_row_yields_list_seen_and_no_detail_request(spider, crawler) -> None:
    body = dt_body(tender_row("1001", "Pekerjaan Konstruksi", "Rp. 850.000,00"))
    (row,) = parse_list(body, "tender")["rows"]
    spider.known = {(SITE, "1001"): list_fingerprint(row)}
    (seen,) = list_page(spider, body)
    assert seen == ListSeenItem(site=SITE, list="tender", code="1001", fingerprint=list_fingerprint(row))
    assert crawler.stats.get_value("lpse/list_unchanged") == 1


def test_an_unchanged_row_at_a_running_winner_stage_is_checked_against_the_stored_jadwal(
    spider, crawler
) -> None:
    """A postponed running stage keeps the row as it was: only the stored jadwal can tell."""
    jakarta = timezone(timedelta(hours=7))
    t0 = datetime(2026, 7, 1, 12, 0, tzinfo=jakarta)
    day = timedelta(days=1)
    stages = [
        {"name": name, "start": (t0 + a * day).isoformat(), "end": (t0 + b * day).isoformat()}
        for name, a, b in (("Pengumuman Pemenang", 0, 1), ("Masa Sanggah", 1, 3))
    ]
    reads: list[str] = []

    def stored(site: str, code: str) -> dict:
        reads.append(code)
        return {"site": site, "list": "tender", "code": code, "winners": [{}], "stages": stages}

    spider._records = stored
    pre_award = dt_body(tender_row("1001", "Pekerjaan Konstruksi", stage="Penetapan Pemenang"))
    winner = dt_body(tender_row("1002", "Pekerjaan Konstruksi", stage="Pengumuman Pemenang"))
    later = dt_body(tender_row("1003", "Pekerjaan Konstruksi", stage="Pengumuman Pemenang"))
    rows = [r for body in (pre_award, winner, later) for r in parse_list(body, "tender")["rows"]]
    spider.known = {(SITE, r["code"]): list_fingerprint(r) for r in rows}

    spider._site_now[SITE] = t0 + timedelta(hours=20)  # the stored jadwal still runs Pengumuman Pemenang
    assert [type(x) for x in list_page(spider, pre_award) + list_page(spider, winner)] == [ListSeenItem] * 2
    assert reads == ["1002"]  # a pre-award row costs no store read

    spider._site_now[SITE] = t0 + timedelta(hours=30)  # past its stored end, the row still shows it
    (request,) = list_page(spider, later)
    assert request.url.endswith("/lelang/1003/jadwal")
    assert crawler.stats.get_value("lpse/refetch/schedule_revised") == 1
    assert crawler.stats.get_value("lpse/list_unchanged") == 2


def test_full_crawl_ignores_known_fingerprints(spider) -> None:
    body = dt_body(tender_row("1001", "Pekerjaan Konstruksi"))
    (row,) = parse_list(body, "tender")["rows"]
    spider.known = {(SITE, "1001"): list_fingerprint(row)}
    spider.full = True
    (request,) = list_page(spider, body)
    assert isinstance(request, Request)


def announcement_request(spider: SpseSpider, contract: str = "Rp. 850.000,00") -> Request:
    (request,) = list_page(spider, dt_body(tender_row("1001", "Pekerjaan Konstruksi", contract)), start=2)
    return request


def follow(request: Request, body: bytes, callback=None) -> list:
    response = HtmlResponse(request.url, body=body, request=request)
    return list((callback or request.callback)(response, **request.cb_kwargs))


def fail(request: Request, exc: Exception) -> list:
    failure = Failure(exc)
    failure.request = request
    return list(request.errback(failure))


def test_announcement_leads_only_to_the_tabs_it_shows_that_we_use(spider) -> None:
    (winners,) = follow(announcement_request(spider), ANNOUNCEMENT)
    assert winners.url == f"{SITE}/evaluasi/1001/pemenang"
    assert winners.headers[b"Referer"] == f"{SITE}/lelang/1001/pengumumanlelang".encode()
    assert [tab for tab, _ in winners.cb_kwargs["package"].todo] == ["jadwal"]


BOTH_TABS = ANNOUNCEMENT.replace(
    b'href="/kota-a/evaluasi/1001/pemenang">Pemenang</a></li>',
    b'href="/kota-a/evaluasi/1001/pemenang">Pemenang</a></li>\n<li class="nav-item"><a class="nav-link" '
    b'href="/kota-a/evaluasi/1001/pemenangberkontrak">Pemenang Berkontrak</a></li>',
)
EMPTY_CONTRACT = b"""<html><body><div id="main"><div class="content"><table class="table table-sm">
<tr><th class="bgwarning">Nama Tender</th><td>Pembangunan Jalan</td></tr>
<tr><td colspan="2"><table class="table table-sm"><tr><th>Nama Pemenang</th><th>Alamat</th><th>NPWP</th>
<th>Harga Kontrak</th><th>Nilai PDN</th><th>Nilai UMK</th></tr></table></td></tr>
</table></div></div></body></html>"""


def test_without_a_contract_value_the_pemenang_tab_is_read_not_the_empty_contract_tab(spider) -> None:
    """The 2026 host shows Pemenang Berkontrak (empty) once a winner is named: the row, not the tab
    bar, says whether a contract exists."""
    (winners,) = follow(announcement_request(spider, "Nilai Kontrak belum dibuat"), BOTH_TABS)
    assert winners.url == f"{SITE}/evaluasi/1001/pemenang"
    assert [tab for tab, _ in winners.cb_kwargs["package"].todo] == ["jadwal"]


def test_with_a_contract_value_the_contract_tab_is_read_instead_of_pemenang(spider) -> None:
    (contract,) = follow(announcement_request(spider), BOTH_TABS)
    assert contract.url == f"{SITE}/evaluasi/1001/pemenangberkontrak"
    assert [tab for tab, _ in contract.cb_kwargs["package"].todo] == ["jadwal"]


def test_an_empty_contract_table_sends_the_crawler_to_the_pemenang_tab(spider, crawler) -> None:
    (contract,) = follow(announcement_request(spider), BOTH_TABS)
    (winners,) = follow(contract, EMPTY_CONTRACT)
    assert winners.url == f"{SITE}/evaluasi/1001/pemenang"
    assert [tab for tab, _ in winners.cb_kwargs["package"].todo] == ["jadwal"]
    assert crawler.stats.get_value("lpse/contract_tab_empty") == 1


def test_missing_tabs_do_not_fail_the_package(spider, crawler) -> None:
    (winners,) = follow(announcement_request(spider), ANNOUNCEMENT)
    (schedule,) = fail(winners, ErrorPage("not_found", winners.url))
    assert schedule.url == f"{SITE}/lelang/1001/jadwal"
    not_found = HtmlResponse(schedule.url, status=404, body=b"", request=schedule)
    (item,) = fail(schedule, HttpError(not_found))
    assert isinstance(item, PackageItem)
    assert crawler.stats.get_value("lpse/tab_not_available/pemenang") == 1
    assert crawler.stats.get_value("lpse/tab_not_available/jadwal") == 1


def test_the_item_takes_the_announcement_and_the_list_contract_value(spider) -> None:
    (winners,) = follow(announcement_request(spider), ANNOUNCEMENT)
    (schedule,) = fail(winners, ErrorPage("not_found", winners.url))
    (item,) = fail(schedule, ErrorPage("not_found", schedule.url))
    assert (item.site, item.list, item.code) == (SITE, "tender", "1001")
    assert item.name == "Pembangunan Jalan"
    assert item.flags == ["Tender Ulang"]
    assert item.stage == "Evaluasi"
    assert item.budget_value == Decimal("1000000.00")
    assert item.estimate_value == Decimal("900000.50")
    assert item.contract_value == Decimal("850000.00")
    assert item.funding_source == "APBD"
    assert item.winners == []
    assert item.fingerprint == list_fingerprint(
        parse_list(dt_body(tender_row("1001", "Pekerjaan Konstruksi", "Rp. 850.000,00")), "tender")["rows"][0]
    )


def test_a_broken_tab_is_read_again_later_then_counted(spider, crawler) -> None:
    (winners,) = follow(announcement_request(spider), ANNOUNCEMENT)
    winners.meta["retry_times"] = 3
    assert fail(winners, ErrorPage("server_error", winners.url)) == []
    assert crawler.stats.get_value("lpse/page_deferred/pemenang_server_error") == 1
    (again,) = spider._later
    assert again.url == winners.url and "retry_times" not in again.meta and again.dont_filter
    again.cb_kwargs["package"].rounds = 3
    assert fail(again, ErrorPage("server_error", winners.url)) == []
    assert crawler.stats.get_value("lpse/package_failed/pemenang_server_error") == 1


def test_a_broken_announcement_is_read_again_later(spider, crawler) -> None:
    request = announcement_request(spider)
    assert fail(request, ErrorPage("truncated", request.url)) == []
    assert crawler.stats.get_value("lpse/page_deferred/truncated") == 1
    assert [r.url for r in spider._later] == [request.url]


def test_an_announcement_that_is_not_one_drops_the_package(spider, crawler) -> None:
    assert follow(announcement_request(spider), b"<html><body><p>Beranda</p></body></html>") == []
    assert crawler.stats.get_value("lpse/package_failed/parse_error") == 1


def test_detail_requests_wait_until_every_list_is_read(spider) -> None:
    spider._open_runs = 1
    kinds = (TENDER, LIST_KINDS["non_tender"])
    (next_list,) = list_page(
        spider, dt_body(tender_row("1001", "Pekerjaan Konstruksi")), start=2, kinds=kinds
    )
    assert "/dt/pl?" in next_list.url  # the lists go on
    (held,) = spider._held
    assert held.url == f"{SITE}/lelang/1001/pengumumanlelang"


def test_leads_go_first(spider) -> None:
    body = dt_body(
        tender_row("1001", "Pekerjaan Konstruksi"),
        tender_row("1002", "Pekerjaan Konstruksi", "Rp. 850.000,00"),
    )
    first, second, _next_page = list_page(spider, body)
    assert (first.priority, second.priority) == (0, 20)  # contract signed: read before pre-award


def test_a_host_that_refuses_connections_ends_the_sites_lists(spider, crawler) -> None:
    from twisted.internet.error import ConnectionRefusedError

    kinds = (TENDER, LIST_KINDS["non_tender"], LIST_KINDS["darurat"])
    listing = spider._listing_request(ListRun(SITE, kinds))
    assert fail(listing, ConnectionRefusedError()) == []  # no other list of a host that is down
    assert crawler.stats.get_value("lpse/list_failed/ConnectionRefusedError") == 3
    assert spider._later == []


def test_a_list_ended_beside_a_check_is_read_on_when_the_check_finds_a_cap() -> None:
    crawler = get_crawler(SpseSpider, {"LPSE_TOKEN_REFRESH_TIMES": 2})
    other = "http://127.0.0.1:9/kab-b"  # the same host: one page-length learner
    crawler.spider = spider = crawler._create_spider(site=f"{SITE},{other}", year="2026")

    def page(site: str, first: int, rows: int, probing_after: int | None = None) -> list:
        body = dt_body(*(tender_row(str(first + i), "Pengadaan Barang") for i in range(rows)))
        url = f"{site}/dt/lelang?rekanan=&tahun=2026&instansiId="
        response = TextResponse(url, body=body, request=Request(url, method="POST"))
        run = ListRun(site, (TENDER,), TOKEN, start=first - 1000, probing_after=probing_after)
        return list(spider.parse_list_page(response, run, asked=100_000))

    (check,) = page(SITE, 1000, 300)  # a large short page: checked with one more call
    assert parse_qs(check.body.decode())["start"] == ["300"]
    assert page(other, 5000, 300) == []  # as large as the page under check: that check decides it too
    assert spider._open_runs == 1  # kab-b's lists are done (kota-a's still open)
    read_on, next_page = page(SITE, 1300, 300, probing_after=300)  # 300 more rows: a cap of 300
    assert read_on.url.startswith(other) and parse_qs(read_on.body.decode())["start"] == ["300"]
    assert parse_qs(read_on.body.decode())["length"] == ["300"]
    assert parse_qs(next_page.body.decode())["start"] == ["600"]
    assert spider._open_runs == 2  # kab-b's tender list is open again
    assert crawler.stats.get_value("lpse/page_length/reread") == 1
    assert crawler.stats.get_value("lpse/page_lengths")["127.0.0.1:9"]["cap"] == 300
