"""Login, cookies, failed logins and the `lpse-leads users` commands, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from sqlalchemy import select

from pipeline.db import session_factory
from tests.web.conftest import PASSWORD, PEOPLE, World, csrf_of, login
from web.access import SESSION_COOKIE
from web.auth import failure_delay
from web.models import ApiToken, User, UserEvent, WebSession
from web.settings import WebSettings


def test_login_sets_a_hardened_session_cookie_and_logout_ends_it(world: World):
    client = world.client()
    response = login(client, PEOPLE["officer_a"][0].upper())  # e-mail is case-insensitive
    assert response.status_code == 303 and response.headers["location"] == "/leads"
    cookie = response.headers["set-cookie"]
    assert f"{SESSION_COOKIE}=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain http here; over TLS the cookie is Secure (next test)
    with world.engine.connect() as connection:
        stored = connection.execute(select(WebSession.id_hash)).scalars().all()
    assert client.cookies[SESSION_COOKIE] not in stored  # only the hash is kept
    page = client.get("/leads")
    assert page.status_code == 200 and "officer.a@bpjs.example" in page.text
    assert client.post("/logout", data={"csrf_token": csrf_of(page.text)}).status_code == 303
    assert client.get("/leads").status_code == 303
    with world.engine.connect() as connection:
        assert connection.execute(select(WebSession.id_hash)).scalars().all() == []


def test_cookie_is_secure_over_tls(world: World):
    from fastapi.testclient import TestClient

    from web.app import create_app

    client = TestClient(create_app(world.settings), base_url="https://testserver", follow_redirects=False)
    response = login(client, PEOPLE["analyst"][0])
    assert response.status_code == 303
    assert "Secure" in response.headers["set-cookie"]


def test_login_without_its_form_token_is_refused(world: World):
    client = world.client()
    response = client.post("/login", data={"email": PEOPLE["analyst"][0], "password": PASSWORD})
    assert response.status_code == 403 and SESSION_COOKIE not in response.headers.get("set-cookie", "")


def test_failed_logins_are_counted_slowed_and_lock_the_account(world: World):
    email = PEOPLE["officer_b"][0]
    for n in range(1, 4):
        response = login(world.client(), email, "wrong password!")
        assert response.status_code == 401 and "salah" in response.text
        with world.engine.connect() as connection:
            assert connection.execute(select(User.failed_logins).where(User.email == email)).scalar() == n
    assert login(world.client(), email).status_code == 303  # right password: counter back to 0
    with world.engine.connect() as connection:
        assert connection.execute(select(User.failed_logins).where(User.email == email)).scalar() == 0
    for _ in range(world.settings.lockout_failures):
        login(world.client(), email, "wrong password!")
    locked = login(world.client(), email)  # even the right password waits out the lockout
    assert locked.status_code == 401 and "Terlalu banyak" in locked.text
    assert login(world.client(), "nobody@bpjs.example").status_code == 401


def test_failure_delay_doubles_up_to_its_ceiling():
    settings = WebSettings(db_url="sqlite://", login_delay_seconds=0.5, login_delay_max_seconds=8)
    assert [failure_delay(n, settings) for n in range(7)] == [0, 0.5, 1, 2, 4, 8, 8]


def test_next_after_login_stays_on_this_site(world: World):
    client = world.client()
    page = client.get("/login")
    response = client.post(
        "/login",
        data={
            "email": PEOPLE["analyst"][0],
            "password": PASSWORD,
            "csrf_token": csrf_of(page.text),
            "next": "//evil.example/x",
        },
    )
    assert response.headers["location"] == "/"


def _cli(db_url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "lpse_leads", "users", *args, "--db", db_url],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_users_commands(world: World):
    url = world.settings.db_url
    added = _cli(
        url,
        "add",
        "Baru@BPJS.example",
        "--role",
        "officer",
        "--branch",
        "KC-B",
        "--password-stdin",
        stdin="sandi-baru-panjang\n",
    )
    assert added.returncode == 0, added.stderr
    assert (
        _cli(
            url,
            "add",
            "x@bpjs.example",
            "--role",
            "officer",
            "--branch",
            "KC-NOPE",
            "--password-stdin",
            stdin="sandi-baru-panjang\n",
        ).returncode
        == 2
    )
    short = _cli(url, "add", "y@bpjs.example", "--role", "analyst", "--password-stdin", stdin="pendek\n")
    assert short.returncode == 2 and "at least 10" in short.stderr
    assert (
        _cli(
            url,
            "add",
            "z@bpjs.example",
            "--role",
            "kanwil",
            "--kanwil",
            "Atlantis",
            "--password-stdin",
            stdin="sandi-baru-panjang\n",
        ).returncode
        == 2
    )
    assert login(world.client(), "baru@bpjs.example", "sandi-baru-panjang").status_code == 303

    token = _cli(url, "token", "baru@bpjs.example")
    assert token.returncode == 0
    plain = token.stdout.strip()
    assert plain.startswith("lpl_")
    with world.engine.connect() as connection:
        hashes = connection.execute(select(ApiToken.token_hash)).scalars().all()
    assert plain not in hashes and len(hashes) == len(PEOPLE) + 1
    client = world.client()
    assert client.get("/api/leads", headers={"Authorization": f"Bearer {plain}"}).status_code == 200
    second = _cli(url, "token", "baru@bpjs.example").stdout.strip()
    assert client.get("/api/leads", headers={"Authorization": f"Bearer {plain}"}).status_code == 401
    assert client.get("/api/leads", headers={"Authorization": f"Bearer {second}"}).status_code == 200

    listed = _cli(url, "list")
    assert "baru@bpjs.example" in listed.stdout and "KC-B" in listed.stdout
    assert PASSWORD not in listed.stdout and second not in listed.stdout
    assert _cli(url, "disable", "baru@bpjs.example").returncode == 0
    assert client.get("/api/leads", headers={"Authorization": f"Bearer {second}"}).status_code == 401
    assert _cli(url, "disable", "nobody@bpjs.example").returncode == 2
    with session_factory(world.engine)() as session:
        actions = session.scalars(
            select(UserEvent.action)
            .join(User, User.id == UserEvent.user_id)
            .where(User.email == "baru@bpjs.example")
            .order_by(UserEvent.id)
        ).all()
    assert actions == ["added", "token", "token", "disabled"]


@pytest.mark.parametrize("argv", [["users", "add", "a@b.example", "--role", "analyst"]])
def test_password_is_never_an_argument(argv):
    from lpse_leads import cli

    with pytest.raises(SystemExit) as stop:
        cli.main(argv)
    assert stop.value.code == 2
    assert io  # stdin is the only way in (--password-stdin is required)
