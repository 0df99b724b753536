"""A workbench over a real database (SQLite and PostgreSQL) with leads in two branches of one Kanwil,
a fallback lead of that Kanwil, a lead of another Kanwil, and one person per role.

Leads come from the real chain: packages stored by the pipeline's writer, the branch table
imported from CSV, `build_leads`. People are added the way `lpse-leads users add` adds them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from dbschema import upgrade
from leads.build import build_leads
from leads.models import Lead
from lpse_leads.reference_files import import_branches_file
from pipeline.db import make_engine, session_factory
from pipeline.models import Package
from tests.leads.conftest import TODAY, package, write_packages
from web.app import create_app
from web.people import add_person, new_token
from web.settings import WebSettings

PASSWORD = "kata-sandi-rahasia-1"
BRANCHES_CSV = """branch_code,branch_name,kanwil,emails,kabkota_codes
KC-A,KC Balikpapan,Kalimantan,a@example.invalid,64.71
KC-B,KC Samarinda,Kalimantan,b@example.invalid,64.72
KC-J,KC Jakarta Pusat,DKI Jakarta,j@example.invalid,31.71
"""
#: role → (e-mail, branch, kanwil)
PEOPLE = {
    "officer_a": ("officer.a@bpjs.example", "officer", "KC-A", None),
    "officer_b": ("officer.b@bpjs.example", "officer", "KC-B", None),
    "kanwil": ("kanwil.kal@bpjs.example", "kanwil", None, "Kalimantan"),
    "kanwil_dki": ("kanwil.dki@bpjs.example", "kanwil", None, "DKI Jakarta"),
    "analyst": ("analyst@bpjs.example", "analyst", None, None),
    "admin": ("admin@bpjs.example", "admin", None, None),
}


@dataclass
class World:
    """The database, the app's settings, the lead ids by place and the people's API tokens."""

    engine: Engine
    settings: WebSettings
    leads: dict[str, list[int]]
    tokens: dict[str, str]

    def client(self) -> TestClient:
        """A fresh browser-like client (own cookies)."""
        return TestClient(create_app(self.settings), follow_redirects=False)


def _records() -> list[dict]:
    places = {
        "A": "Jl. Sudirman - Balikpapan (Kota)",
        "B": "Jl. Juanda - Samarinda (Kota)",
        "F": "Desa Loa Janan - Kutai Kartanegara (Kab.)",  # no branch: Kalimantan's fallback queue
        "J": "Jl. Merdeka - Jakarta Pusat (Kota)",
    }
    records = []
    for place, location in places.items():
        for n in range(3):
            code = f"{place}{n}00"
            records.append(
                package(
                    code,
                    name=f"Rehabilitasi Gedung {place}{n}",
                    locations=[location],
                    winners=[
                        {
                            "name": f"CV. Maju {place}{n}",
                            "npwp": f"0154486{n}{ord(place) % 10}009000",
                            "offer_value": 1_000_000_000 + n,
                        }
                    ],
                )
            )
    return records


@pytest.fixture(autouse=True)
def _cheap_argon2(monkeypatch):
    """In-process hashing at argon2's lowest cost (the real cost is ~0.1 s a hash; the CLI keeps it)."""
    from argon2 import PasswordHasher

    import web.auth

    monkeypatch.setattr(web.auth, "_HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture
def world(db_url: str, tmp_path: Path) -> Iterator[World]:
    engine = make_engine(db_url)
    upgrade(engine)
    write_packages(engine, _records())
    branches = tmp_path / "branches.csv"
    branches.write_text(BRANCHES_CSV, encoding="utf-8")
    import_branches_file(engine, branches, replace=True)  # this table alone: F stays in a fallback queue
    now = dt.datetime.now(dt.UTC)
    with session_factory(engine).begin() as session:
        build_leads(session, TODAY)
        rows = session.execute(
            select(Lead.id, Package.code).join(Package, Package.id == Lead.package_id)
        ).all()
        tokens = {}
        for key, (email, role, branch, kanwil) in PEOPLE.items():
            add_person(session, email, role, PASSWORD, branch=branch, kanwil=kanwil, by="test", now=now)
            tokens[key] = new_token(session, email, by="test", now=now)
    leads: dict[str, list[int]] = {}
    for lead_id, code in sorted(rows):
        leads.setdefault(code[0], []).append(lead_id)
    assert sorted(leads) == ["A", "B", "F", "J"] and all(len(v) == 3 for v in leads.values())
    settings = WebSettings(db_url=db_url, login_delay_seconds=0.01, login_delay_max_seconds=0.05)
    yield World(engine, settings, leads, tokens)
    engine.dispose()


_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = _CSRF.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def login(client: TestClient, email: str, password: str = PASSWORD):
    """Log in through the form (its own CSRF pair); returns the POST's response."""
    page = client.get("/login")
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": csrf_of(page.text), "next": "/leads"},
    )


@pytest.fixture
def as_role(world: World):
    """``as_role("officer_a")`` → (client logged in as that person, their CSRF token)."""

    def make(key: str) -> tuple[TestClient, str]:
        client = world.client()
        response = login(client, PEOPLE[key][0])
        assert response.status_code == 303, response.text
        page = client.get("/leads")
        assert page.status_code == 200
        return client, csrf_of(page.text)

    return make
