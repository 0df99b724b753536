"""A fake of LKPP's other channels (SiRUP, data.inaproc.id tables, the keyed API Gateway) for tests,
benchmarks and demos; never imports `crawler`.

with FakeInaproc(seed=1, year=2026) as fake:
    fake.url                 # http://127.0.0.1:P — the --site of every channel
    fake.token               # the API's bearer token
    fake.truth("ekatalog")   # the records a perfect crawl of that channel writes
"""

from __future__ import annotations

from typing import Any

from fake_inaproc.server import FakeInaprocServer
from fake_inaproc.truth import SOURCES, truth_records
from fake_inaproc.world import World
from fake_spse.http import RunningFake


class FakeInaproc(RunningFake):
    """A running fake INAPROC host in a daemon thread; a context manager."""

    thread_name = "fake-inaproc"

    def __init__(
        self,
        seed: int = 0,
        year: int = 2026,
        day: int = 0,
        faults: str = "none",
        port: int = 0,
        plans: int = 40,
    ):
        self.world = World(seed, year, plans_per_government=plans, day=day)
        self.server = FakeInaprocServer(self.world, faults=faults, port=port)

    @property
    def token(self) -> str:
        """The bearer token the API accepts."""
        return self.server.token

    def truth(self, *sources: str) -> list[dict[str, Any]]:
        """Records of the given channels (all when none given) served today."""
        return list(truth_records(self.world, self.url, tuple(sources) or SOURCES))

    def set_day(self, day: int) -> None:
        """Serve day `day` from now on."""
        self.world.set_day(day)

    def stats(self) -> dict[str, Any]:
        """Request counts per kind/status, injected faults, the request log."""
        return self.server.stats.snapshot()


__all__ = ["SOURCES", "FakeInaproc"]
