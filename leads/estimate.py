"""Per-lead facts computed from the package record: value basis, JKK/JKM estimate, signing date, deadline.

The value comes from the best SPSE figure available (``domain.contribution.VALUE_BASIS_ORDER``: contract
value, the winner's negotiated, corrected and offer values, HPS, pagu) and always says which one it
was. The registration clock starts at the contract: SPSE publishes no SPK date, so the start of the
"Penandatanganan Kontrak" schedule stage is the proxy (bpjs-jakon-rules.md §5.1); the deadline is 14
working days after it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any, Literal

from domain.contribution import RATE_TABLE, VALUE_BASIS_ORDER, best_value, estimate_contribution
from domain.workdays import days_overdue, registration_deadline

#: The schedule stage whose start is used as the contract (SPK) date, compared case/space-insensitively.
SIGNING_STAGE = "penandatanganan kontrak"
#: Winner keys that can serve as a value basis (the package-level keys are contract, HPS and pagu).
WINNER_VALUE_KEYS: tuple[str, ...] = ("contract_value", "negotiated_value", "corrected_value", "offer_value")

Stage = Literal["contract", "winner", "pre_award"]


@dataclass(frozen=True)
class LeadEstimate:
    """What a lead says about money and time; None where the package does not tell."""

    value: Decimal | None
    value_basis: str | None
    jkk: Decimal | None
    jkm: Decimal | None
    total: Decimal | None
    signed_on: dt.date | None
    deadline: dt.date | None
    days_overdue: int | None
    stage: Stage


def value_candidates(record: Mapping[str, Any]) -> dict[str, Decimal | None]:
    """Every basis of ``VALUE_BASIS_ORDER`` from a package record: package values, then winners' values.

    The contract value is the package's own (list column) or else the first contract winner's; winner
    values come from the first winner (contract winners first) that has them.
    """
    winners = list(record.get("contract_winners") or []) + list(record.get("winners") or [])
    found: dict[str, Decimal | None] = {key: None for key in VALUE_BASIS_ORDER}
    for key in WINNER_VALUE_KEYS:
        found[key] = next((w[key] for w in winners if w.get(key) is not None), None)
    if record.get("contract_value") is not None:
        found["contract_value"] = record["contract_value"]
    found["estimate_value"] = record.get("estimate_value")
    found["budget_value"] = record.get("budget_value")
    return found


def stage_date(value: str | None) -> dt.date | None:
    """The WIB calendar date of a stage datetime (``2026-02-06T16:05:00+07:00`` or ``2026-02-06``)."""
    if not value:
        return None
    return dt.date.fromisoformat(value[:10])


def contract_signed_on(stages: Iterable[Mapping[str, Any]]) -> dt.date | None:
    """Start date of the "Penandatanganan Kontrak" stage, or None when the schedule lacks it."""
    for stage in stages:
        if " ".join(str(stage.get("name", "")).split()).lower() == SIGNING_STAGE:
            return stage_date(stage.get("start"))
    return None


def lead_stage(record: Mapping[str, Any]) -> Stage:
    """``contract`` when a contract is published, ``winner`` when a winner is named, else ``pre_award``."""
    if record.get("contract_winners") or record.get("contract_value") is not None:
        return "contract"
    if record.get("winners"):
        return "winner"
    return "pre_award"


@lru_cache(maxsize=8192)
def _deadline(signed_on: dt.date) -> dt.date:
    """``registration_deadline`` remembered: many contracts share a signing day."""
    return registration_deadline(signed_on)


def estimate_lead(record: Mapping[str, Any], today: dt.date) -> LeadEstimate:
    """Value basis, JKK/JKM/total, signing date, deadline and days overdue for one package record."""
    chosen = best_value(value_candidates(record))
    value, basis = chosen if chosen is not None else (None, None)
    contribution = estimate_contribution(value) if value is not None and value >= 0 else None
    signed_on = contract_signed_on(record.get("stages") or [])
    deadline = _deadline(signed_on) if signed_on else None
    return LeadEstimate(
        value=value,
        value_basis=basis,
        jkk=contribution.jkk if contribution else None,
        jkm=contribution.jkm if contribution else None,
        total=contribution.total if contribution else None,
        signed_on=signed_on,
        deadline=deadline,
        days_overdue=days_overdue(deadline, today) if deadline else None,
        stage=lead_stage(record),
    )


def _rate_scale() -> int:
    """The power of ten that makes every rate of ``RATE_TABLE`` a whole number."""
    places = max(-int(rate.as_tuple().exponent) for _, jkk, jkm in RATE_TABLE for rate in (jkk, jkm))
    return 10 ** max(places, 0)


#: Rates times ``RATE_SCALE`` with bracket bounds in sen: (upper sen or None, JKK, JKM) as integers.
RATE_SCALE = _rate_scale()
_INT_BRACKETS: tuple[tuple[int | None, int, int], ...] = tuple(
    (
        None if upper is None else int(upper * 100),
        int(jkk * RATE_SCALE),
        int(jkm * RATE_SCALE),
    )
    for upper, jkk, jkm in RATE_TABLE
)


def _round_sen(scaled: int) -> int:
    """``scaled`` (sen × RATE_SCALE) rounded half-even to whole sen, as ``Decimal.quantize`` does."""
    whole, rest = divmod(scaled, RATE_SCALE)
    if rest * 2 > RATE_SCALE or (rest * 2 == RATE_SCALE and whole % 2):
        whole += 1
    return whole


def contribution_sen(value_sen: int) -> tuple[int, int, int]:
    """(JKK, JKM, total) in whole sen for a non-negative value in sen, in integers.

    Equal to ``estimate_contribution`` with each amount quantised to 0.01 (half-even), without the
    per-bracket Decimal objects: the build calls it once per lead.
    """
    jkk = jkm = 0
    lower = 0
    for upper, jkk_rate, jkm_rate in _INT_BRACKETS:
        top = value_sen if upper is None else min(value_sen, upper)
        if top <= lower:
            break
        jkk += (top - lower) * jkk_rate
        jkm += (top - lower) * jkm_rate
        if upper is None:
            break
        lower = upper
    return _round_sen(jkk), _round_sen(jkm), _round_sen(jkk + jkm)


def deadline_of(signed_on: dt.date) -> dt.date:
    """The registration deadline of a contract signed on ``signed_on`` (cached per day)."""
    return _deadline(signed_on)
