"""Schedule revisions: the site postpones a running tender or non-tender, as real SPSE sites do.

A real jadwal changes while a package runs: the one changed jadwal captured
(`fixtures/lpse/razifaisal-design__webscrapperrazi/jadwal_berubah.html`) shows every stage of a
non tender "1 kali perubahan", its riwayat giving the reason ("Pejabat Pengadaan memerlukan waktu
untuk Evaluasi Penawaran": more time to evaluate, a postponement). No real rate was measured (the
lists do not show revisions and we hold one jadwal), so the share is *assumed*: `SHARE` (30%) of
tender and non-tender packages are revised once, a little under the ~40% of stages the generator
already marks changed (`generate._schedule`) — revisions are common, not the rule. The
postponement is 1–7 days in the jadwal's 5-minute steps (`DELTA_STEPS`): the time to redo an
evaluation or a signing, short against a tender's ~5-week schedule.

At `revised_at`, between the announcement and the start of the last stage, the stage running
then ends `delta` later, every later stage moves by `delta`, and each of them counts one more
Perubahan; the winner, contract, cancel and fail moments after `revised_at` move by `delta` too.
Before `revised_at` the site shows the original schedule: nothing visible then changes. A package
cancelled or failed before `revised_at` is not revised (nothing runs any more). Each revision is
drawn from its own stream `"{seed}:{slug}:{index}:revision"`, so a world with revisions has the
same packages (codes, names, original schedules) as one without.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from fake_spse.generate import five_minutes
from fake_spse.model import Package, Revision, Stage

if TYPE_CHECKING:  # the world builds its packages with `revise`
    from fake_spse.world import World

#: Share of tender and non-tender packages whose schedule is postponed once (assumed, see above).
SHARE = 0.3
#: A postponement in 5-minute steps: 1 to 7 days.
DELTA_STEPS = (24 * 12, 7 * 24 * 12)


def _later(moment: datetime | None, at: datetime, delta: timedelta) -> datetime | None:
    """A moment after the revision moves with it; one before it stays (it is already shown)."""
    return moment + delta if moment is not None and moment > at else moment


def postpone(stages: tuple[Stage, ...], at: datetime, delta: timedelta) -> tuple[Stage, ...]:
    """The schedule revised at `at`: the running stage ends `delta` later, later stages move by it."""
    revised = []
    for stage in stages:
        if stage.end <= at:  # over before the revision: as it was
            revised.append(stage)
        elif stage.start <= at:  # running at the revision: ends later
            revised.append(Stage(stage.name, stage.start, stage.end + delta, stage.changes + 1))
        else:
            revised.append(Stage(stage.name, stage.start + delta, stage.end + delta, stage.changes + 1))
    return tuple(revised)


def revise(p: Package, seed: int) -> Package:
    """The package with its revision drawn from its own stream (unchanged for a package not revised)."""
    if p.is_record or not p.stages:
        return p
    rng = random.Random(f"{seed}:{p.slug}:{p.index}:revision")
    if rng.random() >= SHARE:
        return p
    span = p.stages[-1].start - p.announced
    at = five_minutes(p.announced + span * rng.random())
    delta = timedelta(minutes=5 * rng.randint(*DELTA_STEPS))
    ended = [m for m in (p.cancel_at, p.fail_at) if m is not None]
    if at <= p.announced or (ended and min(ended) <= at):
        return p
    return replace(
        p,
        revision=Revision(at, delta, postpone(p.stages, at, delta)),
        cancel_at=_later(p.cancel_at, at, delta),
        fail_at=_later(p.fail_at, at, delta),
        winner_at=_later(p.winner_at, at, delta),
        contract_at=_later(p.contract_at, at, delta),
    )


def _running(stages: tuple[Stage, ...], now: datetime) -> str | None:
    return next((s.name for s in stages if now < s.end), None)


def revised_between(p: Package, since: datetime, now: datetime) -> bool:
    """Whether the site revised the package's schedule after `since`, at or before `now`."""
    return p.revision is not None and since < p.revision.at <= now


def row_reveals(p: Package, now: datetime) -> bool:
    """Whether the list row at `now` shows a stage the original schedule would not show then.

    Only then can a crawler that holds the original jadwal see, from the list alone, that the
    schedule changed; until then its stored jadwal lags the site's, and nothing says so."""
    if p.revision is None or now < p.revision.at:
        return False
    stage = p.state(now).stage
    if stage not in {s.name for s in p.stages} and not stage.endswith("Sudah Selesai"):
        return False  # Batal, Gagal: the row shows no schedule stage
    return _running(p.stages, now) != _running(p.revision.stages, now)


def hidden_revisions(world: World, since: datetime) -> set[tuple[str, str]]:
    """(slug, kode) of the packages revised after `since` whose list row does not reveal it today.

    A crawler that read a jadwal at `since` cannot know from the list that it changed: its stored
    schedule lags the site's until the row shows a stage the old schedule would not."""
    now = world.now
    return {
        (slug, p.code)
        for slug in world.slugs
        for p in world.packages(slug)
        if revised_between(p, since, now) and not row_reveals(p, now)
    }
