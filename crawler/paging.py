"""How many rows to ask a list call for, and whether a short page is the end of the list.

The national host answered `length=100000` with a whole year's list in one response (protocol
§10.1), so one call per list is the goal. A host that caps the page size silently (300 was
once reported) answers a full-looking short page instead; "stop at a short page" would then
lose every row after the cap. The learner tells the two apart with as few extra calls as
possible, per host:

- a page with as many rows as asked for (or as the host's cap): not the end, read on;
- an empty page: the end;
- a short page of fewer than `min_cap` rows (no SPSE host is known to cap below 100), smaller
  than a page this host already sent in this run (so its cap, if any, is above it), or no larger
  than a short page a check proved final in this run: the end;
- a short page the host's remembered behaviour (`Learned`, an earlier run's) proves final: the
  end, on trust, unless it is as large as the largest page sent in this run, which is what a
  host that started capping answers for every longer list;
- a short page as large as one whose check call is still under way: the end for now, as that
  check decides both;
- any other short page of n rows: ask once more at `start + n` (a check call). Nothing there: the
  end, and every page of ≤ n rows from this host is final from now on. More rows: the host caps
  at n, and from then on pages of n rows are full pages.

What a run learned is kept between runs (`Learned`, stored per host by the pipeline) and trusted
for `recheck` (7 days by default) after a check last confirmed it; then the next run learns afresh.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

#: Days a remembered finding is trusted after a check call confirmed it (LPSE_PAGE_LENGTH_RECHECK_DAYS).
RECHECK_DAYS = 7.0


class After(Enum):
    """What to do after a page of a list (TRUSTED: ended without a check call of its own, on the
    remembered finding or on a check of the same size under way)."""

    NEXT = "next"  # read the next page
    PROBE = "probe"  # read the next page to find out whether this short page was the end
    DONE = "done"  # the list is complete
    TRUSTED = "trusted"  # complete for now: read on from here if this run finds a cap of this size


def _moment(value: Any) -> dt.datetime:
    """A stored or JSON time (datetime or ISO text) as an aware UTC datetime."""
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class Learned:
    """What a host does with a long page, as a run found it: kept between runs, one per host."""

    requested: int  # the length asked for
    cap: int | None  # the most rows the host sends per call; None: it honoured the length
    honoured_up_to: int  # no cap: the largest short page a check proved final
    learned_at: dt.datetime  # when this behaviour was first seen
    checked_at: dt.datetime  # when a check call last confirmed it

    def as_json(self) -> dict[str, Any]:
        """The stats / database form."""
        return {
            "requested": self.requested,
            "cap": self.cap,
            "honoured_up_to": self.honoured_up_to,
            "learned_at": self.learned_at.isoformat(),
            "checked_at": self.checked_at.isoformat(),
        }

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> Learned:
        """From `as_json()` or a stored row's columns (datetimes or ISO text)."""
        cap = value.get("cap")
        return cls(
            int(value["requested"]),
            int(cap) if cap is not None else None,
            int(value.get("honoured_up_to") or 0),
            _moment(value["learned_at"]),
            _moment(value["checked_at"]),
        )

    def describe(self) -> str:
        """`caps list pages at 300 rows` / `honours long pages (5,000 rows proven)`."""
        if self.cap is not None:
            return f"caps list pages at {self.cap:,} rows"
        return f"honours long pages ({self.honoured_up_to:,} rows proven)"


@dataclass
class PageLength:
    """Per-host page-size knowledge: the length to ask for, a cap, pages proven final, the remembered."""

    requested: int
    min_cap: int = 100
    cap: int | None = None  # the host's cap: found in this run, or remembered
    final_up_to: int = 0  # the largest short page a check proved final in this run
    largest: int = 0  # the largest page the host sent in this run
    remembered: Learned | None = None  # an earlier run's finding, trusted until contradicted
    previous: Learned | None = None  # the stored finding, trusted or due for a re-check
    cap_found: bool = False  # a check call found rows behind a short page in this run
    trusted: int = 0  # short pages ended without a check call of their own (check calls saved)
    checking: set[int] = field(default_factory=set)  # sizes of short pages whose check is under way

    @classmethod
    def recalled(
        cls, requested: int, stored: Learned | None, now: dt.datetime, recheck_days: float = RECHECK_DAYS
    ) -> PageLength:
        """A learner starting from a stored finding, trusted if a check confirmed it within `recheck_days`."""
        fresh = stored is not None and now - stored.checked_at < dt.timedelta(days=recheck_days)
        remembered = stored if fresh else None
        cap = remembered.cap if remembered else None
        return cls(requested, cap=cap, remembered=remembered, previous=stored)

    @property
    def length(self) -> int:
        """Rows to ask for: the host's cap once known, else the configured length."""
        return min(self.cap or self.requested, self.requested)

    @property
    def changed(self) -> bool:
        """This run found the host doing otherwise than the stored finding says."""
        old = self.previous
        if old is None:
            return False
        if self.cap_found:
            return self.cap != old.cap
        return old.cap is not None and self.largest > old.cap

    def after(self, rows: int, asked: int, probing_after: int | None = None) -> After:
        """Decide after a page of `rows` rows asked with `length=asked`.

        `probing_after` is the size of the short page this page probes behind, if it is a probe."""
        if probing_after is not None:
            self.checking.discard(probing_after)
            if rows == 0:
                self.final_up_to = max(self.final_up_to, probing_after)
                return After.DONE
            self.cap = probing_after if self.cap is None else min(self.cap, probing_after)
            self.cap_found, self.remembered = True, None
        sent_before, self.largest = self.largest, max(self.largest, rows)
        if rows == 0:
            return After.DONE
        if rows >= asked or (self.cap is not None and rows >= self.cap):
            return After.NEXT
        if rows < self.min_cap or rows < sent_before or rows <= self.final_up_to:
            return After.DONE
        if rows in self.checking or (rows != sent_before and self._remembered_final(rows)):
            self.trusted += 1  # a check of this very size under way decides this list too
            return After.TRUSTED
        self.checking.add(rows)
        return After.PROBE

    def _remembered_final(self, rows: int) -> bool:
        """The remembered finding proves a short page of `rows` rows final."""
        known = self.remembered
        if known is None:
            return False
        return rows < known.cap if known.cap is not None else rows <= known.honoured_up_to

    def learned(self, now: dt.datetime) -> Learned | None:
        """What to keep for the next run (None: nothing known); `now` stamps what a check confirmed."""
        old = self.previous
        if self.cap_found:
            assert self.cap is not None
            same = old is not None and old.cap == self.cap
            return Learned(self.requested, self.cap, 0, old.learned_at if same and old else now, now)
        known = self.remembered
        if known is not None and known.cap is not None:
            return known  # a remembered cap stays until a re-check asks for the long page again
        base = known.honoured_up_to if known is not None else 0
        if self.final_up_to <= base:
            return known or old  # nothing new proven (a stale finding is re-checked next run again)
        same = old is not None and old.cap is None
        return Learned(self.requested, None, self.final_up_to, old.learned_at if same and old else now, now)
