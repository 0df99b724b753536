"""What the last leads build saw, so the next one redoes only what changed since.

Stored in ``lead_build_state`` as key → text: the build version, the day counted against, and
fingerprints of the branch table (routes) and of the registry (matches). A changed branch table or
version recomputes every lead; a changed registry re-matches every package; a new day moves only
days overdue and scores. Package changes are found per lead (``leads.source_changed``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

from sqlalchemy import Connection, delete, insert, select

from leads.models import BuildState
from leads.routing import BranchTable

#: Bump when the lead computation or matching changes, so the next build recomputes everything.
BUILD_VERSION = "3"


def read_state(connection: Connection) -> dict[str, str]:
    """The stored state (empty before the first build of this version's schema)."""
    return dict(connection.execute(select(BuildState.key, BuildState.value)).all())


def write_state(connection: Connection, state: Mapping[str, str]) -> None:
    """Replace the stored state."""
    connection.execute(delete(BuildState))
    connection.execute(insert(BuildState), [{"key": k, "value": v} for k, v in state.items()])


def digest(parts: Iterable[object]) -> str:
    """A short hash of the ``repr`` of each part, in order."""
    h = hashlib.sha256()
    for part in parts:
        h.update(repr(part).encode())
        h.update(b"\x00")
    return h.hexdigest()[:32]


def branch_fingerprint(table: BranchTable) -> str:
    """Everything routing reads: kab/kota → branch and basis, branch → Kanwil, province → Kanwil."""
    provinces = sorted((code, kanwil.name) for code, kanwil in table.provinces.items())
    return digest(
        [
            BUILD_VERSION,
            sorted(table.coverage.items()),
            sorted(table.branch_kanwil.items()),
            provinces,
            sorted(table.basis.items()),
        ]
    )
