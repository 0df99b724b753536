"""Health test fixtures: the digest tests' real aiosmtpd server, and a migrated database (engine or URL)."""

from __future__ import annotations

import pytest

from dbschema import upgrade
from pipeline.db import make_engine
from tests.digest.conftest import SmtpServer, smtp_server

__all__ = ["SmtpServer", "smtp_server"]


@pytest.fixture
def engine(db_url):
    """An engine on an empty, migrated database (SQLite and PostgreSQL)."""
    engine = make_engine(db_url)
    upgrade(engine)
    yield engine
    engine.dispose()

