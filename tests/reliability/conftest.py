"""Fixtures of the reliability tests: a fresh PostgreSQL database, and killing its connections."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url


@pytest.fixture
def pg_url(_pg_server: Engine) -> Iterator[str]:
    """The URL of an empty PostgreSQL database of this test only (dropped afterwards)."""
    name = f"lpse_rel_{uuid.uuid4().hex[:12]}"
    with _pg_server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(_pg_server.url).set(database=name).render_as_string(hide_password=False)
    finally:
        with _pg_server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def terminate_connections(
    admin: Engine, database: str, pid: int | None = None, *, busy_only: bool = False
) -> int:
    """Kill the server processes of `database` (or the one `pid`; or only those running a
    statement or a transaction), wait until they are gone; how many were killed."""
    query = (
        "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000)) FROM pg_stat_activity "
        "WHERE datname = :db AND pid <> pg_backend_pid() AND (CAST(:pid AS integer) IS NULL OR pid = :pid) "
        "AND (NOT :busy OR state <> 'idle')"
    )
    with admin.connect() as connection:
        found = connection.execute(text(query), {"db": database, "pid": pid, "busy": busy_only})
        return int(found.scalar_one())
