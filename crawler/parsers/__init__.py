"""SPSE page parsers: pure functions from page bytes to plain dicts (no Scrapy, no I/O).

`parse_page(kind, body)` is the single entry the spider and the `lpse-leads parse` command
use; each kind has its own module. Classify a body with `classify_page` before parsing it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from crawler.parsers.announcement import parse_announcement
from crawler.parsers.contract import parse_contract
from crawler.parsers.errors import ParseError, classify_page
from crawler.parsers.listing import (
    CONSTRUCTION_CATEGORIES,
    infer_list_kind,
    is_construction,
    load_rows,
    parse_list,
)
from crawler.parsers.schedule import parse_schedule
from crawler.parsers.winners import parse_winners

PARSE_KINDS = ("announcement", "winners", "contract", "schedule", "list")

_PAGE_PARSERS: dict[str, Callable[[bytes], dict[str, Any]]] = {
    "announcement": parse_announcement,
    "winners": parse_winners,
    "contract": parse_contract,
    "schedule": parse_schedule,
}


def parse_page(kind: str, body: bytes, list_kind: str | None = None) -> dict[str, Any]:
    """Dispatch to the parser of `kind`; for `list` without `list_kind`, infer it from the row width."""
    if kind == "list":
        if list_kind is None:
            rows = load_rows(body)
            if not rows:
                return {"rows": [], "unread": [], "dropped": []}
            list_kind = infer_list_kind(rows)
        return parse_list(body, list_kind)
    if kind not in _PAGE_PARSERS:
        raise ValueError(f"unknown page kind {kind!r}; expected one of {', '.join(PARSE_KINDS)}")
    return _PAGE_PARSERS[kind](body)


__all__ = [
    "CONSTRUCTION_CATEGORIES",
    "PARSE_KINDS",
    "ParseError",
    "classify_page",
    "is_construction",
    "parse_announcement",
    "parse_contract",
    "parse_list",
    "parse_page",
    "parse_schedule",
    "parse_winners",
]
