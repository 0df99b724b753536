"""The run lock: a second holder — another process, or another PostgreSQL session — is refused."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from lpse_leads.lock import lock_file_for, run_lock, try_acquire


def other_process_gets_lock(db_url: str, home: Path) -> bool:
    """Ask a separate Python process whether it can take the lock right now."""
    code = textwrap.dedent(
        f"""
        from pathlib import Path
        from lpse_leads.lock import try_acquire
        held = try_acquire({db_url!r}, Path({str(home)!r}))
        print("acquired" if held else "busy")
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return result.stdout.strip() == "acquired"


def test_sqlite_lock_file_sits_beside_the_database(tmp_path):
    url = f"sqlite:///{tmp_path}/db/lpse-leads.sqlite"
    assert lock_file_for(url, tmp_path / "home") == tmp_path / "db" / "lpse-leads.sqlite.lock"
    assert lock_file_for("sqlite://", tmp_path / "home") == tmp_path / "home" / "lpse-leads.lock"


def test_sqlite_second_process_cannot_acquire_while_held(tmp_path):
    url = f"sqlite:///{tmp_path}/lpse-leads.sqlite"
    with run_lock(url, tmp_path) as held:
        assert held is not None
        assert not other_process_gets_lock(url, tmp_path)
    assert other_process_gets_lock(url, tmp_path)


def test_sqlite_second_holder_in_same_process_is_refused(tmp_path):
    url = f"sqlite:///{tmp_path}/lpse-leads.sqlite"
    first = try_acquire(url, tmp_path)
    assert first is not None
    assert try_acquire(url, tmp_path) is None
    first.release()
    first.release()  # idempotent
    again = try_acquire(url, tmp_path)
    assert again is not None
    again.release()


def test_second_session_is_refused_until_release_on_either_database(db_url, tmp_path):
    """SQLite: the file lock; PostgreSQL: the advisory lock, held on its own connection."""
    first = try_acquire(db_url, tmp_path)
    assert first is not None
    kind = "PostgreSQL advisory lock" if db_url.startswith("postgresql") else "file lock"
    assert first.description.startswith(kind)
    try:
        assert try_acquire(db_url, tmp_path) is None  # another connection / open file, same process
        assert not other_process_gets_lock(db_url, tmp_path)
    finally:
        first.release()
    assert other_process_gets_lock(db_url, tmp_path)
