"""Retry a unit of database work whose connection died; otherwise fail with one clear message.

PostgreSQL restarts and dropped connections kill the transaction in flight with an
`OperationalError`/`InterfaceError` (SQLAlchemy's, or psycopg's own from a raw COPY). A batch
is one transaction (`pipeline.writer`), so running it again on a fresh connection is safe: it
either committed before the drop (the rerun finds every row stored and changes nothing) or it
did not commit at all. The engine's `pool_pre_ping` replaces connections that died while idle;
this module retries the batch that was running when the server went away, with a growing wait,
and after the last attempt raises `DatabaseUnavailable`, whose text is one line naming the
database (password hidden) and the server's own words, never a traceback or bound values.

SQLite's "database is locked" is retried inside `PackageWriter.write` (busy timeout, then the
whole batch again); a lock that outlasts those attempts is reported here as final.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: Kinds returned by `fault_kind`.
DISCONNECTED = "disconnected"
LOCKED = "locked"


class DatabaseUnavailable(Exception):
    """The database stayed unreachable (or locked) through every attempt; `str()` is one clear line."""


def _driver_errors() -> tuple[type[BaseException], ...]:
    """The driver's own connection-level errors (raised by raw COPY outside SQLAlchemy's wrapping)."""
    errors: list[type[BaseException]] = [sqlite3.OperationalError, sqlite3.InterfaceError]
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return tuple(errors)
    return (*errors, psycopg.OperationalError, psycopg.InterfaceError)


_DRIVER_ERRORS = _driver_errors()


def fault_kind(exc: BaseException) -> str | None:
    """`locked` (SQLite busy), `disconnected` (connection-level failure) or None (not a connection fault)."""
    original: BaseException = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    if not isinstance(exc, OperationalError | InterfaceError) and not isinstance(original, _DRIVER_ERRORS):
        return None
    text = str(original).lower()
    if isinstance(original, sqlite3.Error):
        return LOCKED if "locked" in text or "busy" in text else None
    return DISCONNECTED


def short_reason(exc: BaseException) -> str:
    """The server's / driver's message in one line, without SQL or bound parameters."""
    original = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    lines = [line.strip() for line in str(original).splitlines() if line.strip()]
    return lines[0] if lines else type(original).__name__


def retry_on_disconnect(
    work: Callable[[], T],
    *,
    what: str,
    where: str,
    attempts: int = 5,
    backoff: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run `work()`; on a dropped connection wait `backoff`, 2×, 4× … and run it again.

    `work` must be one transaction (safe to repeat). `what` names it for the log ("store batch
    of 20 packages"), `where` is the database URL with the password hidden. After `attempts`
    tries, or on a SQLite lock that outlasted the writer's own retries, `DatabaseUnavailable`.
    Any other error is raised unchanged.
    """
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except Exception as exc:
            kind = fault_kind(exc)
            if kind is None:
                raise
            reason = short_reason(exc)
            if kind == LOCKED:
                raise DatabaseUnavailable(
                    f"the database {where} stayed locked by another process ({reason}); "
                    f"{what} was not written"
                ) from exc
            if attempt == attempts:
                raise DatabaseUnavailable(
                    f"lost the connection to the database {where} and could not reconnect after "
                    f"{attempts} attempts ({reason}); {what} was not written"
                ) from exc
            wait = backoff * 2 ** (attempt - 1)
            logger.warning(
                "Database connection lost during %s (%s); reconnecting in %.1f s (attempt %d of %d)",
                what,
                reason,
                wait,
                attempt + 1,
                attempts,
            )
            sleep(wait)
    raise AssertionError("unreachable")
