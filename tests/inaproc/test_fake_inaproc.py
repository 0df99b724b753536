"""The fake INAPROC host: paths of the real hosts, paging limits, the API's 401 without its token,
the WAF's 403 without a Referer, one world behind every channel, day moves, and the command."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from crawler.parsers.inaproc import (
    parse_api_contract,
    parse_api_page,
    parse_realisation_page,
    parse_sirup_page,
)
from fake_inaproc import FakeInaproc


@pytest.fixture(scope="module")
def fake():
    with FakeInaproc(seed=3, year=2026) as running:
        yield running


def get(fake, path, headers=None):
    request = urllib.request.Request(fake.url + path, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def api(fake, path):
    return get(fake, path, {"Authorization": f"Bearer {fake.token}"})


SIRUP = (
    "/sirup/caripaketctr/search?tahunAnggaran=2026&jenisPengadaan={kinds}"
    "&start={start}&length={length}&draw=7"
)


def test_sirup_pages_are_at_most_100_rows(fake):
    status, body = get(fake, SIRUP.format(kinds="", start=0, length=500))
    total, plans = parse_sirup_page(body)
    assert (status, len(plans), total) == (200, 100, len(fake.world.plans()))


def test_sirup_echoes_draw(fake):
    _, body = get(fake, SIRUP.format(kinds="", start=0, length=1))
    assert json.loads(body)["draw"] == 7


def test_sirup_construction_filter_equals_the_plan_truth(fake):
    _, body = get(fake, SIRUP.format(kinds="2,3", start=0, length=100))
    _, plans = parse_sirup_page(body)
    assert sorted(p["rup_code"] for p in plans) == sorted(r["code"] for r in fake.truth("sirup"))


def test_dashboard_refuses_without_referer(fake):
    status, _ = get(fake, "/dashboard-api/realisasi/table?tahun=2026&offset=0&limit=100")
    assert status == 403


def test_dashboard_limit_is_capped_at_100(fake):
    status, body = get(fake, "/dashboard-api/realisasi/table?tahun=2026&limit=1000", {"Referer": fake.url})
    assert (status, len(parse_realisation_page(body))) == (200, min(100, len(fake.world.transactions())))


def test_dashboard_instansi_filter(fake):
    _, body = get(fake, "/dashboard-api/realisasi/table?tahun=2026&instansi=D6&limit=100", {"Referer": "x"})
    assert {r["agency"] for r in parse_realisation_page(body)} == {"KAB. ACEH TENGAH"}


def test_api_401_without_token(fake):
    status, body = get(fake, "/api/v1/tender/kontrak?limit=10")
    assert (status, json.loads(body)["message"]) == (401, "Invalid or missing API key")


def test_api_401_with_a_wrong_token(fake):
    status, _ = get(fake, "/api/v1/tender/kontrak", {"Authorization": "Bearer nope"})
    assert status == 401


@pytest.mark.parametrize("limit", ["0", "1001"])
def test_api_limit_out_of_range(fake, limit):
    status, _ = api(fake, f"/api/v1/tender/kontrak?limit={limit}")
    assert status == 400


def test_api_cursor_paging_reads_every_contract_once(fake):
    codes, cursor = [], None
    while True:
        _, body = api(fake, "/api/v1/tender/kontrak?limit=7" + (f"&cursor={cursor}" if cursor else ""))
        rows, cursor = parse_api_page(body)
        codes += [parse_api_contract(r)["tender_code"] for r in rows]
        if cursor is None:
            break
    assert codes == [r["code"] for r in fake.truth("inaproc-api")]


def test_one_world_links_plan_transaction_and_contract(fake):
    contract = fake.truth("inaproc-api")[0]
    _, body = get(fake, "/dashboard-api/realisasi/table?tahun=2026&limit=100", {"Referer": "x"})
    row = next(r for r in parse_realisation_page(body) if r["code"] == contract["code"])
    plan_codes = {p.rup_code for p in fake.world.plans()}
    assert (row["provider_name"], set(row["rup_codes"]) <= plan_codes) == (
        contract["contract_winners"][0]["name"],
        True,
    )


def test_unknown_path_is_404(fake):
    assert get(fake, "/sirup/nothing")[0] == 404


def test_same_seed_same_truth():
    with FakeInaproc(seed=9) as a, FakeInaproc(seed=9) as b:
        assert [r["code"] for r in a.truth()] == [r["code"] for r in b.truth()]


def test_a_day_only_adds_plans():
    with FakeInaproc(seed=4) as f:
        before = {r["code"] for r in f.truth("sirup")}
        f.set_day(5)
        after = {r["code"] for r in f.truth("sirup")}
    assert before < after


def test_command_prints_the_token_and_writes_the_truth(tmp_path):
    truth = tmp_path / "truth.jsonl"
    child = subprocess.Popen(
        [sys.executable, "-m", "lpse_leads", "fake-inaproc", "--seed", "2", "--truth", str(truth)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        lines = [child.stdout.readline() for _ in range(3)]
    finally:
        child.terminate()
        child.wait(10)
    sources = {json.loads(line)["source"] for line in truth.read_text().splitlines()}
    assert (lines[1].startswith("api token: ey"), sources) == (True, {"sirup", "ekatalog", "inaproc-api"})
