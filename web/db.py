"""One engine per process, one session per request.

Reads run in deferred transactions (many readers at once on SQLite's WAL); a request that
changes something opens its transaction with ``write_session``, which on SQLite takes the write
lock at BEGIN (``sqlite_immediate``), so two officers saving at once wait instead of failing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session


def engine_of(request: Request) -> Engine:
    """The process's engine (created by the app factory)."""
    return request.app.state.engine


def db(request: Request) -> Iterator[Session]:
    """Dependency: a read session for this request, closed after it."""
    with Session(engine_of(request), expire_on_commit=False) as session:
        yield session


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A session in one writing transaction: committed when the block ends, rolled back on error."""
    bind = engine.execution_options(sqlite_immediate=True)
    with Session(bind, expire_on_commit=False) as session, session.begin():
        yield session
