"""Fixtures for the database tests: a migrated engine per dialect and a record builder."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest

from dbschema import upgrade
from pipeline.db import make_engine

SITE = "http://127.0.0.1:8081/kemkes"

BASE_RECORD: dict[str, Any] = {
    "site": SITE,
    "list": "tender",
    "code": "10102453000",
    "name": "Pembangunan Gedung Rawat Inap Kelas III",
    "flags": ["Tender Ulang"],
    "stage": "Pengumuman Pascakualifikasi",
    "agency": "Kementerian Kesehatan",
    "work_unit": "Direktorat Jenderal Pelayanan Kesehatan",
    "category": "Pekerjaan Konstruksi",
    "method": "Tender - Pascakualifikasi Satu File - Harga Terendah Sistem Gugur",
    "fiscal_year": 2025,
    "funding_source": "APBN",
    "budget_value": Decimal("787406000.00"),
    "estimate_value": Decimal("750939420.50"),
    "locations": [
        "Waduk Marunda - Jakarta Utara (Kota)",
        "Kecamatan Baleendah - Bandung (Kab.) - Jawa Barat",
    ],
    "qualification": "Kecil",
    "winners": [],
    "contract_winners": [],
    "stages": [
        {
            "name": "Pengumuman Pascakualifikasi",
            "start": "2025-03-01T08:00:00+07:00",
            "end": "2025-03-07T16:00:00+07:00",
        },
        {"name": "Penandatanganan Kontrak", "start": "2025-04-02"},
    ],
}


def make_record(**changes: Any) -> dict[str, Any]:
    """A full package record (docs/package-format.md) with some keys replaced; None removes a key."""
    record = copy.deepcopy(BASE_RECORD)
    for key, value in changes.items():
        if value is None:
            record.pop(key, None)
        else:
            record[key] = value
    return record


@pytest.fixture
def engine(db_url):
    """An engine on a freshly migrated database (SQLite and PostgreSQL)."""
    engine = make_engine(db_url)
    upgrade(engine)
    yield engine
    engine.dispose()
