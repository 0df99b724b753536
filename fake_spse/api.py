"""`FakeSpse`: the fake SPSE server in a background thread, for tests and benchmarks.

with FakeSpse(slugs=["kemkes"], packages=200, seed=1, year=2026) as fake:
    fake.base_url("kemkes")   # http://127.0.0.1:P/kemkes
    fake.truth()              # the records a perfect crawler writes
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from fake_spse.access import STRICT, Access
from fake_spse.faults import Profile
from fake_spse.http import RunningFake
from fake_spse.pages import MAX_LENGTH
from fake_spse.server import FakeSpseServer
from fake_spse.truth import truth_records
from fake_spse.world import build_world


class FakeSpse(RunningFake):
    """A running fake SPSE host serving several slugs; a context manager.

    `packages` is the day-0 count of every slug, a mapping slug → count, or "real" (each slug's
    tender list as long as a real 2026 portal's, `fake_spse.calibration`). `access` is the
    host's detail-page rules, strict by default (a test may relax them, `fake_spse.access`).
    `variant` puts the host in a situation a test asks for: a challenge page in front of it, or a
    changed page layout (`fake_spse.variants`; "none" by default). Schedules are postponed
    while packages run, as on the real host (`fake_spse.revisions`); `revisions=False` (tests
    only) serves every schedule as generated. `page_cap` is the most rows one list call answers
    (`set_page_cap` changes it while serving): a host that caps pages silently.
    """

    thread_name = "fake-spse"

    def __init__(
        self,
        slugs: Iterable[str],
        packages: int | Mapping[str, int] | str = 100,
        seed: int = 0,
        year: int = 2026,
        day: int = 0,
        faults: str | Profile = "none",
        port: int = 0,
        access: Access = STRICT,
        variant: str = "none",
        revisions: bool = True,
        page_cap: int = MAX_LENGTH,
    ):
        self.world = build_world(list(slugs), packages, seed, year, day, revisions)
        self.server = FakeSpseServer(
            self.world, faults=faults, port=port, access=access, variant=variant, page_cap=page_cap
        )

    def base_url(self, slug: str) -> str:
        """`http://127.0.0.1:P/<slug>`: the `site` of this slug's records."""
        return self.server.base_url(slug)

    def truth(self) -> list[dict[str, Any]]:
        """Records for every package served today (all slugs, all lists)."""
        return list(truth_records(self.world, self.base_url))

    def set_page_cap(self, rows: int) -> None:
        """Answer at most `rows` rows per list call from now on (MAX_LENGTH: no cap below the 2026 host's)."""
        self.server.site.page_cap = rows

    def set_day(self, day: int) -> None:
        """Serve day `day` from now on (same port, same sessions)."""
        self.world.set_day(day)

    def stats(self) -> dict[str, Any]:
        """Request counts per kind/status, injected faults, 429s with Retry-After, request log."""
        return self.server.stats.snapshot()
