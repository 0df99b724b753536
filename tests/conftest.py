"""Shared test fixtures: where the real captured pages live, and how to find them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("LPSE_LEADS_SHARED", ROOT.parent / "shared"))
FIXTURES = SHARED / "fixtures" / "lpse"
IN_CI = os.environ.get("CI", "").lower() == "true"


#: Why the tests on real captured pages cannot run when ../shared is not there (one reason for all).
NO_SHARED = "the ../shared reference folder is not beside the repository (set LPSE_LEADS_SHARED to its path)"


def shared_file(relative: str) -> Path:
    """Path of a real captured page in ../shared; skip (or fail under CI=true) when absent.

    Usable in a test, a fixture or at module level (a module that reads pages while it is collected
    is skipped whole), so a clone without ../shared collects and runs everything else.
    """
    path = FIXTURES / relative
    if not path.is_file():
        if FIXTURES.is_dir():
            problem = f"real captured page {path} not found (the ../shared reference folder is incomplete)"
        else:
            problem = NO_SHARED
        if IN_CI:
            pytest.fail(f"{problem}; under CI=true the tests on real captured pages must run", pytrace=False)
        pytest.skip(f"tests on real captured pages skipped: {problem}", allow_module_level=True)
    return path


@pytest.fixture
def fixture_bytes():
    """Read a real captured page from ../shared/fixtures/lpse by its relative path."""
    return lambda relative: shared_file(relative).read_bytes()


# --- Databases (pipeline engineer) ---------------------------------------------------------
# `db_url` runs a test once on SQLite (a file in tmp_path) and once on PostgreSQL (a fresh
# database created for the test and dropped afterwards). PostgreSQL comes from
# LPSE_LEADS_TEST_PG (a server URL) or 127.0.0.1:5432 as user postgres; when it cannot be
# reached the PostgreSQL half is skipped, except under CI=true where that is a failure.
PG_SERVER = os.environ.get("LPSE_LEADS_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def _pg_admin_engine():
    """An AUTOCOMMIT engine on the PostgreSQL server's maintenance database (CREATE/DROP DATABASE)."""
    from sqlalchemy import create_engine

    from pipeline.db import normalise_url

    return create_engine(normalise_url(PG_SERVER), isolation_level="AUTOCOMMIT", pool_pre_ping=True)


@pytest.fixture(scope="session")
def _pg_server():
    """The admin engine when PostgreSQL answers; else skip (or fail under CI=true) with the reason."""
    from sqlalchemy import text

    engine = _pg_admin_engine()
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:
        engine.dispose()
        message = f"PostgreSQL at {PG_SERVER} is not reachable ({type(exc).__name__}); set LPSE_LEADS_TEST_PG"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A URL of an empty database, once per dialect; the PostgreSQL database is dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'lpse-leads.sqlite'}"
        return
    import uuid

    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    admin = request.getfixturevalue("_pg_server")
    name = f"lpse_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin.url).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def migrated(db_url):
    """The database URL, migrated as an operator does once (`lpse-leads db upgrade`)."""
    from dbschema import upgrade
    from pipeline.db import make_engine

    engine = make_engine(db_url)
    upgrade(engine)
    engine.dispose()
    return db_url


@pytest.fixture(scope="session", autouse=True)
def _isolated_data_home(tmp_path_factory):
    """Commands run by tests (and their subprocesses) keep their default database in a temp folder.

    Session-scoped so module-scoped crawl fixtures get it too; a developer's ./var and
    LPSE_LEADS_DB are never touched by the test suite.
    """
    patch = pytest.MonkeyPatch()
    patch.setenv("LPSE_LEADS_HOME", str(tmp_path_factory.mktemp("lpse-home")))
    patch.delenv("LPSE_LEADS_DB", raising=False)
    yield
    patch.undo()
