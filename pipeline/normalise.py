"""Pipeline 200: bring a package item's values to their stored form, in place.

Text trimmed (empty → absent), the site without trailing slash, amounts as Decimal, the year
as int, NPWPs normalised (`domain.npwp`), stage times as ISO strings, winner and stage objects
reduced to the keys of docs/package-format.md with absent values left out. The item keeps its
type, so the JSON-lines feed and the store see the same values.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from crawler.items import ListSeenItem, PackageItem
from domain.npwp import normalise_npwp
from pipeline.models import PACKAGE_MONEY_FIELDS, PACKAGE_TEXT_FIELDS, WINNER_MONEY_FIELDS
from pipeline.record import STAGE_FIELDS, WINNER_FIELDS
from pipeline.stats import CrawlerPipeline


def text(value: Any) -> str | None:
    """Trimmed text; empty → None."""
    if value is None:
        return None
    cleaned = str(value).strip()
    return cleaned or None


def amount(value: Any) -> Decimal | None:
    """An amount as Decimal (validated before, so it parses)."""
    if value is None or value == "":
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value).strip())


def moment(value: Any) -> str | None:
    """A stage time as its ISO string (datetime, date or text)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return text(value)


def winner(obj: dict[str, Any]) -> dict[str, Any]:
    """A winner object with known keys only, values normalised, absent ones left out."""
    out: dict[str, Any] = {}
    for key in WINNER_FIELDS:
        value = obj.get(key)
        if key in WINNER_MONEY_FIELDS:
            value = amount(value)
        elif key == "npwp":
            value = normalise_npwp(text(value))
        else:
            value = text(value)
        if value is not None:
            out[key] = value
    return out


def stage(obj: dict[str, Any]) -> dict[str, Any]:
    """A stage object {name, start?, end?} with ISO times."""
    out = {key: moment(obj.get(key)) if key != "name" else text(obj.get(key)) for key in STAGE_FIELDS}
    return {k: v for k, v in out.items() if v is not None}


def normalise_item(item: PackageItem) -> PackageItem:
    """Normalise every value of a package item in place (and return it)."""
    item.site = item.site.strip().rstrip("/")
    item.code = item.code.strip()
    for name in PACKAGE_TEXT_FIELDS:
        setattr(item, name, text(getattr(item, name)))
    for name in PACKAGE_MONEY_FIELDS:
        setattr(item, name, amount(getattr(item, name)))
    if item.fiscal_year is not None:
        item.fiscal_year = int(str(item.fiscal_year).strip())
    item.flags = [f for f in (text(v) for v in item.flags or []) if f]
    item.locations = [loc for loc in (text(v) for v in item.locations or []) if loc]
    item.stages = [stage(s) for s in item.stages or []]
    item.winners = [winner(w) for w in item.winners or []]
    item.contract_winners = [winner(w) for w in item.contract_winners or []]
    item.rup_codes = [c for c in (text(v) for v in item.rup_codes or []) if c]
    return item


class NormalisePipeline(CrawlerPipeline):
    """Normalises package items in place; the site of ListSeenItems loses its trailing slash."""

    def process_item(self, item: Any) -> Any:
        """Normalise and pass on."""
        if isinstance(item, PackageItem):
            return normalise_item(item)
        if isinstance(item, ListSeenItem):
            item.site = item.site.strip().rstrip("/")
            item.code = item.code.strip()
        return item
