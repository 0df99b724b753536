"""The package record's shape as the store sees it: which keys exist and how values are compared.

One place that knows docs/package-format.md's keys, so normalising, diffing (history), storing
and rebuilding (export) all agree on them.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from domain.jsonio import to_json
from pipeline.models import PACKAGE_MONEY_FIELDS, PACKAGE_TEXT_FIELDS, WINNER_MONEY_FIELDS, WINNER_TEXT_FIELDS

#: Keys that are always present and hold lists.
LIST_FIELDS = ("flags", "locations", "winners", "contract_winners", "stages")
#: List keys present only when not empty (the channels that give them: e-Katalog, the API).
OPTIONAL_LIST_FIELDS = ("rup_codes",)
#: Scalar keys of a record, beyond the natural key (site, code).
SCALAR_FIELDS = (*PACKAGE_TEXT_FIELDS, "fiscal_year", *PACKAGE_MONEY_FIELDS)
#: Keys a winner object may carry.
WINNER_FIELDS = (*WINNER_TEXT_FIELDS, *WINNER_MONEY_FIELDS)
#: Keys a stage object may carry.
STAGE_FIELDS = ("name", "start", "end")
#: Every field whose change is recorded in package_changes, in a stable order.
TRACKED_FIELDS = (*SCALAR_FIELDS, *LIST_FIELDS, *OPTIONAL_LIST_FIELDS)

Record = dict[str, Any]


def value_text(value: Any) -> str | None:
    """A history cell: None stays None, text as is, amounts exact, lists/objects as sorted-key JSON."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    return to_json(value)


def _same(old: Any, new: Any) -> bool:
    """Equal as values (Decimal 1.00 == 1), lists and objects compared element by element."""
    return old == new


def changed_fields(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[tuple[str, Any, Any]]:
    """(field, old value, new value) for every tracked field that differs."""
    out = []
    for name in TRACKED_FIELDS:
        before, after = old.get(name), new.get(name)
        if name in LIST_FIELDS or name in OPTIONAL_LIST_FIELDS:
            before, after = before or [], after or []
        if not _same(before, after):
            out.append((name, before, after))
    return out
