"""How many rows to ask a list call for, and whether a short page is the end of the list.

The national host answered `length=100000` with a whole year's list in one response (protocol
§10.1), so one call per list is the goal. A host that caps the page size silently (300 was
once reported) answers a full-looking short page instead; "stop at a short page" would then
lose every row after the cap. The learner tells the two apart with as few extra calls as
possible, per host:

- a page with as many rows as asked for: not the end, read on;
- an empty page: the end;
- a short page of fewer than `min_cap` rows (no SPSE host is known to cap below 100), or of no
  more rows than a short page this host already proved final: the end;
- any other short page of n rows: ask once more at `start + n`. Nothing there: the end, and
  every page of ≤ n rows from this host is final from now on. More rows: the host caps at n,
  and from then on pages of n rows are full pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class After(Enum):
    """What to do after a page of a list."""

    NEXT = "next"  # read the next page
    PROBE = "probe"  # read the next page to find out whether this short page was the end
    DONE = "done"  # the list is complete


@dataclass
class PageLength:
    """Per-host page-size knowledge: the length to ask for, a detected cap, proven-final sizes."""

    requested: int
    min_cap: int = 100
    cap: int | None = None
    final_up_to: int = 0  # the largest short page proven to end its list

    @property
    def length(self) -> int:
        """Rows to ask for: the host's cap once known, else the configured length."""
        return self.cap or self.requested

    def after(self, rows: int, asked: int, probing_after: int | None = None) -> After:
        """Decide after a page of `rows` rows asked with `length=asked`.

        `probing_after` is the size of the short page this page probes behind, if it is a probe."""
        if probing_after is not None:
            if rows == 0:
                self.final_up_to = max(self.final_up_to, probing_after)
                return After.DONE
            self.cap = probing_after if self.cap is None else min(self.cap, probing_after)
        if rows == 0:
            return After.DONE
        if rows >= asked or (self.cap is not None and rows >= self.cap):
            return After.NEXT
        if self.cap is not None or rows < self.min_cap or rows <= self.final_up_to:
            return After.DONE
        return After.PROBE
