"""Contractor entity resolution across LPSE sites (one company, one `contractors` row).

Rules (issue §3): a full NPWP is the key (`domain.npwp.npwp_key`), whatever the name
spelling (`PT. ABC` and `PT ABC Tbk`); a masked NPWP joins an existing NPWP contractor only
when the mask agrees with its NPWP AND the normalised names match, and exactly one such
contractor exists; anything else becomes a contractor keyed by normalised name + masked NPWP.
Every spelling seen is kept in `contractor_names`.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.dialects import postgresql, sqlite

from domain.npwp import is_masked, masks_agree, npwp_key
from pipeline.models import Contractor, ContractorName

_NON_WORD = re.compile(r"[^0-9A-Z]+")
#: Legal forms that do not tell companies apart (`PT. ABC` = `ABC, Tbk` = `PT ABC (Persero)`).
LEGAL_FORMS = frozenset({"PT", "CV", "TBK", "PERSERO", "PERSEROAN", "TERBATAS", "UD", "FA", "FIRMA"})
_CHUNK = 500


def company_name_key(name: str) -> str:
    """Upper case, accents and punctuation gone, legal forms dropped: `PT. Abc, Tbk` → `ABC`."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().upper()
    words = [w for w in _NON_WORD.split(text) if w]
    core = [w for w in words if w not in LEGAL_FORMS]
    return " ".join(core or words)


@dataclass(frozen=True)
class Identity:
    """How one winner row identifies its company, before it is looked up."""

    identity: str
    npwp_key: str | None
    name_key: str
    masked: str | None
    name: str


def identify(winner: Mapping[str, Any]) -> Identity | None:
    """The identity of a winner object (None when it has neither name nor NPWP)."""
    return _identify((winner.get("name") or "").strip(), winner.get("npwp") or None)


@lru_cache(maxsize=65536)
def _identify(name: str, npwp: str | None) -> Identity | None:
    """`identify` on the two values that matter, cached (the same companies win again and again)."""
    key = npwp_key(npwp) if npwp and not is_masked(npwp) else None
    name_key = company_name_key(name) if name else ""
    if key is not None:
        return Identity(f"npwp:{key}", key, name_key, None, name or key)
    if not name_key:
        return None
    masked = npwp if npwp and is_masked(npwp) else None
    return Identity(f"name:{name_key}|{masked or ''}", None, name_key, masked, name)


def dialect_insert(connection: Connection, table: Any) -> Any:
    """`INSERT` with ON CONFLICT support for the connection's dialect (SQLite or PostgreSQL)."""
    module = postgresql if connection.dialect.name == "postgresql" else sqlite
    return module.insert(table)


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    """Slices small enough for any database's bound-parameter limit."""
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


class ContractorResolver:
    """Maps winner objects to contractor ids inside the caller's transaction (ids cached per process).

    Call `forget()` after a rolled-back transaction: ids created in it no longer exist.
    """

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}
        self._names: set[tuple[int, str]] = set()

    def forget(self) -> None:
        """Drop the caches (after a rollback)."""
        self._ids.clear()
        self._names.clear()

    def resolve(
        self, connection: Connection, winners: Sequence[Mapping[str, Any]], now: dt.datetime
    ) -> list[int | None]:
        """Contractor id for each winner (None when it names no company), creating contractors as needed."""
        identities = [identify(w) for w in winners]
        full = [i for i in identities if i is not None and i.npwp_key is not None]
        self._ensure(connection, full, now)
        chosen: list[Identity | None] = []
        masked_targets = self._masked_targets(
            connection, [i for i in identities if i is not None and i.masked]
        )
        for ident in identities:
            if ident is not None and ident.masked:
                key = masked_targets.get((ident.name_key, ident.masked))
                if key is not None:
                    ident = Identity(f"npwp:{key}", key, ident.name_key, None, ident.name)
            chosen.append(ident)
        self._ensure(connection, [i for i in chosen if i is not None], now)
        ids = [self._ids[i.identity] if i is not None else None for i in chosen]
        self._record_names(connection, ids, chosen, now)
        return ids

    def _masked_targets(
        self, connection: Connection, masked: Sequence[Identity]
    ) -> dict[tuple[str, str], str]:
        """(name key, mask) → NPWP key of the single NPWP contractor whose name and mask agree."""
        names = sorted({i.name_key for i in masked})
        candidates: dict[str, list[str]] = {}
        for chunk in _chunks(names):
            rows = connection.execute(
                select(Contractor.name_key, Contractor.npwp_key).where(
                    Contractor.name_key.in_(chunk), Contractor.npwp_key.is_not(None)
                )
            )
            for name_key, key in rows:
                candidates.setdefault(name_key, []).append(key)
        out: dict[tuple[str, str], str] = {}
        for ident in masked:
            assert ident.masked is not None
            agreeing = [k for k in candidates.get(ident.name_key, []) if masks_agree(ident.masked, k)]
            if len(agreeing) == 1:
                out[(ident.name_key, ident.masked)] = agreeing[0]
        return out

    def _ensure(self, connection: Connection, identities: Sequence[Identity], now: dt.datetime) -> None:
        """Insert the identities not yet known (ON CONFLICT DO NOTHING) and cache every id."""
        missing = {i.identity: i for i in identities if i.identity not in self._ids}
        if not missing:
            return
        stmt = dialect_insert(connection, Contractor).on_conflict_do_nothing()
        connection.execute(
            stmt,
            [
                {
                    "identity": i.identity,
                    "npwp_key": i.npwp_key,
                    "name_key": i.name_key,
                    "masked_npwp": i.masked,
                    "name": i.name,
                    "first_seen": now,
                }
                for i in missing.values()
            ],
        )
        for chunk in _chunks(sorted(missing)):
            rows = connection.execute(
                select(Contractor.identity, Contractor.id).where(Contractor.identity.in_(chunk))
            )
            self._ids.update({identity: cid for identity, cid in rows})

    def _record_names(
        self,
        connection: Connection,
        ids: Sequence[int | None],
        chosen: Sequence[Identity | None],
        now: dt.datetime,
    ) -> None:
        """Add each (contractor, spelling) pair not seen before to contractor_names."""
        pairs = {
            (cid, i.name) for cid, i in zip(ids, chosen, strict=True) if cid is not None and i is not None
        }
        new = sorted(pairs - self._names)
        if not new:
            return
        stmt = dialect_insert(connection, ContractorName).on_conflict_do_nothing()
        connection.execute(
            stmt, [{"contractor_id": cid, "name": name, "first_seen": now} for cid, name in new]
        )
        self._names.update(new)
