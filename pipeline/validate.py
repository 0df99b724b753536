"""Pipeline 100: drop items that cannot be stored, with the reason counted (`lpse/drop/<reason>`).

A package needs its natural key (site, code), its list and its name; values that are there
must be readable (amounts, year, lists of the right shape). Anything else reaching the store
would fail a whole batch, so it is stopped here, one item at a time.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from crawler.items import ListSeenItem, PackageItem
from domain.npwp import mask_npwp_for_log, normalise_npwp
from pipeline.models import PACKAGE_MONEY_FIELDS, WINNER_MONEY_FIELDS
from pipeline.stats import CrawlerPipeline, drop

_REQUIRED = ("site", "code", "list", "name")
_CENTS = Decimal("0.01")


def readable_amount(value: Any) -> bool:
    """True for a finite, non-negative amount with at most two decimals (None counts as absent)."""
    if value is None:
        return True
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return False
    return amount.is_finite() and amount >= 0 and amount == amount.quantize(_CENTS)


def problem(item: PackageItem) -> tuple[str, str] | None:
    """(reason, detail) for the first thing wrong with a package item, None when it can be stored."""
    for name in _REQUIRED:
        value = getattr(item, name, None)
        if not isinstance(value, str) or not value.strip():
            return f"missing_{name}", ""
    for name in PACKAGE_MONEY_FIELDS:
        if not readable_amount(getattr(item, name, None)):
            return f"bad_{name}", repr(getattr(item, name))
    year = item.fiscal_year
    if year is not None and (isinstance(year, bool) or not str(year).strip().isdigit()):
        return "bad_fiscal_year", repr(year)
    for name in ("flags", "locations", "rup_codes"):
        if not all(isinstance(v, str) for v in getattr(item, name) or []):
            return f"bad_{name}", ""
    if not all(isinstance(s, dict) and isinstance(s.get("name"), str) for s in item.stages or []):
        return "bad_stages", ""
    for name in ("winners", "contract_winners"):
        for winner in getattr(item, name) or []:
            reason = _winner_problem(winner)
            if reason is not None:
                return f"bad_{name}", reason
    return None


def _winner_problem(winner: Any) -> str | None:
    """What is wrong with one winner object, or None."""
    if not isinstance(winner, dict):
        return "not an object"
    for name in WINNER_MONEY_FIELDS:
        if not readable_amount(winner.get(name)):
            return f"{name}={winner.get(name)!r}"
    try:
        normalise_npwp(winner.get("npwp"))
    except (TypeError, ValueError):
        return f"npwp={mask_npwp_for_log(repr(winner.get('npwp')))}"
    return None


class ValidatePipeline(CrawlerPipeline):
    """Drops package items without site/code/list/name or with unreadable values; counts the reason."""

    def process_item(self, item: Any) -> Any:
        """Pass good items through unchanged; DropItem otherwise."""
        if isinstance(item, ListSeenItem):
            if not item.site or not item.code:
                drop(self.crawler, item, "missing_site" if not item.site else "missing_code")
            return item
        if isinstance(item, PackageItem):
            found = problem(item)
            if found is not None:
                drop(self.crawler, item, *found)
        return item
