"""The records a perfect crawler would write for the fake's world (docs/package-format.md).

Built from the same plan and state the pages are rendered from, with values "as shown":
whitespace collapsed, tags stripped, entities unescaped, money exact, NPWP normalised, and a
key only when the page shows it with a value. Only the pages the lead-first record reads count:
a contracted package's contract winners, not its offers; the jadwal once a winner is named.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from domain.npwp import normalise_npwp
from domain.text import clean_text
from fake_spse.model import Package, State, Winner
from fake_spse.rows import contract_total
from fake_spse.world import World


def _winner(w: Winner, contract: bool) -> dict[str, Any]:
    """One winner object of the pemenang (or pemenangberkontrak) tab."""
    row: dict[str, Any] = {
        "name": clean_text(w.name),
        "address": clean_text(f"{w.street} - {w.place}"),
        "npwp": normalise_npwp(w.npwp),
    }
    if contract:
        row.update(contract_value=w.contract, pdn_value=w.pdn)
        if w.umk is not None:
            row["umk_value"] = w.umk
    else:
        row.update(offer_value=w.offer, corrected_value=w.corrected)
        if w.negotiated is not None:
            row["negotiated_value"] = w.negotiated
    return row


def package_record(p: Package, state: State, site: str, now: datetime) -> dict[str, Any]:
    """The record of one package as the pages show it at `now`."""
    record: dict[str, Any] = {
        "site": site,
        "list": p.list,
        "code": p.code,
        "name": clean_text(p.name),
        "flags": list(state.flags),
        "stage": state.stage,
        "agency": clean_text(p.agency),
        "work_unit": clean_text(p.work_unit),
        "category": p.category,
        "method": clean_text(p.method),
        "fiscal_year": p.fiscal_years[0],
        "budget_value": p.budget,
        "locations": [clean_text(loc) for loc in p.locations],
        "winners": [],
        "contract_winners": [],
        "stages": [],
    }
    if p.funding_source:
        record["funding_source"] = p.funding_source
    if p.list != "darurat" and p.rup_code:  # the announcement's Rencana Umum Pengadaan table
        record["rup_codes"] = [p.rup_code]
    if p.estimate is not None:
        record["estimate_value"] = p.estimate
    if p.is_record:
        record["realised_value"] = p.realised(now)
        return record
    contract = contract_total(p, state)
    if contract is not None:
        record["contract_value"] = contract
    if p.qualification:
        record["qualification"] = p.qualification
    if not state.winner_named:  # a pre-award package: its schedule is read once a winner is named
        return record
    if state.contract:  # the signed contract, not the offers (crawler/refetch.py)
        record["contract_winners"] = [_winner(w, contract=True) for w in p.winners]
    else:
        record["winners"] = [_winner(w, contract=False) for w in p.winners]
    record["stages"] = [
        {"name": s.name, "start": s.start.isoformat(), "end": s.end.isoformat()} for s in p.schedule(now)
    ]
    return record


def truth_records(world: World, base_url_for_slug: Callable[[str], str]) -> Iterator[dict[str, Any]]:
    """Every package served by every slug today, in index order."""
    now = world.now
    for slug in world.slugs:
        site = base_url_for_slug(slug)
        for p in world.packages(slug):
            yield package_record(p, p.state(now), site, now)
