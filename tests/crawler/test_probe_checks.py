"""`crawler.probe`: the verdict of one answer and the diagnosis of a probe (hand-made answers).

The challenge page below is synthetic, written after Cloudflare's documented challenge markers
(the `cf-mitigated: challenge` header and the `/cdn-cgi/challenge-platform/` script).
"""

from __future__ import annotations

import json

import pytest

from crawler import probe
from crawler.probe import Step

CHALLENGE_BODY = b"""<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title></head>
<body><div class="main-wrapper"><noscript>Enable JavaScript and cookies to continue</noscript></div>
<script src="/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1?ray=8c0ffee"></script></body></html>"""
DENIED_BODY = b"<html><body><h1>Akses Ditolak!</h1></body></html>"
ERROR_BODY = b"<html><body><p>Maaf, terjadi error pada aplikasi SPSE.</p><p>Kode Error: 7f1</p></body></html>"


def step(page: str = "list") -> Step:
    return Step(name="x", url="http://h/x", page=page)


def test_challenge_by_header() -> None:
    s = step()
    assert not probe.judge_http(s, 403, {"cf-mitigated": "challenge"}, b"<html></html>")
    assert (s.verdict, s.challenge) == (probe.REFUSED, True)


def test_challenge_by_body_even_with_200() -> None:
    s = step()
    assert not probe.judge_http(s, 200, {}, CHALLENGE_BODY)
    assert s.challenge and s.verdict == probe.REFUSED


@pytest.mark.parametrize(
    ("status", "body", "verdict"),
    [
        (403, DENIED_BODY, probe.REFUSED),
        (200, DENIED_BODY, probe.REFUSED),
        (429, b"Too Many Requests", probe.REFUSED),
        (500, b"<html><body>Server Error</body></html>", probe.ERROR_PAGE),
        (200, ERROR_BODY, probe.ERROR_PAGE),
        (404, b"<html><body>404</body></html>", probe.ERROR_PAGE),
    ],
)
def test_error_answers(status: int, body: bytes, verdict: str) -> None:
    s = step()
    assert not probe.judge_http(s, status, {}, body)
    assert (s.status, s.size, s.verdict, s.challenge) == (status, len(body), verdict, False)


def test_a_normal_page_may_be_parsed() -> None:
    assert probe.judge_http(step(), 200, {}, b"<html><body><table></table></body></html>")


def test_listing_token_from_the_page_or_the_cookie() -> None:
    token = "ab" * 20
    s = step("listing")
    assert probe.read_listing(s, f"d.authenticityToken = '{token}';", "") == token
    assert (s.verdict, s.note) == (probe.OK, "token from the page JS")
    s = step("listing")
    assert probe.read_listing(s, "<html></html>", f"x-___AT={token}&___TS=1") == token
    s = step("listing")
    assert probe.read_listing(s, "<html></html>", "") is None
    assert (s.verdict, s.missing) == (probe.PARSE_FAILED, ["token"])


def tender_row(**cells: str) -> list[str | None]:
    row: list[str | None] = [
        "1001",
        "Jalan",
        "Kota A",
        "Tender Sudah Selesai",
        "1,9 M",
        "Pascakualifikasi Satu File",
    ]
    row += [
        "Tender",
        "Harga Terendah Sistem Gugur",
        "Pekerjaan Konstruksi - TA 2026",
        "5",
        "Rp. 1.800.000.000,00",
    ]
    row += [None, None, "0", "0", None]
    for index, value in cells.items():
        row[int(index.removeprefix("c"))] = value
    return row


def test_list_rows_and_fields() -> None:
    s = step()
    rows = probe.read_list(s, "tender", json.dumps({"data": [tender_row()]}).encode())
    assert [r["code"] for r in rows] == ["1001"]
    assert (s.verdict, s.missing) == (probe.OK, [])
    assert "estimate_value" in s.found and s.note == "1 rows, 1 construction"


def test_list_whose_fields_all_went_missing_is_a_parse_failure() -> None:
    s = step()
    probe.read_list(s, "tender", json.dumps({"data": [tender_row(c2="", c3="", c4="")]}).encode())
    assert (s.verdict, s.missing) == (probe.PARSE_FAILED, ["agency", "stage", "estimate_value"])


def test_list_answering_html_is_an_error_page() -> None:
    s = step()
    assert probe.read_list(s, "tender", b"<html><form>login</form></html>") == []
    assert s.verdict == probe.ERROR_PAGE and "token" in s.note


def test_empty_list_is_fine() -> None:
    s = step()
    assert probe.read_list(s, "darurat", b'{"data": []}') == []
    assert (s.verdict, s.missing) == (probe.OK, [])


def test_announcement_without_its_labels_is_a_parse_failure() -> None:
    page = b"""<html><body><table>
    <tr><th class="bgwarning">Kode Tender</th><td>1001</td></tr>
    <tr><th class="bgwarning">Judul</th><td>Jalan</td></tr></table></body></html>"""
    s = step("announcement")
    assert probe.read_announcement(s, "tender", page) is not None
    assert s.verdict == probe.PARSE_FAILED
    assert s.found == ["code"]
    assert s.missing == ["name", "agency", "value", "locations", "category", "stage"]


def test_pick_package_prefers_construction_with_a_contract() -> None:
    rows = {
        "tender": [
            {"code": "1", "category": "Pengadaan Barang", "contract_value": 1},
            {"code": "2", "category": "Pekerjaan Konstruksi"},
            {"code": "3", "category": "Pekerjaan Konstruksi", "contract_value": 5},
        ],
        "darurat": [{"code": "9", "category": "Pekerjaan Konstruksi", "stage": "Paket Sudah Selesai"}],
    }
    assert probe.pick_package(rows) == ("tender", rows["tender"][2])
    assert probe.pick_package({"tender": [{"code": "1"}]}) == ("tender", {"code": "1"})
    assert probe.pick_package({"tender": []}) is None


def done(name: str, page: str, verdict: str = probe.OK, **kw) -> Step:
    return Step(name=name, url="u", page=page, verdict=verdict, **kw)


def test_all_ok() -> None:
    steps = [done("listing", "listing"), done("list", "list"), done("a", "announcement"), done("t", "tab")]
    assert probe.diagnose(steps, "Mozilla/5.0 (compatible; lpse-leads/0.1)") == [probe.ALL_OK]


def test_details_refused_with_lists_read_names_the_user_agent() -> None:
    steps = [done("listing", "listing"), done("list", "list"), done("a", "announcement", probe.REFUSED)]
    (cause,) = probe.diagnose(steps, "curl/8")
    assert cause.startswith(probe.DETAIL_REFUSED)
    assert "'curl/8'" in cause


def test_challenge_is_named_not_the_user_agent() -> None:
    steps = [done("listing", "listing", probe.REFUSED, challenge=True)]
    assert probe.diagnose(steps, "Mozilla/5.0 (compatible; x)") == [probe.CHALLENGE]


def test_missing_labels_say_layout_changed() -> None:
    steps = [done("list", "list"), done("a", "announcement", probe.PARSE_FAILED, missing=["name", "agency"])]
    (cause,) = probe.diagnose(steps, "Mozilla/5.0")
    assert cause.startswith(probe.LAYOUT_CHANGED)
    assert "a: agency; a: name" in cause


def test_no_package_means_details_not_checked() -> None:
    (cause,) = probe.diagnose([done("listing", "listing"), done("list", "list")], "Mozilla/5.0")
    assert "detail pages not checked" in cause


def test_no_answer_names_the_error() -> None:
    steps = [done("listing", "listing", probe.NO_ANSWER, note="DNSLookupError: no such host")]
    (cause,) = probe.diagnose(steps, "Mozilla/5.0")
    assert "DNSLookupError" in cause and "DNS" in cause
