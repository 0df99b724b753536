"""The fake SPSE speaks the protocol of docs/spse-protocol.md over real HTTP."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest

from crawler.parsers import parse_contract
from fake_spse import FakeSpse
from tests.fake_spse.spse_client import Client

SLUG = "kemkes"


@pytest.fixture(scope="module")
def fake():
    with FakeSpse(slugs=[SLUG, "bandungkab"], packages=120, seed=11, year=2026) as server:
        yield server


@pytest.fixture
def client(fake):
    return Client(fake.base_url(SLUG))


def _truth(fake, kind):
    return [r for r in fake.truth() if r["list"] == kind and r["site"] == fake.base_url(SLUG)]


def test_token_in_js_and_cookie_agree(client):
    token = client.listing()
    assert re.fullmatch(r"[0-9a-f]{40}", token)
    assert client.cookie_token() == token


def test_listing_page_has_year_select_and_ajax_url(client):
    status, text = client.get("/nontender?tahun=2026", referer=False)
    assert status == 200
    assert '<select name="tahun" id="tahun"' in text
    assert f"url: \"/{SLUG}/dt/pl?tahun=2026\", type: 'POST'" in text
    assert text.rstrip().endswith("</html>")


def test_snake_case_token_field_is_forbidden(client):
    token = client.listing()
    status, _ = client.post_dt("lelang", {"draw": 1, "start": 0, "length": 10, "authenticity_token": token})
    assert status == 403


def test_wrong_token_answers_html_not_json(client):
    client.listing()
    status, text = client.post_dt(
        "lelang", {"draw": 1, "start": 0, "length": 10, "authenticityToken": "0" * 40}
    )
    assert status == 200
    assert text.lstrip().startswith("<!DOCTYPE html>")


def test_draw_and_records_total(client):
    answer = client.rows("lelang", client.listing(), 0, 5)
    assert answer["draw"] == "3"
    assert answer["recordsTotal"] == 2147483647
    assert answer["recordsFiltered"] == 2147483647


@pytest.mark.parametrize(
    ("endpoint", "page", "kind", "width"),
    [
        ("lelang", "lelang", "tender", 16),
        ("pl", "nontender", "non_tender", 12),
        ("darurat-list", "darurat", "darurat", 8),
    ],
)
def test_paging_by_kode_returns_every_row_once(fake, client, endpoint, page, kind, width):
    token = client.listing(page)
    seen = []
    start = 0
    while True:
        rows = client.rows(endpoint, token, start, 7)["data"]
        assert all(len(row) == width for row in rows)
        seen += [row[0] for row in rows]
        start += len(rows)
        if len(rows) < 7:
            break
    assert sorted(seen) == sorted(r["code"] for r in _truth(fake, kind))
    assert len(seen) == len(set(seen))


def test_contract_column_matches_truth(fake, client):
    rows = client.rows("lelang", client.listing(), 0, 1000)["data"]
    truth = {r["code"]: r for r in _truth(fake, "tender")}
    for row in rows:
        if "contract_value" in truth[row[0]]:
            assert row[10].startswith("Rp. ")
        else:
            assert row[10] == "Nilai Kontrak belum dibuat"


def test_badges_use_single_quotes_in_lelang(client):
    rows = client.rows("lelang", client.listing(), 0, 1000)["data"]
    badges = [row[1] for row in rows if "badge" in row[1]]
    # as in the real 2026 rows: one space, two before "… Ulang" (lists-2026/*.json)
    markup = re.compile(
        r"<span class='badge badge-warning'>\w+ (Batal|Gagal)</span>"
        r"|<span class='badge  badge-warning'>\w+ Ulang</span>"
    )
    assert badges and all(markup.search(b) for b in badges)


def test_detail_without_referer_is_forbidden(fake, client):
    code = _truth(fake, "tender")[0]["code"]
    status, text = client.get(f"/lelang/{code}/pengumumanlelang", referer=False)
    assert status == 403
    assert "Akses Ditolak" in text


def test_unknown_kode_is_a_200_not_found_page(client):
    status, text = client.get("/lelang/99999999000/pengumumanlelang")
    assert status == 200
    assert "Halaman yang dituju tidak ditemukan" in text


def test_absent_tab_is_404(fake, client):
    open_tender = next(r for r in _truth(fake, "tender") if not r["winners"] and not r["contract_winners"])
    status, _ = client.get(f"/evaluasi/{open_tender['code']}/pemenang")
    assert status == 404


def test_tab_bar_lists_only_present_tabs(fake, client):
    record = next(r for r in _truth(fake, "tender") if r["contract_winners"])
    _, text = client.get(f"/lelang/{record['code']}/pengumumanlelang")
    labels = re.findall(r'<a class="nav-link[^"]*" href="[^"]+">([^<]+)</a>', text)
    assert labels == ["Pengumuman", "Peserta", "Pemenang", "Pemenang Berkontrak"]
    open_tender = next(r for r in _truth(fake, "tender") if not r["winners"] and not r["contract_winners"])
    _, text = client.get(f"/lelang/{open_tender['code']}/pengumumanlelang")
    assert re.findall(r'<a class="nav-link[^"]*" href="[^"]+">([^<]+)</a>', text) == ["Pengumuman", "Peserta"]


def test_contract_tab_shown_empty_once_the_winner_is_named(fake, client):
    """As tender 10102453000 on the national host ("Nilai Kontrak belum dibuat"): the Pemenang
    Berkontrak tab is in the bar once the winner is named, its table empty until the contract."""
    record = next(r for r in _truth(fake, "tender") if r["winners"] and "contract_value" not in r)
    _, text = client.get(f"/lelang/{record['code']}/pengumumanlelang")
    labels = re.findall(r'<a class="nav-link[^"]*" href="[^"]+">([^<]+)</a>', text)
    assert labels == ["Pengumuman", "Peserta", "Pemenang", "Pemenang Berkontrak"]
    status, text = client.get(f"/evaluasi/{record['code']}/pemenangberkontrak")
    assert status == 200 and "<th>Harga Kontrak</th>" in text
    assert parse_contract(text.encode())["winners"] == []


def test_filled_contract_table(fake, client):
    record = next(r for r in _truth(fake, "tender") if r["contract_winners"])
    _, text = client.get(f"/evaluasi/{record['code']}/pemenangberkontrak")
    assert "<th>Harga Kontrak</th>" in text
    assert record["contract_winners"][0]["name"] in text


def test_darurat_pages(fake, client):
    record = _truth(fake, "darurat")[0]
    status, text = client.get(f"/darurat/pengumumandarurat?id={record['code']}")
    assert status == 200 and f"<strong>{record['code']}</strong>" in text
    status, text = client.get(f"/darurat/pengumumandaruratpemenang?id={record['code']}")
    assert status == 200 and "Nilai Total Realisasi" in text


def test_footer_version(fake, client):
    code = _truth(fake, "non_tender")[0]["code"]
    _, text = client.get(f"/nontender/{code}/jadwal")
    assert "Aplikasi SPSE v4.5u20250321" in text


def test_stats_and_day_endpoints(fake, client):
    client.listing()
    stats = json.loads(urllib.request.urlopen(f"{fake.url}/_fake/stats").read())
    assert stats["requests"]["listing"]["200"] >= 1
    request = urllib.request.Request(f"{fake.url}/_fake/day?n=0", method="POST")
    assert json.loads(urllib.request.urlopen(request).read()) == {"day": 0}
