"""Fixtures of the channel tests."""

from __future__ import annotations

import pytest

from dbschema import upgrade
from pipeline.db import make_engine


@pytest.fixture
def db(db_url):
    """The test database, migrated (PostgreSQL is never migrated implicitly)."""
    engine = make_engine(db_url)
    upgrade(engine)
    engine.dispose()
    return db_url
