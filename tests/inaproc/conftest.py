"""Fixtures of the channel tests."""

from __future__ import annotations

import pytest

from dbschema import upgrade
from pipeline.db import make_engine
from tests.db.conftest import engine  # noqa: F401  (a migrated engine, SQLite and PostgreSQL)


@pytest.fixture
def db(db_url):
    """The test database, migrated (PostgreSQL is never migrated implicitly)."""
    migrating = make_engine(db_url)
    upgrade(migrating)
    migrating.dispose()
    return db_url
