"""Fixtures for the leads tests that need a database: a migrated engine with packages written by the store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest
from sqlalchemy import Engine

from dbschema import upgrade
from pipeline.db import make_engine, session_factory
from pipeline.writer import PackageWriter

NOW = dt.datetime(2026, 4, 20, 3, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 4, 20)
SITE = "http://127.0.0.1:8081/kaltim"


def package(code: str, **overrides: object) -> dict:
    """A construction tender record with one winner, in Balikpapan, signed 16 Mar 2026 (record shape)."""
    record: dict = {
        "site": SITE,
        "list": "tender",
        "code": code,
        "name": f"Pembangunan Jalan Desa Sukamaju {code}",
        "flags": [],
        "stage": "Tender Sudah Selesai",
        "agency": "Pemerintah Kota Balikpapan",
        "work_unit": "Dinas PU",
        "category": "Pekerjaan Konstruksi",
        "fiscal_year": 2026,
        "budget_value": Decimal(1_200_000_000),
        "estimate_value": Decimal(1_100_000_000),
        "locations": ["Jl. Sudirman - Balikpapan (Kota)"],
        "winners": [
            {"name": "PT. Karya Mahakam", "npwp": "015448632009000", "offer_value": Decimal(1_000_000_000)}
        ],
        "contract_winners": [],
        "stages": [{"name": "Penandatanganan Kontrak", "start": "2026-03-16T09:00:00+07:00"}],
    }
    record.update(overrides)
    return record


def write_packages(engine: Engine, records: list[dict], at: dt.datetime = NOW) -> None:
    """Store records through the pipeline's writer (as a crawl at ``at`` would)."""
    PackageWriter(engine, clock=lambda: at).write([(r, None) for r in records])


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A migrated database (SQLite and PostgreSQL)."""
    eng = make_engine(db_url)
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def session_maker(engine: Engine):
    """The session factory of ``engine``."""
    return session_factory(engine)
