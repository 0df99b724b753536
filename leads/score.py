"""One number to sort an officer's leads by: money at stake, how late, how certain.

    score = stage_weight × (10 × log10(1 + C / 100 000) + 30 × min(days_overdue, 90) / 90)

- ``C`` is the estimated JKK+JKM total in rupiah (0 when unknown). Log-scaled so a toll road does not
  bury every village road: Rp120 000 (a Rp50 juta contract) → 3.4, Rp1.75 juta (Rp1 miliar) → 12.7,
  Rp11.55 juta (Rp10 miliar) → 20.7, Rp446 juta (Rp445 miliar) → 36.5.
- ``days_overdue`` (calendar days past the 14-working-day deadline, 0 when not due or unknown) adds up
  to 30 points, reached at 90 days: an overdue lead is the one to chase now.
- ``stage_weight``: contract signed 1.0 > winner named 0.8 > pre-award 0.5; the less settled the
  award, the more likely the lead changes or dies.

Rounded to 2 decimals; higher is more urgent. The same formula is in the README.
"""

from __future__ import annotations

import math
from decimal import Decimal

STAGE_WEIGHTS: dict[str, float] = {"contract": 1.0, "winner": 0.8, "pre_award": 0.5}
#: Contribution scale: amounts are divided by this before the log, so small amounts stay near 0.
MONEY_UNIT = 100_000
MONEY_WEIGHT = 10.0
OVERDUE_WEIGHT = 30.0
OVERDUE_CAP_DAYS = 90


def lead_score(contribution: Decimal | float | None, days_overdue: int | None, stage: str) -> float:
    """The score of one lead (see the module docstring for the formula).

    The build passes the stored (sen-rounded) contribution as a float, so a score recomputed later
    from the stored row (a new day) is the same number.
    """
    money = MONEY_WEIGHT * math.log10(1 + float(contribution or 0) / MONEY_UNIT)
    late = OVERDUE_WEIGHT * min(max(days_overdue or 0, 0), OVERDUE_CAP_DAYS) / OVERDUE_CAP_DAYS
    return round(STAGE_WEIGHTS[stage] * (money + late), 2)
