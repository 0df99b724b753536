"""Engines, sessions and schema migrations for the lead database (SQLite or PostgreSQL).

One function per concern so every caller (Scrapy pipeline, CLI commands, tests, bench) opens
the database the same way: `make_engine(url)` applies the SQLite settings (WAL, foreign keys,
busy timeout, write transactions that take the lock up front), `ensure_schema(engine)` brings
SQLite up to date by itself and refuses a stale PostgreSQL with one clear message.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

#: How long a SQLite writer waits for a lock held by another process before giving up (ms).
SQLITE_BUSY_TIMEOUT_MS = 60_000


class SchemaNotCurrent(Exception):
    """The database schema is behind this version of lpse-leads (PostgreSQL is never migrated implicitly)."""


def normalise_url(url: str) -> str:
    """`postgres://` and `postgresql://` → psycopg 3 driver; other URLs unchanged."""
    parsed = make_url(url)
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _configure_sqlite(engine: Engine, *, immediate: bool) -> None:
    """WAL, foreign keys and a busy timeout on every connection; BEGIN IMMEDIATE for writers.

    pysqlite's own transaction handling is switched off so SQLAlchemy's BEGIN is the one that
    runs; IMMEDIATE takes the write lock at the start of the transaction, so a busy database
    is waited for (busy timeout) instead of failing half-way with "database is locked".
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str, *, immediate: bool = True, **kwargs: Any) -> Engine:
    """An Engine for `url`; a SQLite file's folder is created. `immediate=False` for read-only SQLite use."""
    url = normalise_url(url)
    parsed = make_url(url)
    # Error messages never carry bound values (scraped names, NPWPs) into logs and tracebacks.
    kwargs.setdefault("hide_parameters", True)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:" and not parsed.database.startswith("file:"):
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **kwargs)
        _configure_sqlite(engine, immediate=immediate)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """The Session factory for one engine; use `with factory.begin() as session:` per unit of work."""
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(url: str | None = None) -> Config:
    """An Alembic Config pointing at the migrations shipped in `pipeline/migrations`.

    Usable from code (`command.upgrade(alembic_config(url), "head")`); the URL is optional
    when a connection is handed over in `config.attributes["connection"]`.
    """
    config = Config()
    config.set_main_option("script_location", str(resources.files("pipeline") / "migrations"))
    config.set_main_option("file_template", "%%(year)d-%%(month).2d-%%(day).2d_%%(rev)s_%%(slug)s")
    if url is not None:
        config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return config


def head_revision() -> str:
    """The newest migration shipped with this version."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "no migrations shipped"
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None when empty)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply migrations up to `revision` in one transaction."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def ensure_schema(engine: Engine) -> None:
    """Make sure the schema is current: SQLite is upgraded here, PostgreSQL must be upgraded by the user."""
    current = current_revision(engine)
    head = head_revision()
    if current == head:
        return
    if engine.dialect.name == "sqlite":
        upgrade(engine)
        return
    where = engine.url.render_as_string(hide_password=True)
    raise SchemaNotCurrent(
        f"the database {where} is at schema revision {current or 'none (empty)'}, this version needs "
        f"{head}: run `lpse-leads db upgrade --db URL` first"
    )
