"""Fixtures of the channel tests."""

from __future__ import annotations

import pytest

from tests.db.conftest import engine  # noqa: F401  (a migrated engine, SQLite and PostgreSQL)


@pytest.fixture
def db(migrated):
    """The test database, migrated (PostgreSQL is never migrated implicitly)."""
    return migrated
