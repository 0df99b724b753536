"""Registry matches in the database: every package's best candidate, the one-to-one decision, closing leads.

``match_candidates`` keeps each package's best registration with its rank (``matching._best``);
``resolve`` applies the rule that a registration is one project (tender-code matches always stay;
otherwise the best rank keeps the registration, ties to the lower package id, which is the order
the full pass meets them in); ``apply`` makes ``matches`` equal to that decision; ``close_matched``
closes every matched lead that is not yet ``registered``, with an event by ``match``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, text

from leads.bulk import Bulk
from leads.models import RegistryMatch
from pipeline.types import UtcDateTime

TENDER_CODE = "tender code"
CANDIDATE_COLUMNS: tuple[str, ...] = ("package_id", "registration_id", "rank", "score", "explanation")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A package's best registration (row id), its rank among candidates, score and explanation."""

    package_id: int
    registration_id: int
    rank: float
    score: int
    explanation: str


def replace_candidates(bulk: Bulk, package_ids: Sequence[int] | None, found: Iterable[Candidate]) -> None:
    """Store ``found`` as the candidates of ``package_ids`` (None: of every package)."""
    if package_ids is None:
        bulk.execute("DELETE FROM match_candidates")
    else:
        bulk.delete_in("match_candidates", "package_id", package_ids)
    bulk.insert(
        "match_candidates",
        CANDIDATE_COLUMNS,
        [(c.package_id, c.registration_id, c.rank, c.score, c.explanation) for c in found],
    )


def resolve(candidates: Iterable[Candidate]) -> dict[int, Candidate]:
    """package id → kept candidate under the one-registration-one-project rule."""
    exact: dict[int, Candidate] = {}
    best: dict[int, Candidate] = {}
    for c in sorted(candidates, key=lambda c: c.package_id):
        if c.explanation == TENDER_CODE:
            exact[c.package_id] = c
            continue
        held = best.get(c.registration_id)
        if held is None or c.rank > held.rank:
            best[c.registration_id] = c
    coded = {c.registration_id for c in exact.values()}
    kept = dict(exact)
    kept.update({c.package_id: c for c in best.values() if c.registration_id not in coded})
    return kept


def load_candidates(bulk: Bulk) -> list[Candidate]:
    """Every stored candidate."""
    columns = ", ".join(_q(CANDIDATE_COLUMNS))
    return [Candidate(*row) for row in bulk.rows(f"SELECT {columns} FROM match_candidates")]


def apply(bulk: Bulk, kept: Mapping[int, Candidate], now: dt.datetime) -> None:
    """Make ``matches`` equal to ``kept``: stale rows deleted, new or changed ones inserted."""
    stored = {
        row[0]: row[1:]
        for row in bulk.rows("SELECT package_id, registration_id, score, explanation FROM matches")
    }
    wanted = {pid: (c.registration_id, c.score, c.explanation) for pid, c in kept.items()}
    stale = [pid for pid, value in stored.items() if wanted.get(pid) != value]
    bulk.delete_in("matches", "package_id", stale)
    at = bulk.db_form(RegistryMatch.__table__, "matched_at")(now)
    bulk.insert(
        "matches",
        ("package_id", "registration_id", "score", "explanation", "matched_at"),
        [(pid, *value, at) for pid, value in wanted.items() if stored.get(pid) != value],
    )


_REASON = "'registry ' || r.registration_no || ': ' || m.explanation || ' (' || CAST(m.score AS TEXT) || ')'"
_OPEN_MATCHED = (
    "FROM leads l JOIN matches m ON m.package_id = l.package_id "
    "JOIN registrations r ON r.id = m.registration_id WHERE l.status != 'registered'"
)


def close_matched(bulk: Bulk, now: dt.datetime) -> int:
    """Close matched leads that are not ``registered`` yet (event by ``match``); how many."""
    connection = bulk.connection
    moment = bindparam("now", now, type_=UtcDateTime())
    inserted = connection.execute(
        text(
            'INSERT INTO lead_events (lead_id, "at", old_status, new_status, "by", note) '
            f"SELECT l.id, :now, l.status, 'registered', 'match', {_REASON} {_OPEN_MATCHED}"
        ).bindparams(moment)
    ).rowcount
    if not inserted:
        return 0
    connection.execute(
        text(
            "UPDATE leads SET status = 'registered', status_changed_at = :now, status_reason = "
            f"(SELECT {_REASON} FROM matches m JOIN registrations r ON r.id = m.registration_id "
            "WHERE m.package_id = leads.package_id) "
            "WHERE status != 'registered' AND package_id IN (SELECT package_id FROM matches)"
        ).bindparams(moment)
    )
    return inserted


def count_candidates(bulk: Bulk) -> int:
    """How many packages have a stored candidate."""
    return bulk.rows("SELECT count(*) FROM match_candidates")[0][0]


def count_matches(bulk: Bulk) -> int:
    """How many packages are matched."""
    return bulk.rows("SELECT count(*) FROM matches")[0][0]


def _q(columns: Sequence[str]) -> list[str]:
    """Column names, ``rank`` quoted."""
    return [f'"{c}"' if c == "rank" else c for c in columns]
