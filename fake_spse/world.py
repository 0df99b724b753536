"""A deterministic synthetic SPSE world: per slug, packages over the five SPSE lists, generated lazily.

Every package is generated from its own random stream seeded by (seed, slug, index), so a
slug's world can be built lazily on first request and day N only *adds* packages and moves
time on: the same (seed, slug, year, day) always gives the same pages. Each package carries
its whole plan (schedule, winner, contract date, cancellation time); what is shown on a day
is derived from the plan and the world's clock by `Package.state` and `Package.schedule`.

About 30% of tenders and non tenders are postponed once while they run (`fake_spse.revisions`):
from that moment on the jadwal, the list row's stage and the truth show the revised schedule,
never before. On by default, as on the real host; a test may build a world without them
(`revisions=False`).
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta

from domain.dates import JAKARTA
from fake_spse import calibration
from fake_spse.generate import TENDER_SHARE, SlugPlan, five_minutes, generate_package
from fake_spse.model import LISTS, Package, Stage, State, Winner
from fake_spse.revisions import revise

__all__ = ["LISTS", "Package", "Sizes", "Stage", "State", "Winner", "World", "build_world"]

NEW_PER_DAY = 0.01


#: Packages per slug on day 0: one count for every slug, or a count per slug.
Sizes = int | Mapping[str, int]


class World:
    """All slugs of one fake SPSE host; each slug's packages are generated on first use and cached.

    `packages_per_slug` is one day-0 count for all slugs, or a mapping slug → count (a national
    host serves slugs of very different sizes); each slug's daily new packages are ~1% of its own.
    `revisions` postpones some schedules while they run (`fake_spse.revisions`); a test may turn
    it off, the fake never runs without it otherwise.
    """

    def __init__(
        self,
        slugs: Iterable[str],
        packages_per_slug: Sizes,
        seed: int,
        year: int,
        day: int = 0,
        revisions: bool = True,
    ):
        self.slugs = tuple(slugs)
        if isinstance(packages_per_slug, Mapping):
            missing = [slug for slug in self.slugs if slug not in packages_per_slug]
            if missing:
                raise ValueError(f"no package count for slugs {missing[:5]}")
        self.packages_per_slug = packages_per_slug
        self.seed = seed
        self.year = year
        self.day = day
        self.revisions = revisions
        self._plans: dict[str, SlugPlan] = {}
        self._packages: dict[str, list[Package]] = {}
        self._indexes: dict[str, tuple[int, dict[tuple[str, str], Package]]] = {}
        self._lock = threading.Lock()

    @property
    def start(self) -> datetime:
        """Noon of day 0 (1 July of the year, WIB): the world's clock starts here."""
        return datetime.combine(date(self.year, 7, 1), time(12, 0), JAKARTA)

    @property
    def now(self) -> datetime:
        """The moment every page shows: noon of the current day."""
        return self.start + timedelta(days=self.day)

    def day0_count(self, slug: str) -> int:
        """How many packages a slug has on day 0."""
        sizes = self.packages_per_slug
        return sizes[slug] if isinstance(sizes, Mapping) else sizes

    def new_per_day(self, slug: str) -> int:
        """How many packages a slug announces each day after day 0 (about 1% of its day-0 count)."""
        return max(1, round(self.day0_count(slug) * NEW_PER_DAY))

    def visible_count(self, slug: str, day: int | None = None) -> int:
        """Packages a slug has on a day: the day-0 set plus the daily new ones."""
        return self.day0_count(slug) + self.new_per_day(slug) * (self.day if day is None else day)

    def _announced(self, slug: str, index: int) -> datetime:
        """Announcement time: spread over the ~170 days before day 0, or the morning of its new day."""
        rng = random.Random(f"{self.seed}:{slug}:{index}:announce")
        first = self.day0_count(slug)
        if index < first:
            moment = self.start - timedelta(days=rng.uniform(0.5, 170))
        else:
            day = 1 + (index - first) // self.new_per_day(slug)
            moment = self.start + timedelta(days=day, hours=-rng.uniform(0.5, 4))
        return five_minutes(moment)

    def packages(self, slug: str) -> list[Package]:
        """The packages a slug shows today, in index order (generated on first use)."""
        if slug not in self.slugs:
            raise KeyError(slug)
        wanted = self.visible_count(slug)
        with self._lock:
            plan = self._plans.get(slug) or self._plans.setdefault(slug, SlugPlan(slug, self.seed, self.year))
            have = self._packages.setdefault(slug, [])
            for index in range(len(have), wanted):
                package = generate_package(plan, self.seed, index, self._announced(slug, index))
                have.append(revise(package, self.seed) if self.revisions else package)
            return have[:wanted]

    def find(self, slug: str, kind: str, code: str) -> Package | None:
        """The package of a list by kode, if it is visible today."""
        if slug not in self.slugs:
            return None
        return self._index(slug).get((kind, code))

    def _index(self, slug: str) -> dict[tuple[str, str], Package]:
        """(list, kode) → package for today's packages of a slug (cached per visible count)."""
        packages = self.packages(slug)
        cached = self._indexes.get(slug)
        if cached is None or cached[0] != len(packages):
            cached = (len(packages), {(p.list, p.code): p for p in packages})
            self._indexes[slug] = cached
        return cached[1]

    def set_day(self, day: int) -> None:
        """Move the world's clock to day `day` (packages are added, never removed)."""
        if day < 0:
            raise ValueError("day must be ≥ 0")
        self.day = day


def build_world(
    slugs: Iterable[str],
    packages_per_slug: Sizes | str,
    seed: int,
    year: int,
    day: int = 0,
    revisions: bool = True,
) -> World:
    """A world for these slugs (one day-0 count, one per slug, or "real"); generated when asked for.

    "real" sizes each slug so that its tender list is as long as a real 2026 portal's."""
    slugs = list(slugs)
    if packages_per_slug == "real":
        packages_per_slug = calibration.real_sizes(slugs, tender_share=TENDER_SHARE)
    elif isinstance(packages_per_slug, str):
        raise ValueError(f"packages per slug: a count, a mapping or 'real', got {packages_per_slug!r}")
    return World(slugs, packages_per_slug, seed, year, day, revisions)
