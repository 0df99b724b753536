"""Crash safety of `lpse-leads run`: SIGKILLed in the crawl, after it and while mailing, then a clean run.

The world is real (tests/reliability/crashkit.py): a fake SPSE on 127.0.0.1, an aiosmtpd server
recording every message with its envelope recipients, a TOML configuration, generated registry
and branch files, `python -m lpse_leads run --config FILE` as a child killed like `kill -9 PID`.
After every kill the run lock must be free at once (flock dies with the process; a PostgreSQL
advisory lock with its connection) and no crawl child may be left running. After the clean run:
the packages equal the fake's truth, each lead exists once per (site, code), no digest is left
unfinished, and every lead that had to go out reached its branch (or the fallback address) in
exactly ONE digest. A kill while the SMTP server holds a message (sent, not yet recorded) makes
the next run resend that digest with the same Message-ID — a receiving server de-duplicates on
Message-ID, so the rule checked is "one distinct Message-ID per lead", not "one delivery": a lead
under two different Message-IDs would reach the officer twice. All runs fall on one calendar day
(Asia/Jakarta), so one digest per queue; a second day's digests are covered by bench/crash.py.
"""

from __future__ import annotations

import random

import pytest

from tests.reliability.crashkit import RESENDS, CrashWorld, KillPoint

pytestmark = pytest.mark.slow

SLUGS = ("kota-a", "kab-b", "prov-c")


def test_run_killed_in_every_phase_then_a_clean_run_leaves_the_truth_and_one_digest_per_lead(
    db_url, tmp_path
):
    rng = random.Random(20261122)
    plan = [
        KillPoint("crawl", rng.uniform(0.2, 1.0)),
        KillPoint("mail", 1),
        KillPoint("after_crawl", rng.uniform(0.0, 0.5)),
        KillPoint("mail", 2),
    ]
    with CrashWorld(tmp_path / "world", db_url, slugs=SLUGS, packages=50, seed=11) as world:
        for point in plan:
            outcome = world.killed_run(point)
            assert outcome.returncode != 75, f"{point.describe()}: a stale lock blocked the run"
            assert outcome.lock_free_after, f"{point.describe()}: the run lock stayed held after the kill"
            assert outcome.orphans == [], f"{point.describe()}: crawl children outlived the run"
        assert world.outcomes[0].killed and world.outcomes[1].killed, [o.point for o in world.outcomes]

        final = world.clean_run()
        assert final.returncode == 0, (tmp_path / "world").joinpath("run5-clean.out").read_text()[-3000:]
        verdict = world.verdict()

    assert verdict.problems == []
    assert verdict.figures["leads that had to go out"] >= 10
    assert verdict.figures[RESENDS] >= 1, "the kill at the first message should have caused a resend"
