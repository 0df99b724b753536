"""Engines and sessions for the lead database (SQLite or PostgreSQL).

One function per concern so every caller (Scrapy pipeline, CLI commands, tests, bench) opens
the database the same way: `make_engine(url)` applies the SQLite settings (WAL, foreign keys,
busy timeout, write transactions that take the lock up front). The schema and its migrations
belong to no single room and live in the top-level `dbschema` package.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

#: How long a SQLite writer waits for a lock held by another process before giving up (ms).
SQLITE_BUSY_TIMEOUT_MS = 60_000


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
        # A reader engine can still open one writing transaction with the execution option
        # `sqlite_immediate=True` (the web app: one engine, reads deferred, writes immediate).
        take_lock = connection.get_execution_options().get("sqlite_immediate", immediate)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if take_lock else "BEGIN")


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
