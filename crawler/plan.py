"""The crawl plan: which detail requests a list row will cost, and the sum over a crawl's lists.

`lpse-leads crawl --plan` makes only the list calls; for every construction row it asks
`row_requests` which detail pages reading that row needs, and sums them per stage, so the operator
sees before the first backfill how many requests (and hours at the host's rate) the crawl will
spend. One place decides what a row costs: the crawler's own rule (`crawler.spiders.spse`) follows
the tabs the announcement shows, which the list row predicts from its stage (column 3) and its
contract value (column 10).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crawler import protocol
from crawler.refetch import is_winner_stage, pages_after_announcement

#: Stage texts of a package that ended without a winner (cancelled or failed).
_FAILED_WORDS = ("batal", "gagal", "dibatalkan", "ditutup")

#: Stage classes, in the order a report lists them.
STAGE_CLASSES = ("pre_award", "winner", "contract", "failed")


def stage_class(row: Mapping[str, Any]) -> str:
    """`contract` (a contract value on the row), `winner`, `failed` or `pre_award`, from the row alone."""
    if row.get("contract_value") is not None:
        return "contract"
    stage = " ".join(str(row.get("stage") or "").lower().split())
    flags = " ".join(str(flag) for flag in row.get("flags") or []).lower()
    if any(word in stage for word in _FAILED_WORDS) or "batal" in flags:
        return "failed"
    if is_winner_stage(stage):
        return "winner"
    return "pre_award"


def row_requests(kind: protocol.ListKind, row: Mapping[str, Any]) -> tuple[str, ...]:
    """The detail pages the crawler requests to read this row's package, announcement first.

    The announcement's tab bar predicted from the row (the 2026 host shows Pemenang and Pemenang
    Berkontrak once a winner is named; records show their realisation tab), filtered by the same
    rule the crawl follows after reading it (`refetch.pages_after_announcement`).
    """
    if kind.schedule_path is None:  # records: announcement and realisation
        return ("announcement", protocol.REALISATION)
    stage = stage_class(row)
    named = stage in ("winner", "contract")
    shown = [protocol.WINNERS, protocol.CONTRACT, protocol.SCHEDULE] if named else [protocol.SCHEDULE]
    return ("announcement", *pages_after_announcement(shown, stage == "contract"))


def plan_from_stats(stats: Mapping[str, Any], rate_per_second: float | None) -> dict[str, Any]:
    """The plan a `--plan` crawl's stats describe: list calls made, rows per stage, detail requests
    expected, their sum and the hours at `rate_per_second` (None: no delay configured) and at 1 and 2/s."""
    list_calls = int(stats.get("downloader/request_count", 0)) - int(stats.get("robotstxt/request_count", 0))
    rows = {c: int(stats.get(f"lpse/plan/rows/{c}", 0)) for c in STAGE_CLASSES}
    detail = {c: int(stats.get(f"lpse/plan/requests/{c}", 0)) for c in STAGE_CLASSES}
    unchanged = int(stats.get("lpse/list_unchanged", 0))
    total = list_calls + sum(detail.values())
    hours = {rate: total / rate / 3600 for rate in (1.0, 2.0)}
    return {
        "list_calls": list_calls,
        "rows": rows,
        "unchanged_rows": unchanged,
        "detail_requests": detail,
        "requests": total,
        "rate_per_second": rate_per_second,
        "hours_at_rate": None if not rate_per_second else total / rate_per_second / 3600,
        "hours_at": hours,
    }
