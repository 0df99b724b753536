"""Which detail pages a list row needs, given what the store has of the package (stage-aware refetch).

A pure function of the list row, the list kind and the stored package, so the spider and a
request planner (`crawl --plan`) decide alike. The list row carries stage, badges, the rounded
HPS/pagu and the contract value; only what it cannot carry is read from the detail pages, and
only what a lead needs (the lead-first record, docs/package-format.md):

| the row shows                                   | pages read                                   |
|-------------------------------------------------|----------------------------------------------|
| a package the store does not know               | the announcement; once a winner is named,    |
|                                                 | one winner tab (pemenangberkontrak when the  |
|                                                 | row shows a contract value, else pemenang)   |
|                                                 | and the jadwal; records: announcement and    |
|                                                 | realisation                                  |
| nothing changed                                  | none                                         |
| another pre-award stage, or a cancel/fail badge | none: the row carries the new stage and flags|
| a winner stage, no winner and no contract stored| the winner tab (pemenang), and the jadwal    |
|                                                 | when none is stored                          |
| a contract value that is new or changed         | the contract tab; the jadwal too when the    |
|                                                 | stored schedule has no signing stage         |
| another name or rounded HPS/pagu                | the announcement                             |
| a record (darurat/pencatatan/swakelola) moved    | the realisation tab                          |
| a stage the stored schedule does not place at   | the jadwal: the site revised its schedule    |
| the site's own time                             | (detected from the site's clock, not guessed)|

Why no pemenang tab once the contract is signed, and no jadwal before a winner is named: a
contracted package's lead needs who signed and for how much (pemenangberkontrak; the value is on
the list row too), not the losing offers; a pre-award package is no lead yet, and its schedule is
read when its winner is named (until then it may still be revised, or the tender end in Batal/Gagal).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from crawler.protocol import CONTRACT, REALISATION, SCHEDULE, WINNERS

ANNOUNCEMENT = "announcement"
#: The order pages are read in (the announcement first: it may name what follows).
PAGE_ORDER = (ANNOUNCEMENT, WINNERS, CONTRACT, REALISATION, SCHEDULE)
#: Lists whose packages are records: realisations, no jadwal, no winner tab.
RECORD_LISTS = frozenset({"darurat", "pencatatan", "swakelola"})
#: Fingerprint parts: what a list row shows, grouped by the page that must be read when it changes.
PARTS = ("stage", "name", "value", "contract")
_VERSION = "v2"
#: Stage names (normalised) from which a winner is named: the winner tab exists.
_WINNER_MARKERS = (
    "pengumuman pemenang",
    "sanggah",
    "penunjukan penyedia",
    "penandatanganan kontrak",
    "sudah selesai",
)
_SIGNING = "penandatanganan kontrak"
_FINISHED = "sudah selesai"


def _norm(text: str | None) -> str:
    return re.sub(r"\s+", " ", (text or "").strip().lower())


def is_winner_stage(stage: str | None) -> bool:
    """True for stages at or after the announcement of the winner (the pemenang tab exists)."""
    name = _norm(stage)
    return any(marker in name for marker in _WINNER_MARKERS)


def _money_text(value: Any) -> str:
    if value is None or value == "":
        return ""
    amount = value if isinstance(value, Decimal) else Decimal(str(value))
    return format(amount.normalize(), "f")


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, ensure_ascii=False).encode("utf-8")).hexdigest()[:8]


def fingerprint_parts(row: Mapping[str, Any]) -> dict[str, str]:
    """One short hash per part of a parsed list row (crawler.parsers.parse_list)."""
    approximate = row.get("estimate_value")
    if approximate is None:
        approximate = row.get("budget_value")
    return {
        "stage": _digest([row.get("stage") or "", sorted(row.get("flags") or [])]),
        "name": _digest(row.get("name") or ""),
        "value": _digest(_money_text(approximate)),
        "contract": _digest(_money_text(row.get("contract_value"))),
    }


def list_fingerprint(row: Mapping[str, Any]) -> str:
    """`v2:<stage>.<name>.<value>.<contract>`: equal when nothing worth a request changed; says what did."""
    parts = fingerprint_parts(row)
    return f"{_VERSION}:" + ".".join(parts[p] for p in PARTS)


def parse_fingerprint(text: str | None) -> dict[str, str] | None:
    """The parts of a v2 fingerprint; None for an older or foreign one (the package is read in full)."""
    if not text or not text.startswith(f"{_VERSION}:"):
        return None
    values = text[len(_VERSION) + 1 :].split(".")
    return dict(zip(PARTS, values, strict=True)) if len(values) == len(PARTS) else None


@dataclass(frozen=True)
class Stored:
    """What the store has of one package: its fingerprint and the facts the decision needs."""

    fingerprint: str | None
    has_winners: bool = False
    stages: tuple[tuple[str, datetime, datetime], ...] = ()

    @classmethod
    def from_record(cls, fingerprint: str | None, record: Mapping[str, Any]) -> Stored:
        """From a stored package record (docs/package-format.md)."""
        stages = []
        for stage in record.get("stages") or []:
            try:
                start = _moment(stage["start"])
                end = _moment(stage["end"])
            except (KeyError, TypeError, ValueError):
                continue
            stages.append((str(stage.get("name") or ""), start, end))
        return cls(fingerprint, bool(record.get("winners")), tuple(stages))


def _moment(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


@dataclass(frozen=True)
class Plan:
    """The pages one list row needs: `full` (a package to read whole) or a set of pages (maybe none)."""

    full: bool
    pages: frozenset[str] = frozenset()
    reasons: tuple[str, ...] = field(default=())

    @property
    def unchanged(self) -> bool:
        """Nothing to read and nothing to update: the row is as stored."""
        return not self.full and not self.pages and not self.reasons


FULL = Plan(True, reasons=("new",))


def pages_after_announcement(shown: list[str], contracted: bool) -> list[str]:
    """Of the pages a full read could follow (the announcement's tabs, then the jadwal), those a lead
    needs. `contracted`: the list row carries a contract value (column 10).

    The national host shows the Pemenang Berkontrak tab as soon as the winner is named, with an
    empty table until the contract is entered (tender 10102453000, "Nilai Kontrak belum dibuat",
    ../shared/docs/spse-protocol.md §7.6), so the row, not the tab bar, says whether a contract
    exists: contracted, the contract tab instead of the pemenang tab; else the pemenang tab and
    not the (empty) contract tab. The jadwal only once a winner is named (a winner or contract tab
    is shown). Records keep their realisation tab.
    """
    if contracted and CONTRACT in shown:
        pages = [p for p in shown if p != WINNERS]
    else:
        pages = [p for p in shown if p != CONTRACT]
    if WINNERS not in shown and CONTRACT not in shown:
        pages = [p for p in pages if p != SCHEDULE]
    return pages


def lead_priority(row: Mapping[str, Any]) -> int:
    """Scrapy priority of a row's detail requests: contract signed 20, winner named 10, else 0."""
    if row.get("contract_value") is not None:
        return 20
    return 10 if is_winner_stage(row.get("stage")) else 0


def _placed(stage: str | None, stages: tuple[tuple[str, datetime, datetime], ...], now: datetime) -> bool:
    """Whether the stored schedule agrees with the row's stage at the site's time `now`."""
    name = _norm(stage)
    if not stages or not name:
        return True
    if _FINISHED in name:
        return max(end for _, _, end in stages) <= now
    window = [(start, end) for n, start, end in stages if _norm(n) == name]
    if not window:
        return True  # a stage the schedule does not list (Batal, Gagal, Tidak Ada Jadwal)
    return any(start <= now < end for start, end in window)


def plan(kind: str, row: Mapping[str, Any], stored: Stored | None, site_now: datetime | None = None) -> Plan:
    """The detail pages this list row needs, given the stored package (None: not stored)."""
    old = parse_fingerprint(stored.fingerprint) if stored is not None else None
    if stored is None or old is None:
        return FULL
    new = fingerprint_parts(row)
    changed = [p for p in PARTS if new[p] != old[p]]
    pages: set[str] = set()
    if "name" in changed or "value" in changed:
        pages.add(ANNOUNCEMENT)
    if kind in RECORD_LISTS:
        if "stage" in changed:
            pages.add(REALISATION)
        return Plan(False, frozenset(pages), tuple(changed))
    stage = row.get("stage")
    contract = row.get("contract_value") is not None
    if "stage" in changed and is_winner_stage(stage) and not stored.has_winners and not contract:
        pages.add(WINNERS)
        if not stored.stages:
            pages.add(SCHEDULE)
    if "contract" in changed and contract:
        pages.add(CONTRACT)
        if not any(_SIGNING in _norm(name) for name, _, _ in stored.stages):
            pages.add(SCHEDULE)
    reasons = list(changed)
    if site_now is not None and not _placed(stage, stored.stages, site_now):
        pages.add(SCHEDULE)
        reasons.append("schedule_revised")
    return Plan(False, frozenset(pages), tuple(reasons))
