"""The fake postpones running schedules (fake_spse.revisions): on by default, never visible early."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

import pytest

from crawler.parsers import parse_schedule
from fake_spse import FakeSpse
from fake_spse.model import Package
from fake_spse.revisions import DELTA_STEPS, SHARE, revised_between, row_reveals
from fake_spse.rows import dt_row
from fake_spse.truth import package_record
from fake_spse.world import build_world
from tests.fake_spse.spse_client import Client

SLUGS = ["kemkes", "bandungkab"]
SITE = "http://127.0.0.1:1/x"


def _worlds(day: int = 0, packages: int = 400, seed: int = 7):
    return (
        build_world(SLUGS, packages, seed, 2026, day),
        build_world(SLUGS, packages, seed, 2026, day, revisions=False),
    )


def _pairs(day: int = 0) -> list[tuple[Package, Package]]:
    revised, plain = _worlds(day)
    return [pair for slug in SLUGS for pair in zip(revised.packages(slug), plain.packages(slug), strict=True)]


def _revised() -> list[tuple[Package, Package]]:
    return [(r, p) for r, p in _pairs() if r.revision is not None]


def test_revisions_are_on_by_default_and_leave_every_package_as_generated():
    pairs = _pairs()
    running = [r for r, _ in pairs if not r.is_record]
    revised = [r for r in running if r.revision is not None]
    # the assumed share, less the packages cancelled or failed before their revision
    assert 0.6 * SHARE < len(revised) / len(running) <= SHARE + 0.05
    assert {r.list for r in revised} == {"tender", "non_tender"}
    for r, p in pairs:
        same = replace(
            r,
            revision=None,
            cancel_at=p.cancel_at,
            fail_at=p.fail_at,
            winner_at=p.winner_at,
            contract_at=p.contract_at,
        )
        assert same == p  # codes, names, values, original schedules: the world without revisions


def test_a_revision_postpones_the_running_stage_and_everything_after_it():
    for r, p in _revised():
        rev = r.revision
        assert rev is not None
        assert r.announced < rev.at < r.stages[-1].start
        assert timedelta(minutes=5 * DELTA_STEPS[0]) <= rev.delta <= timedelta(minutes=5 * DELTA_STEPS[1])
        assert rev.delta % timedelta(minutes=5) == timedelta(0) and rev.at.minute % 5 == 0
        running = next(i for i, s in enumerate(r.stages) if rev.at < s.end)
        assert rev.stages[:running] == r.stages[:running]
        now = rev.stages[running]
        assert (now.start, now.end) == (r.stages[running].start, r.stages[running].end + rev.delta)
        for before, after in zip(r.stages[running:], rev.stages[running:], strict=True):
            assert after.changes == before.changes + 1 and after.name == before.name
        for before, after in zip(r.stages[running + 1 :], rev.stages[running + 1 :], strict=True):
            assert (after.start, after.end) == (before.start + rev.delta, before.end + rev.delta)
        for field in ("winner_at", "contract_at", "cancel_at", "fail_at"):
            old, new = getattr(p, field), getattr(r, field)
            assert new == (old + rev.delta if old is not None and old > rev.at else old), field


def test_nothing_shown_before_a_revision_differs_and_everything_after_it_reads_the_new_schedule():
    recorded = 0  # records that carry a jadwal (the record holds it once a winner is named)
    for r, p in _revised():
        rev = r.revision
        assert rev is not None
        before = [rev.at - timedelta(hours=h) for h in (0.1, 7, 30, 200)]
        for moment in [m for m in before if m >= r.announced]:
            assert r.schedule(moment) == p.stages
            assert r.state(moment) == p.state(moment)
            assert dt_row(r, r.state(moment)) == dt_row(p, p.state(moment))
            assert package_record(r, r.state(moment), SITE, moment) == package_record(
                p, p.state(moment), SITE, moment
            )
        for moment in (rev.at, rev.at + timedelta(days=3), rev.at + timedelta(days=60)):
            assert r.schedule(moment) == rev.stages
            running = next((s.name for s in rev.stages if moment < s.end), None)
            stage = r.state(moment).stage
            assert stage == running or stage.endswith(("Batal", "Gagal", "Dibatalkan", "Sudah Selesai"))
            shown = package_record(r, r.state(moment), SITE, moment)["stages"]
            if shown:
                recorded += 1
                assert [(s["name"], s["start"], s["end"]) for s in shown] == [
                    (s.name, s.start.isoformat(), s.end.isoformat()) for s in rev.stages
                ]
    assert recorded > 50


def test_the_row_reveals_a_revision_only_once_the_original_schedule_would_show_another_stage():
    revealed = hidden = 0
    for r, _ in _revised():
        rev = r.revision
        assert rev is not None
        running = next(i for i, s in enumerate(r.stages) if rev.at < s.end)
        original_end = r.stages[running].end
        assert not row_reveals(r, rev.at - timedelta(minutes=5))
        if rev.at < original_end - timedelta(minutes=5):
            assert not row_reveals(r, original_end - timedelta(minutes=5))  # same stage either way
            hidden += 1
        if r.state(original_end).stage == r.stages[running].name:  # still running: not Batal/Gagal
            assert row_reveals(r, original_end)  # the original would show the next stage
            revealed += 1
    assert hidden > 10 and revealed > 10


@pytest.fixture(scope="module")
def revised_tender() -> tuple[str, str, int]:
    """(slug, code, a day) of a tender that is revised on that day, between noon and noon."""
    world = build_world(SLUGS, 400, 7, 2026)
    for day in range(1, 40):
        world.set_day(day - 1)
        since = world.now
        world.set_day(day)
        for slug in SLUGS:
            for p in world.packages(slug):
                if p.list == "tender" and revised_between(p, since, world.now):
                    return slug, p.code, day
    raise AssertionError("no tender revised within 40 days")


def test_the_jadwal_page_shows_the_original_schedule_before_and_the_revised_one_after(revised_tender):
    slug, code, day = revised_tender
    with FakeSpse(slugs=SLUGS, packages=400, seed=7, year=2026, day=day - 1) as fake:
        package = fake.world.find(slug, "tender", code)
        assert package is not None and package.revision is not None
        client = Client(fake.base_url(slug))
        for shown_day, stages in ((day - 1, package.stages), (day, package.revision.stages)):
            fake.set_day(shown_day)
            status, text = client.get(f"/lelang/{code}/jadwal")
            assert status == 200
            parsed = parse_schedule(text.encode())["stages"]
            assert [(s["name"], s["start"], s["end"]) for s in parsed] == [
                (s.name, s.start, s.end) for s in stages
            ]
            assert _perubahan(text) == [
                f"{s.changes} kali perubahan" if s.changes else "Tidak Ada" for s in stages
            ]


def _perubahan(page: str) -> list[str]:
    """The Perubahan cell of every jadwal row, as text."""
    rows = re.findall(r"<tr>(.*?)</tr>", page, re.S)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in rows]
    return [" ".join(re.sub(r"<[^>]+>", " ", c[4]).split()) for c in cells if len(c) == 5]
