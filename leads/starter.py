"""The national starter routing table, as shipped in ``leads/data`` (see ``leads.starter_rules``).

Loaded at run time from package data only (never from ``../shared``): the starter branches, the
route of each of the 514 kab/kota with its basis and source, the offices left unresolved, and the
KCP check of the nearest-office rule. ``tools/make_starter_routes.py`` regenerates the files.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class StarterBranch:
    """A branch of the starter table (no e-mail addresses: public evidence has none)."""

    code: str
    name: str
    kanwil: str


@dataclass(frozen=True)
class StarterRoute:
    """The starter route of one kab/kota: a branch (None: the Kanwil's fallback queue) and its basis."""

    kabkota_code: str
    kanwil: str
    branch_code: str | None
    basis: str
    distance_km: float | None
    source: str


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("leads").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def starter_branches() -> tuple[StarterBranch, ...]:
    """Every starter branch, in source order."""
    return tuple(
        StarterBranch(r["branch_code"], r["branch_name"], r["kanwil"]) for r in _rows("starter_branches.csv")
    )


@cache
def starter_routes() -> dict[str, StarterRoute]:
    """kab/kota code → starter route, for all 514 kab/kota."""
    return {
        r["kabkota_code"]: StarterRoute(
            r["kabkota_code"],
            r["kanwil"],
            r["branch_code"] or None,
            r["route_basis"],
            float(r["distance_km"]) if r["distance_km"] else None,
            r["source"],
        )
        for r in _rows("starter_routes.csv")
    }


@cache
def kcp_check() -> tuple[int, int]:
    """(KCP checked, KCP whose kab/kota the nearest-office rule sends to their parent KC)."""
    rows = _rows("starter_kcp_check.csv")
    return len(rows), sum(r["agree"] == "yes" for r in rows)


@cache
def unresolved_offices() -> tuple[tuple[str, str], ...]:
    """(office name, why) of the offices whose kab/kota could not be told."""
    return tuple((r["office_name"], r["reason"]) for r in _rows("starter_unresolved.csv"))
