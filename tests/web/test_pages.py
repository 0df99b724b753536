"""The officer's pages and the API do what officers need: tabs, search, filter, the lead page,
actions one at a time and many at once, exports with neutralised cells, and the 422s."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook
from sqlalchemy import select

from leads.lead_row import LEAD_COLUMNS
from leads.models import LeadEvent
from tests.web.conftest import World


def _events(world: World, lead_id: int) -> list[tuple]:
    with world.engine.connect() as connection:
        return connection.execute(
            select(
                LeadEvent.old_status,
                LeadEvent.new_status,
                LeadEvent.by,
                LeadEvent.note,
                LeadEvent.reason,
                LeadEvent.registration_no,
            )
            .where(LeadEvent.lead_id == lead_id)
            .order_by(LeadEvent.id)
        ).all()


def test_tabs_search_and_kabkota_filter(world: World, as_role):
    client, _ = as_role("kanwil")
    page = client.get("/leads").text
    assert "Baru (9)" in page and "Dihubungi (0)" in page and "Selesai (0)" in page
    assert "kode A000" in page and "kode F000" in page and "kode J000" not in page
    # search: package name, contractor, NPWP with or without punctuation, code
    assert "kode B100" in client.get("/leads?q=gedung+b1").text
    found = client.get("/leads?q=CV.+Maju+F2").text
    assert "kode F200" in found and "kode F000" not in found
    assert "kode A100" in client.get("/leads?q=01.544.861.5-009.000").text
    assert "kode A100" in client.get("/leads?q=015448615009000").text
    assert "Tidak ada lead" in client.get("/leads?q=tidak-ada-yang-cocok").text
    assert "kode B000" not in client.get("/leads?q=%25").text  # LIKE wildcards are text
    # kab/kota filter lists the scope's kab/kota and filters by code
    assert ">Kota Samarinda<" in page or "Samarinda" in page
    filtered = client.get("/leads?kabkota=64.72").text
    assert "kode B000" in filtered and "kode A000" not in filtered
    assert client.get("/leads?tab=nope").status_code == 422


def test_lead_page_shows_package_contractor_estimate_and_history(world: World, as_role):
    client, csrf = as_role("officer_a")
    lead = world.leads["A"][0]
    page = client.get(f"/leads/{lead}").text
    for text in (
        "Rehabilitasi Gedung A0",
        "Pemerintah Kota Balikpapan",
        "Dinas PU",
        "Jl. Sudirman - Balikpapan (Kota)",
        "CV. Maju A0",
        "Estimasi JKK+JKM",
        "Batas pendaftaran",
        "Buka di SPSE",
        "/lelang/A000/pengumumanlelang",
        "Belum ada perubahan status",
        "Jadwal",
        "Penandatanganan Kontrak",
        "16 Mar 2026 09:00",
    ):
        assert text in page, text
    saved = client.post(
        f"/leads/{lead}/status", data={"status": "contacted", "note": "telepon PPK", "csrf_token": csrf}
    )
    assert saved.status_code == 303 and saved.headers["location"] == f"/leads/{lead}?saved=1"
    page = client.get(saved.headers["location"]).text
    assert "Tersimpan" in page and "telepon PPK" in page and "officer.a@bpjs.example" in page
    assert _events(world, lead) == [("new", "contacted", "officer.a@bpjs.example", "telepon PPK", None, None)]
    # a later note on the same status stays in the history too (nothing is overwritten unseen)
    again = {"status": "contacted", "note": "PPK minta surat resmi", "csrf_token": csrf}
    assert client.post(f"/leads/{lead}/status", data=again).status_code == 303
    assert _events(world, lead)[-1] == (
        "contacted",
        "contacted",
        "officer.a@bpjs.example",
        "PPK minta surat resmi",
        None,
        None,
    )
    assert "telepon PPK" in client.get(f"/leads/{lead}").text
    assert "kode A000" in client.get("/leads?tab=contacted").text


def test_register_and_dismiss_need_their_number_and_reason(world: World, as_role):
    client, csrf = as_role("officer_a")
    a0, a1, a2 = world.leads["A"]
    assert (
        client.post(f"/leads/{a0}/status", data={"status": "registered", "csrf_token": csrf}).status_code
        == 422
    )
    assert (
        client.post(f"/leads/{a1}/status", data={"status": "dismissed", "csrf_token": csrf}).status_code
        == 422
    )
    bogus = {"status": "dismissed", "reason": "bosan", "csrf_token": csrf}
    assert client.post(f"/leads/{a1}/status", data=bogus).status_code == 422
    assert client.post(f"/leads/{a2}/status", data={"status": "sent", "csrf_token": csrf}).status_code == 422
    assert (
        client.post(f"/leads/{a2}/status", data={"status": "hilang", "csrf_token": csrf}).status_code == 422
    )
    assert _events(world, a0) == _events(world, a1) == _events(world, a2) == []
    ok = {"status": "registered", "registration_no": " JK-2026-001 ", "csrf_token": csrf}
    assert client.post(f"/leads/{a0}/status", data=ok).status_code == 303
    dismissed = {
        "status": "dismissed",
        "reason": "swakelola",
        "note": "dikerjakan sendiri",
        "csrf_token": csrf,
    }
    assert client.post(f"/leads/{a1}/status", data=dismissed).status_code == 303
    assert _events(world, a0)[-1][1:] == ("registered", "officer.a@bpjs.example", None, None, "JK-2026-001")
    assert _events(world, a1)[-1][4] == "swakelola"
    # registered is settled by the registry import; a dismissal can be undone
    assert (
        client.post(f"/leads/{a0}/status", data={"status": "contacted", "csrf_token": csrf}).status_code
        == 422
    )
    assert (
        client.post(f"/leads/{a1}/status", data={"status": "contacted", "csrf_token": csrf}).status_code
        == 303
    )
    page = client.get(f"/leads/{a0}").text
    assert "JK-2026-001" in page
    assert "Swakelola" in client.get(f"/leads/{a1}").text


def test_many_at_once(world: World, as_role):
    client, csrf = as_role("kanwil")
    ids = [*world.leads["A"], *world.leads["F"]]
    response = client.post(
        "/leads/status",
        data={
            "lead_id": ids,
            "status": "contacted",
            "note": "rapat",
            "csrf_token": csrf,
            "back": "/leads?tab=new",
        },
    )
    assert response.status_code == 303 and response.headers["location"] == "/leads?tab=new&changed=6"
    assert "6 lead diperbarui" in client.get(response.headers["location"]).text
    assert all(_events(world, i)[0][1] == "contacted" for i in ids)
    # one bad transition in the batch: nothing changes
    mixed = {"lead_id": [world.leads["B"][0], ids[0]], "status": "dismissed", "csrf_token": csrf}
    assert client.post("/leads/status", data=mixed).status_code == 422  # no reason given
    assert _events(world, world.leads["B"][0]) == []
    assert client.post("/leads/status", data={"status": "contacted", "csrf_token": csrf}).status_code == 422
    evil = {"lead_id": ids[:1], "status": "contacted", "csrf_token": csrf, "back": "//evil.example"}
    assert client.post("/leads/status", data=evil).headers["location"].startswith("/leads?")


def test_exports_have_the_leads_list_columns_and_neutralised_cells(world: World, as_role):
    client, _ = as_role("officer_b")
    response = client.get("/leads/export.csv?tab=new")
    assert response.headers["content-disposition"].startswith('attachment; filename="lead-new-')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert tuple(rows[0]) == LEAD_COLUMNS
    names = {row[LEAD_COLUMNS.index("name")] for row in rows[1:]}
    assert names == {
        "Rehabilitasi Gedung B0",
        "Rehabilitasi Gedung B1",
        "Rehabilitasi Gedung B2",
    }
    xlsx = client.get("/leads/export.xlsx?tab=new&q=B1")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = list(sheet.values)
    assert tuple(values[0]) == LEAD_COLUMNS and len(values) == 2
    assert values[1][LEAD_COLUMNS.index("code")] == "B100"
    assert client.get("/leads/export.pdf").status_code == 404


def test_formula_text_is_neutralised_in_exports(world: World, as_role):
    with world.engine.begin() as connection:
        from pipeline.models import Package

        connection.execute(
            Package.__table__.update().where(Package.code == "B200").values(name="=HYPERLINK(1)")
        )
    client, _ = as_role("officer_b")
    rows = list(csv.reader(io.StringIO(client.get("/leads/export.csv").content.decode("utf-8-sig"))))
    assert "'=HYPERLINK(1)" in {row[LEAD_COLUMNS.index("name")] for row in rows}
    sheet = load_workbook(io.BytesIO(client.get("/leads/export.xlsx").content)).active
    assert "'=HYPERLINK(1)" in {row[LEAD_COLUMNS.index("name")] for row in sheet.values}


def test_api_list_one_lead_and_status(world: World):
    client = world.client()
    headers = {"Authorization": f"Bearer {world.tokens['kanwil']}"}
    body = client.get("/api/leads?branch=KC-B", headers=headers).json()
    assert body["total"] == 3 and {lead["branch"] for lead in body["leads"]} == {"KC-B"}
    lead = body["leads"][0]
    assert set(lead) == {"id", *LEAD_COLUMNS}
    assert client.get(f"/api/leads/{lead['id']}", headers=headers).json() == lead
    assert client.get("/api/leads?status=bogus", headers=headers).status_code == 422
    assert client.get("/api/leads?page=0", headers=headers).status_code == 422
    assert client.get("/api/leads?since=2999-01-01", headers=headers).json()["total"] == 0
    bad = client.post(f"/api/leads/{lead['id']}/status", json={"status": "registered"}, headers=headers)
    assert bad.status_code == 422 and "nomor pendaftaran" in bad.json()["detail"]
    assert (
        client.post(f"/api/leads/{lead['id']}/status", json={"nope": 1}, headers=headers).status_code == 422
    )
    done = client.post(
        f"/api/leads/{lead['id']}/status",
        json={"status": "registered", "registration_no": "JK-9", "note": "lewat API"},
        headers=headers,
    )
    assert done.status_code == 200 and done.json() == {
        "changed": True,
        "lead": {**lead, "status": "registered"},
    }
    again = client.post(
        f"/api/leads/{lead['id']}/status",
        json={"status": "registered", "registration_no": "JK-9"},
        headers=headers,
    )
    assert again.json()["changed"] is False
    assert client.get("/api/leads?status=registered", headers=headers).json()["total"] == 1
    assert client.get("/api/leads?status=open", headers=headers).json()["total"] == 8


def test_a_claimed_registration_number_is_confirmed_or_flagged_by_the_next_registry_import(
    world: World, as_role, tmp_path
):
    import subprocess
    import sys

    from leads.claims import claim_counts

    client, csrf = as_role("officer_a")
    a0, a1, _ = world.leads["A"]
    for lead, number in ((a0, "JK-REAL-1"), (a1, "JK-TYPO-2")):
        data = {"status": "registered", "registration_no": number, "csrf_token": csrf}
        assert client.post(f"/leads/{lead}/status", data=data).status_code == 303
    assert "menunggu impor registri" in client.get(f"/leads/{a0}").text
    with world.engine.connect() as connection:
        assert claim_counts(connection) == {"confirmed": 0, "flagged": 0, "waiting": 2}
    export = tmp_path / "registry.csv"  # the next export has the first number, not the second
    export.write_text("registration_no,project_name\nJK-REAL-1,Rehabilitasi Gedung A0\n", encoding="utf-8")
    imported = subprocess.run(
        [
            sys.executable,
            "-m",
            "lpse_leads",
            "registry",
            "import",
            str(export),
            "--db",
            world.settings.db_url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert imported.returncode == 0, imported.stderr
    assert "1 confirmed, 1 not in the registry (flagged), 0 waiting" in imported.stdout
    assert "dikonfirmasi oleh registri" in client.get(f"/leads/{a0}").text
    assert "mohon periksa" in client.get(f"/leads/{a1}").text
    with world.engine.connect() as connection:
        assert claim_counts(connection) == {"confirmed": 1, "flagged": 1, "waiting": 0}
