"""Dashboard pages and their CSVs for every role: the right scope, the refusals, a live change.

World (tests/web/conftest.py): three leads each in KC-A (Balikpapan) and KC-B (Samarinda) of
Kanwil Kalimantan, three in Kalimantan's fallback queue (Kutai Kartanegara), three in KC-J
(DKI Jakarta); all new after the build.
"""

from __future__ import annotations

import csv
import io
import re

import pytest

from tests.web.conftest import World

KPI = re.compile(r'<span class="muted">Lead</span><strong>([\d.]+)</strong>')


def _leads_shown(html: str) -> int:
    match = KPI.search(html)
    assert match, "no lead count on the page"
    return int(match.group(1).replace(".", ""))


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize(
    ("role", "title", "leads"),
    [
        ("analyst", "Dasbor Nasional", 12),
        ("admin", "Dasbor Nasional", 12),
        ("kanwil", "Dasbor Kanwil Kalimantan", 9),
        ("kanwil_dki", "Dasbor Kanwil DKI Jakarta", 3),
        ("officer_a", "Dasbor Kantor cabang KC-A", 3),
    ],
)
def test_each_role_sees_its_own_scope_with_the_whole_map(world: World, as_role, role, title, leads):
    client, _ = as_role(role)
    page = client.get("/dashboard")
    assert page.status_code == 200, page.text
    assert f"<h1>{title}</h1>" in page.text
    assert _leads_shown(page.text) == leads
    assert (
        len(re.findall(r'<path d="M[^"]+" fill="#[0-9a-f]{6}"[^>]* data-kode="\d\d\.\d\d"', page.text)) == 514
    )
    for name in ("cabang", "kabkota", "corong", "tunggakan", "kontraktor", "situs"):
        assert f'href="/dashboard/{name}.csv' in page.text


def test_officers_get_only_their_branch(world: World, as_role):
    client, _ = as_role("officer_a")
    for path in (
        "/dashboard?cabang=KC-B",
        "/dashboard?kanwil=Kalimantan",
        "/dashboard?cabang=KC-J",
        "/dashboard/cabang.csv?cabang=KC-B",
        "/dashboard/kabkota.csv?kanwil=Kalimantan",
    ):
        assert client.get(path).status_code == 403, path
    assert client.get("/dashboard?cabang=KC-A").status_code == 200
    rows = _csv(client.get("/dashboard/kabkota.csv").text)
    assert [(r["Kode"], r["Lead"]) for r in rows] == [("64.71", "3")]


def test_kanwil_users_get_their_kanwil_and_its_branches_only(world: World, as_role):
    client, _ = as_role("kanwil")
    assert client.get("/dashboard?kanwil=DKI Jakarta").status_code == 403
    assert client.get("/dashboard?cabang=KC-J").status_code == 403
    assert client.get("/dashboard/kontraktor.csv?cabang=KC-J").status_code == 403
    assert client.get("/dashboard?cabang=NOPE").status_code == 403
    page = client.get("/dashboard?cabang=KC-B")
    assert page.status_code == 200 and _leads_shown(page.text) == 3
    rows = _csv(client.get("/dashboard/cabang.csv").text)
    assert sorted((r["Kode cabang"], r["Lead"]) for r in rows) == [("", "3"), ("KC-A", "3"), ("KC-B", "3")]
    assert any(r["Kantor cabang / antrian"] == "Antrian provinsi, Kanwil Kalimantan" for r in rows)


def test_analysts_choose_any_scope_and_unknown_ones_are_404(world: World, as_role):
    client, _ = as_role("analyst")
    assert _leads_shown(client.get("/dashboard?kanwil=Kalimantan").text) == 9
    assert _leads_shown(client.get("/dashboard?cabang=KC-J").text) == 3
    assert client.get("/dashboard?cabang=NOPE").status_code == 404
    assert client.get("/dashboard?kanwil=Atlantis").status_code == 404
    assert client.get("/dashboard/rahasia.csv").status_code == 404
    assert client.get("/dashboard?peta=warna").status_code == 422
    rows = _csv(client.get("/dashboard/kabkota.csv").text)
    assert sorted(r["Kode"] for r in rows) == ["31.71", "64.02", "64.71", "64.72"]
    assert {r["Kode"]: r["Kabupaten/kota"] for r in rows}["64.02"] == "Kabupaten Kutai Kartanegara"


def test_without_login_the_dashboard_and_its_csv_redirect_to_login(world: World):
    client = world.client()
    for path in ("/dashboard", "/dashboard/cabang.csv"):
        response = client.get(path)
        assert response.status_code == 303 and response.headers["location"].startswith("/login"), path


def test_a_change_recorded_by_an_officer_shows_on_the_next_view(world: World, as_role):
    analyst, _ = as_role("analyst")
    before = _csv(analyst.get("/dashboard/corong.csv").text)
    assert [r["Lead yang mencapai tahap ini"] for r in before] == ["12", "0", "0", "0"]
    lead = world.leads["A"][0]
    response = world.client().post(
        f"/api/leads/{lead}/status",
        json={"status": "contacted", "note": "ditelepon"},
        headers={"Authorization": f"Bearer {world.tokens['officer_a']}"},
    )
    assert response.status_code == 200, response.text
    after = _csv(analyst.get("/dashboard/corong.csv").text)
    assert [r["Lead yang mencapai tahap ini"] for r in after] == ["12", "1", "1", "0"]
    officer_b, _ = as_role("officer_b")
    assert [r["Lead yang mencapai tahap ini"] for r in _csv(officer_b.get("/dashboard/corong.csv").text)] == [
        "3", "0", "0", "0",
    ]  # fmt: skip


def test_after_a_build_pages_show_the_previous_summary_until_the_background_refresh_is_done(
    world: World, as_role
):
    import datetime as dt

    from sqlalchemy import update

    from leads.models import Lead
    from web.dashboard.freshen import wait_idle

    analyst, _ = as_role("analyst")
    assert _leads_shown(analyst.get("/dashboard").text) == 12
    lead = world.leads["J"][0]
    with world.engine.begin() as connection:  # what a build does: change a lead, stamp last_built
        connection.execute(
            update(Lead)
            .where(Lead.id == lead)
            .values(status="registered", last_built=dt.datetime.now(dt.UTC))
        )
    page = analyst.get("/dashboard")
    assert assert_registered(page.text, 0) and "Ringkasan sedang dihitung ulang" in page.text
    assert wait_idle(60)
    page = analyst.get("/dashboard")
    assert assert_registered(page.text, 1) and "Ringkasan sedang dihitung ulang" not in page.text


def assert_registered(html: str, expected: int) -> bool:
    match = re.search(r'<span class="muted">Terdaftar</span><strong>([\d.]+)</strong>', html)
    assert match, "no registered count on the page"
    return int(match.group(1).replace(".", "")) == expected


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_database_locked_by_another_writer_leaves_the_previous_summary(world: World, as_role, monkeypatch):
    import sqlite3

    import pipeline.db

    monkeypatch.setattr(pipeline.db, "SQLITE_BUSY_TIMEOUT_MS", 300)
    analyst, _ = as_role("analyst")
    assert "Ringkasan sedang dihitung ulang" not in analyst.get("/dashboard").text
    response = world.client().post(
        f"/api/leads/{world.leads['B'][0]}/status",
        json={"status": "contacted"},
        headers={"Authorization": f"Bearer {world.tokens['officer_b']}"},
    )
    assert response.status_code == 200, response.text
    writer = sqlite3.connect(world.settings.db_url.removeprefix("sqlite:///"), isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # a leads build holding the write lock
    try:
        page = analyst.get("/dashboard")
        assert page.status_code == 200 and "Ringkasan sedang dihitung ulang" in page.text
        stale = _csv(analyst.get("/dashboard/corong.csv").text)
        assert [r["Lead yang mencapai tahap ini"] for r in stale][2] == "0"
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    fresh = _csv(analyst.get("/dashboard/corong.csv").text)
    assert [r["Lead yang mencapai tahap ini"] for r in fresh] == ["12", "1", "1", "0"]


def test_a_change_in_a_big_kabkota_is_folded_in_by_the_background(world: World, as_role, monkeypatch):
    import web.dashboard.freshen as freshen

    monkeypatch.setattr(freshen, "MANY_LEADS", 2)  # KC-A's kab/kota has 3 leads: "big"
    analyst, _ = as_role("analyst")
    assert "Ringkasan sedang dihitung ulang" not in analyst.get("/dashboard").text
    response = world.client().post(
        f"/api/leads/{world.leads['A'][1]}/status",
        json={"status": "contacted"},
        headers={"Authorization": f"Bearer {world.tokens['officer_a']}"},
    )
    assert response.status_code == 200, response.text
    page = analyst.get("/dashboard")
    assert "Ringkasan sedang dihitung ulang" in page.text
    assert freshen.wait_idle(60)
    fresh = _csv(analyst.get("/dashboard/corong.csv").text)
    assert [r["Lead yang mencapai tahap ini"] for r in fresh] == ["12", "1", "1", "0"]
