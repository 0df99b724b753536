"""One run at a time: a lock that two schedulers, or a scheduler and a manual `run`, share.

Why two kinds: the lock must live where every process that touches the same data can see
it. With PostgreSQL that is the database itself — a session-level `pg_try_advisory_lock` on
a dedicated connection, which the server drops by itself if the process dies. With SQLite it
is a file next to the database file, locked with `fcntl.flock`, which the kernel drops when
the process dies. Either way a crashed run never leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool

LOCK_NAME = "lpse-leads:run"
BUSY_MESSAGE = "another run holds the lock"


class RunLock(Protocol):
    """A held lock; `release()` gives it back (idempotent)."""

    description: str

    def release(self) -> None:
        """Give the lock back."""


def advisory_key(name: str = LOCK_NAME) -> int:
    """A stable signed 64-bit advisory-lock key for `name` (same in every process)."""
    return zlib.crc32(name.encode()) | (0x4C50 << 32)  # 'LP' in the high word: ours, recognisably


class FileLock:
    """An exclusive `flock` on a file; held until `release()` or process exit."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd: int | None = fd
        self.description = f"file lock {path}"

    @classmethod
    def try_acquire(cls, path: Path) -> FileLock | None:
        """Take the lock without waiting; None when another open file holds it."""
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())  # for a human wondering who holds it
        return cls(path, fd)

    def release(self) -> None:
        """Unlock and close; the file stays (removing it would race with a waiting locker)."""
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


class AdvisoryLock:
    """A PostgreSQL session-level advisory lock on its own autocommit connection."""

    def __init__(self, engine: Engine, connection: Connection, key: int) -> None:
        self._engine = engine
        self._connection: Connection | None = connection
        self.key = key
        self.description = f"PostgreSQL advisory lock {key}"

    @classmethod
    def try_acquire(cls, db_url: str, key: int) -> AdvisoryLock | None:
        """Take the lock without waiting; None when another session holds it."""
        engine = create_engine(db_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
        connection = engine.connect()
        try:
            got = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar()
        except BaseException:
            connection.close()
            engine.dispose()
            raise
        if not got:
            connection.close()
            engine.dispose()
            return None
        return cls(engine, connection, key)

    def release(self) -> None:
        """Unlock and close the dedicated connection (closing alone would also unlock)."""
        if self._connection is not None:
            try:
                self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
            finally:
                self._connection.close()
                self._engine.dispose()
                self._connection = None


def lock_file_for(db_url: str, home: Path) -> Path:
    """The lock file for a SQLite database: beside the file, or in `home` for in-memory ones."""
    database = make_url(db_url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        return Path(database).with_name(Path(database).name + ".lock")
    return home / "lpse-leads.lock"


def try_acquire(db_url: str, home: Path, name: str = LOCK_NAME) -> RunLock | None:
    """Take the run lock for this database without waiting; None if another holder has it."""
    if make_url(db_url).get_backend_name() == "postgresql":
        return AdvisoryLock.try_acquire(db_url, advisory_key(name))
    return FileLock.try_acquire(lock_file_for(db_url, home))


@contextlib.contextmanager
def run_lock(db_url: str, home: Path, name: str = LOCK_NAME) -> Iterator[RunLock | None]:
    """`with run_lock(url, home) as held:` — `held` is None when another run has the lock."""
    held = try_acquire(db_url, home, name)
    try:
        yield held
    finally:
        if held is not None:
            held.release()
