"""The fake behaves as the national host did in September 2026 (docs/spse-protocol.md §10.1), by default."""

from __future__ import annotations

import json
import subprocess

import pytest

from fake_spse import FakeSpse
from fake_spse.faults import Profile
from tests.fake_spse.spse_client import Client

SLUG = "kaltimprov"
CURL = "curl/8"


@pytest.fixture(scope="module")
def fake():
    with FakeSpse(slugs=[SLUG], packages=300, seed=3, year=2026) as server:
        yield server


def _first(fake, kind, **want):
    return next(r for r in fake.truth() if r["list"] == kind and all(r.get(k) == v for k, v in want.items()))


def _curl(url: str, agent: str, referer: str) -> tuple[int, int]:
    """(status, body bytes) of a real `curl` GET: the issue's acceptance check, verbatim."""
    out = subprocess.run(
        [
            "curl",
            "-s",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code} %{size_download}",
            "-A",
            agent,
            "-e",
            referer,
            url,
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout.split()
    return int(out[0]), int(out[1])


def test_curl_agent_gets_403_and_a_short_page_on_details_but_lists_answer(fake):
    base = fake.base_url(SLUG)
    code = _first(fake, "tender")["code"]
    status, size = _curl(f"{base}/lelang/{code}/pengumumanlelang", CURL, f"{base}/lelang")
    assert status == 403
    assert 1700 <= size <= 2000  # "HTTP 403 with a ~1.85 KB body"
    assert _curl(f"{base}/lelang?tahun=2026", CURL, "")[0] == 200
    status, _ = _curl(
        f"{base}/lelang/{code}/pengumumanlelang",
        "Mozilla/5.0 (compatible; x/1; +https://a.b)",
        f"{base}/lelang",
    )
    assert status == 200


def test_every_tab_refuses_a_non_browser_agent(fake):
    record = _first(fake, "tender", stage="Tender Sudah Selesai")
    if not record["contract_winners"]:
        record = next(r for r in fake.truth() if r["list"] == "tender" and r["contract_winners"])
    client = Client(fake.base_url(SLUG), user_agent="lpse-leads/0.1 (contact: x)")
    token = client.listing()
    assert client.rows("lelang", token, 0, 10)["data"]  # list calls still answer
    for path in ("pengumumanlelang", "peserta", "jadwal"):
        assert client.get(f"/lelang/{record['code']}/{path}")[0] == 403
    for path in ("pemenang", "pemenangberkontrak"):
        assert client.get(f"/evaluasi/{record['code']}/{path}")[0] == 403


def test_referer_rules(fake):
    record = next(r for r in fake.truth() if r["list"] == "tender" and r["winners"])
    code = record["code"]
    client = Client(fake.base_url(SLUG))
    announcement = f"/lelang/{code}/pengumumanlelang"
    assert client.get(announcement, referer="/lelang")[0] == 200
    assert client.get(announcement, referer=False)[0] == 403
    assert client.get(announcement, referer="/nontender")[0] == 403  # another list's page
    assert client.get(f"/evaluasi/{code}/pemenang", referer=announcement)[0] == 200
    assert client.get(f"/lelang/{code}/jadwal", referer=announcement)[0] == 200
    assert client.get(f"/evaluasi/{code}/pemenang", referer="/lelang")[0] == 403  # not from its own page
    other = next(r for r in fake.truth() if r["list"] == "tender" and r["code"] != code)["code"]
    assert client.get(f"/evaluasi/{code}/pemenang", referer=f"/lelang/{other}/pengumumanlelang")[0] == 403


def test_whole_year_in_one_call_and_the_sentinel_totals(fake):
    client = Client(fake.base_url(SLUG))
    answer = client.rows("lelang", client.listing(), 0, 100_000)
    tenders = [r for r in fake.truth() if r["list"] == "tender"]
    assert len(answer["data"]) == len(tenders)
    assert answer["recordsTotal"] == answer["recordsFiltered"] == 2147483647


def test_pencatatan_and_swakelola_lists_and_pages(fake):
    client = Client(fake.base_url(SLUG))
    token = client.listing("pencatatan")
    rows = client.rows("nonspk", token, 0, 1000)["data"]
    truth = {r["code"]: r for r in fake.truth() if r["list"] == "pencatatan"}
    assert {row[0] for row in rows} == set(truth) and all(len(row) == 9 for row in rows)
    row = rows[0]
    assert row[4] in ("Pengadaan Langsung", "Penunjukan Langsung") and row[6] == "2026" and row[7] == "5"
    assert row[8] in ("Paket Sedang Berjalan", "Paket Sudah Selesai", "Paket Dibatalkan")
    status, text = client.get(f"/pencatatan/pengumumannonspk?id={row[0]}")
    assert status == 200 and "Nilai Pagu Paket" in text and "Kode RUP" in text
    status, text = client.get(f"/pencatatan/pengumumannonspkpemenang?id={row[0]}")
    assert status == 200 and "Nilai Total Realisasi" in text
    swakelola = client.rows("swakelola", token, 0, 1000)["data"]  # one session serves every list
    assert swakelola and all(len(r) == 8 and r[4] == "5" for r in swakelola)
    status, text = client.get(f"/swakelola/{swakelola[0][0]}/pengumuman")
    assert status == 200 and "Tipe Pelaksana Swakelola" in text and "Jenis Pengadaan" not in text
    status, text = client.get(f"/swakelola/pengumumanswakelolapelaksana/{swakelola[0][0]}")
    assert status == 200 and "Nilai Total Realisasi" in text


def test_flaky_profile_breaks_single_tabs_for_a_while_deterministically():
    with FakeSpse(
        slugs=[SLUG], packages=300, seed=3, year=2026, faults=Profile("t", tab_error=0.3, tab_error_hits=2)
    ) as fake:
        client = Client(fake.base_url(SLUG))
        tenders = [r for r in fake.truth() if r["list"] == "tender" and r["stages"]][:20]
        first = {r["code"]: client.get(f"/lelang/{r['code']}/jadwal")[0] for r in tenders}
        broken = [code for code, status in first.items() if status == 500]
        assert broken and len(broken) < len(tenders)
        code = broken[0]
        assert client.get(f"/lelang/{code}/pengumumanlelang")[0] == 200  # the package's other pages answer
        assert client.get(f"/lelang/{code}/jadwal")[0] == 500
        assert client.get(f"/lelang/{code}/jadwal")[0] == 200  # recovered after tab_error_hits
        stats = fake.stats()
    assert stats["faults"]["tab_error"] == len(broken) + 1  # each once, the first one twice
    assert {e["status"] for e in stats["log"] if e["kind"] == "tab_error"} == {500}


def test_sessions_expire_after_their_token_uses():
    with FakeSpse(slugs=[SLUG], packages=100, seed=3, year=2026, faults=Profile("t", token_uses=2)) as fake:
        client = Client(fake.base_url(SLUG))
        token = client.listing()
        assert client.rows("lelang", token, 0, 5)["data"]
        assert client.rows("pl", token, 0, 5)["data"]
        status, text = client.post_dt("lelang", {"start": 0, "length": 5, "authenticityToken": token})
        assert status == 200 and not text.lstrip().startswith("{")  # the login page
        assert json.loads(client.post_dt("lelang", {"length": 5, "authenticityToken": client.listing()})[1])
