"""Every route × role: who may read and change which leads — refusals proven, not only successes.

Officer A (branch KC-A) must get 404 for branch B's lead page, its export rows and its API; a
Kanwil user sees its two branches and its fallback queue, not another Kanwil's; analysts read
everything and change nothing; a form without CSRF is refused; a disabled person's token stops.
"""

from __future__ import annotations

import csv
import io

import pytest

from pipeline.db import session_factory
from pipeline.writer import utcnow
from tests.web.conftest import PEOPLE, World, login
from web.people import disable_person

#: Which places' leads each role sees.
VISIBLE = {
    "officer_a": {"A"},
    "officer_b": {"B"},
    "kanwil": {"A", "B", "F"},
    "kanwil_dki": {"J"},
    "analyst": {"A", "B", "F", "J"},
    "admin": {"A", "B", "F", "J"},
}
WRITERS = {"officer_a", "officer_b", "kanwil", "kanwil_dki"}


def _bearer(world: World, key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.tokens[key]}"}


@pytest.mark.parametrize("role", sorted(VISIBLE))
def test_pages_export_and_api_show_only_the_scope(world: World, as_role, role):
    client, _ = as_role(role)
    visible = VISIBLE[role]
    for place, ids in world.leads.items():
        for lead_id in ids:
            page = client.get(f"/leads/{lead_id}")
            api = world.client().get(f"/api/leads/{lead_id}", headers=_bearer(world, role))
            expected = 200 if place in visible else 404
            assert (page.status_code, api.status_code) == (expected, expected), (role, place)
    # list page, export and API list: exactly the scope's codes
    listed = client.get("/leads?tab=new").text
    export = client.get("/leads/export.csv?tab=new")
    assert export.status_code == 200
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    api = world.client().get("/api/leads?status=all", headers=_bearer(world, role)).json()
    for place in "ABFJ":
        shown = f"kode {place}000" in listed
        assert shown == (place in visible), (role, place)
    assert {r["code"][0] for r in rows} == visible
    assert {lead["code"][0] for lead in api["leads"]} == visible
    assert api["total"] == 3 * len(visible)


@pytest.mark.parametrize("role", sorted(VISIBLE))
def test_changing_a_lead_page_and_api(world: World, as_role, role):
    client, csrf = as_role(role)
    for place, ids in world.leads.items():
        page = client.post(
            f"/leads/{ids[0]}/status", data={"status": "contacted", "note": "x", "csrf_token": csrf}
        )
        api = world.client().post(
            f"/api/leads/{ids[1]}/status", json={"status": "contacted"}, headers=_bearer(world, role)
        )
        if role not in WRITERS:
            expected = (403, 403)
        elif place in VISIBLE[role]:
            expected = (303, 200)
        else:
            expected = (404, 404)
        assert (page.status_code, api.status_code) == expected, (role, place)


def test_bulk_change_with_one_foreign_lead_changes_nothing(world: World, as_role):
    client, csrf = as_role("officer_a")
    ids = [*world.leads["A"], world.leads["B"][0]]
    response = client.post("/leads/status", data={"lead_id": ids, "status": "contacted", "csrf_token": csrf})
    assert response.status_code == 404
    api = world.client().get("/api/leads?status=contacted", headers=_bearer(world, "officer_a")).json()
    assert api["total"] == 0


def test_forms_without_or_with_a_wrong_csrf_token_are_refused(world: World, as_role):
    client, csrf = as_role("officer_a")
    lead = world.leads["A"][0]
    for data in ({"status": "contacted"}, {"status": "contacted", "csrf_token": "forged"}):
        assert client.post(f"/leads/{lead}/status", data=data).status_code == 403
        assert client.post("/leads/status", data={**data, "lead_id": lead}).status_code == 403
    # the session's JSON API needs the header too; a token from another session does not count
    assert client.post(f"/api/leads/{lead}/status", json={"status": "contacted"}).status_code == 403
    _other, other_csrf = as_role("officer_a")
    assert other_csrf != csrf
    assert (
        client.post(
            f"/api/leads/{lead}/status", json={"status": "contacted"}, headers={"X-CSRF-Token": other_csrf}
        ).status_code
        == 403
    )
    assert client.get(f"/api/leads/{lead}").json()["status"] == "new"
    ok = client.post(
        f"/api/leads/{lead}/status", json={"status": "contacted"}, headers={"X-CSRF-Token": csrf}
    )
    assert ok.status_code == 200 and ok.json()["lead"]["status"] == "contacted"
    assert client.post("/logout", data={}).status_code == 403  # logout is a form too


def test_without_credentials(world: World):
    client = world.client()
    lead = world.leads["A"][0]
    for path in ("/leads", f"/leads/{lead}", "/leads/export.csv", "/leads/export.xlsx", "/admin/users", "/"):
        response = client.get(path)
        assert response.status_code == 303 and response.headers["location"].startswith("/login?next="), path
    assert client.post(f"/leads/{lead}/status", data={"status": "contacted"}).status_code == 303
    for method, path in (
        ("GET", "/api/leads"),
        ("GET", f"/api/leads/{lead}"),
        ("POST", f"/api/leads/{lead}/status"),
    ):
        response = client.request(method, path, json={"status": "contacted"} if method == "POST" else None)
        assert response.status_code == 401, path
        assert response.headers["www-authenticate"] == "Bearer"
    bad = client.get("/api/leads", headers={"Authorization": "Bearer lpl_not-a-token"})
    assert bad.status_code == 401


def test_a_disabled_persons_token_and_session_stop_working(world: World, as_role):
    client, _ = as_role("officer_a")
    headers = _bearer(world, "officer_a")
    assert world.client().get("/api/leads", headers=headers).status_code == 200
    with session_factory(world.engine).begin() as session:
        disable_person(session, PEOPLE["officer_a"][0], by="test", now=utcnow())
    assert world.client().get("/api/leads", headers=headers).status_code == 401
    assert client.get("/leads").status_code == 303
    assert login(world.client(), PEOPLE["officer_a"][0]).status_code == 401


@pytest.mark.parametrize("role", sorted(VISIBLE))
def test_only_admins_manage_people(world: World, as_role, role):
    client, csrf = as_role(role)
    page = client.get("/admin/users")
    add = client.post(
        "/admin/users",
        data={"email": "new@bpjs.example", "role": "analyst", "password": "x" * 12, "csrf_token": csrf},
    )
    disable = client.post("/admin/users/disable", data={"email": PEOPLE["officer_b"][0], "csrf_token": csrf})
    if role == "admin":
        assert page.status_code == 200 and "officer.a@bpjs.example" in page.text
        assert add.status_code == 303
        assert "new@bpjs.example" in client.get("/admin/users").text
        assert disable.status_code == 303
        assert world.client().get("/api/leads", headers=_bearer(world, "officer_b")).status_code == 401
    else:
        assert (page.status_code, add.status_code, disable.status_code) == (403, 403, 403)
        assert world.client().get("/api/leads", headers=_bearer(world, "officer_b")).status_code == 200


@pytest.mark.parametrize("role", sorted(VISIBLE))
def test_only_admins_upload_reference_files(world: World, as_role, role):
    client, csrf = as_role(role)
    branches = (
        b"branch_code,branch_name,kanwil,emails,kabkota_codes\n"
        b"KC-A,KC Balikpapan,Kalimantan,a@x.example,64.71\n"
    )
    page = client.get("/admin/files")
    upload = client.post(
        "/admin/files/branches",
        data={"csrf_token": csrf},
        files={"file": ("branches.csv", branches, "text/csv")},
    )
    if role != "admin":
        assert (page.status_code, upload.status_code) == (403, 403)
        return
    assert page.status_code == 200
    assert upload.status_code == 200, upload.text[-1500:]
    assert "1 baris" in upload.text and "diimpor" in upload.text
    no_csrf = client.post("/admin/files/branches", files={"file": ("branches.csv", branches, "text/csv")})
    assert no_csrf.status_code == 403
    bad = b"registration_no,project_name\nJK-1,\nJK-2,Gedung\n"
    refused = client.post(
        "/admin/files/registry", data={"csrf_token": csrf}, files={"file": ("reg.csv", bad, "text/csv")}
    )
    assert refused.status_code == 422 and "Tidak ada yang diimpor" in refused.text and "row 2" in refused.text
    wrong = client.post(
        "/admin/files/registry",
        data={"csrf_token": csrf},
        files={"file": ("reg.pdf", b"%PDF", "application/pdf")},
    )
    assert wrong.status_code == 422
    good = b"registration_no,project_name\nJK-1,Gedung A\nJK-2,Gedung B\n"
    ok = client.post(
        "/admin/files/registry", data={"csrf_token": csrf}, files={"file": ("reg.csv", good, "text/csv")}
    )
    assert ok.status_code == 200 and "2 baru" in ok.text
    from sqlalchemy import select

    from web.models import UserEvent

    with world.engine.connect() as connection:
        actions = connection.execute(
            select(UserEvent.action).where(UserEvent.by == PEOPLE["admin"][0])
        ).scalars()
        assert sorted(actions) == ["import_branches", "import_registry"]
