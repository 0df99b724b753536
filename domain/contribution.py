"""JKK and JKM contributions for Jasa Konstruksi, estimated from a contract value.

When wages are not itemised, BPJS Ketenagakerjaan charges construction projects JKK and JKM on the
*nilai kontrak kerja konstruksi* in MARGINAL brackets, like income tax: each rate applies only to the
part of the value inside its bracket (bpjs-jakon-rules.md §4; a flat reading is a common mistake).
Everything is Decimal and nothing is rounded: how BPJS TK rounds is unknown (§11.4), so rounding is
left to display (``rupiah_display``).

The module also picks which SPSE value to use as the base (``best_value``, §3), because the estimate
must always say which field it came from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

#: (upper bound of the bracket in rupiah or None for "no upper bound", JKK rate, JKM rate).
#: Rates are fractions (0.0021 = 0.21%). Source: bpjs-jakon-rules.md §4 (PP 44/2015 as amended,
#: PP 49/2020 Pasal 11-12, Permenaker 44/2015).
RATE_TABLE: tuple[tuple[Decimal | None, Decimal, Decimal], ...] = (
    (Decimal("100000000"), Decimal("0.0021"), Decimal("0.0003")),
    (Decimal("500000000"), Decimal("0.0017"), Decimal("0.0002")),
    (Decimal("1000000000"), Decimal("0.0013"), Decimal("0.0002")),
    (Decimal("5000000000"), Decimal("0.0011"), Decimal("0.0001")),
    (None, Decimal("0.0009"), Decimal("0.0001")),
)

#: Which SPSE value to use as the base, best first (a project rule, bpjs-jakon-rules.md §3): contract
#: value, winner's negotiated offer, winner's corrected offer, winner's offer, HPS, pagu.
VALUE_BASIS_ORDER: tuple[str, ...] = (
    "contract_value",
    "negotiated_value",
    "corrected_value",
    "offer_value",
    "estimate_value",
    "budget_value",
)

#: Bases that exist before the award; an estimate from these is "pre-award" (§3).
PRE_AWARD_BASES: frozenset[str] = frozenset({"estimate_value", "budget_value"})

_ZERO = Decimal(0)


@dataclass(frozen=True)
class BracketShare:
    """The part of the base that falls in one bracket and what it contributes.

    ``upper`` is None for the open top bracket; ``portion`` is the rupiah amount inside the bracket
    (zero when the base does not reach it).
    """

    lower: Decimal
    upper: Decimal | None
    portion: Decimal
    jkk_rate: Decimal
    jkm_rate: Decimal
    jkk: Decimal
    jkm: Decimal


@dataclass(frozen=True)
class Contribution:
    """JKK + JKM estimate for one base value, with the per-bracket breakdown shown on each lead."""

    base: Decimal
    jkk: Decimal
    jkm: Decimal
    total: Decimal
    brackets: tuple[BracketShare, ...]


def estimate_contribution(value: Decimal) -> Contribution:
    """JKK and JKM on ``value`` (rupiah) by the marginal brackets; exact, unrounded.

    Every bracket appears in ``brackets`` (with a zero portion above the value) so a breakdown
    always has the same five rows. A negative or non-finite value is a caller bug: ValueError.
    """
    if not isinstance(value, Decimal):
        raise TypeError(f"value must be a Decimal, not {type(value).__name__}")
    if not value.is_finite() or value < 0:
        raise ValueError(f"contract value must be a finite, non-negative amount: {value}")
    shares: list[BracketShare] = []
    lower = _ZERO
    for upper, jkk_rate, jkm_rate in RATE_TABLE:
        top = value if upper is None else min(value, upper)
        portion = max(top - lower, _ZERO)
        shares.append(
            BracketShare(
                lower=lower,
                upper=upper,
                portion=portion,
                jkk_rate=jkk_rate,
                jkm_rate=jkm_rate,
                jkk=portion * jkk_rate,
                jkm=portion * jkm_rate,
            )
        )
        if upper is not None:
            lower = upper
    jkk = sum((s.jkk for s in shares), _ZERO)
    jkm = sum((s.jkm for s in shares), _ZERO)
    return Contribution(base=value, jkk=jkk, jkm=jkm, total=jkk + jkm, brackets=tuple(shares))


def rupiah_display(value: Decimal) -> Decimal:
    """``value`` rounded half-up to whole rupiah, for display only (BPJS TK's own rounding is unknown)."""
    return value.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def best_value(candidates: Mapping[str, Decimal | None]) -> tuple[Decimal, str] | None:
    """The first value present in ``VALUE_BASIS_ORDER`` and the key it came from, or None.

    Keys outside the order are ignored; None (not on the page) is skipped. A zero is kept: a page
    that says Rp0 says so, and the caller can decide what a zero estimate means.
    """
    for key in VALUE_BASIS_ORDER:
        value = candidates.get(key)
        if value is not None:
            return value, key
    return None
