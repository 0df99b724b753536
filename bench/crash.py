"""Crash benchmark: `lpse-leads run` SIGKILLed ten times at random moments, then a clean run.

Never run in `make test`:

    .venv/bin/python bench/crash.py [--kills 10] [--slugs 4] [--packages 150] [--seed 1] [--db URL]

The full-size version of tests/reliability/test_run_crash.py, on the same kit
(tests/reliability/crashkit.py): a fake SPSE, a real SMTP server (aiosmtpd) recording every
message and its envelope recipients, a TOML configuration, generated registry and branch files.

1. A clean run in a throwaway world measures how long one run takes (T).
2. `--kills` runs of the real world are SIGKILLed (`kill -9` of the run process), at points spread
   over the phases: inside the crawl, just after it (leads, digests), when the SMTP server holds
   the n-th message of the run (sent, outcome not recorded), and plain delays from 0 to T. After
   each: is the run lock free at once, is any crawl child still alive?
3. A clean run. Then a second day: the fake moves on (new packages, stages), a clean run crawls
   and builds (today's digests are already sent, so new leads wait), `digest send --date <tomorrow>`
   is killed at its first message and run again.
4. The verdict: packages export equals the fake's truth, one lead per (site, code), every digest
   `sent`, every lead that had to go out reached its address under exactly one Message-ID (resends
   of the same Message-ID are counted; receiving servers de-duplicate on it).

Prints each kill and the checks, and a final `SUMMARY` line (`OK` or `NOT OK`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from domain.dates import JAKARTA  # noqa: E402
from tests.reliability.crashkit import RESENDS, CrashWorld, KillPoint, kill_plan  # noqa: E402

YEAR_SLUGS = ("kota-a", "kab-b", "prov-c", "kab-d", "kota-e", "kab-f")


def measure_clean_run(folder: Path, slugs: tuple[str, ...], packages: int, seed: int) -> float:
    """Seconds of one clean run of the same size, in a world of its own."""
    with CrashWorld(folder / "timing", f"sqlite:///{folder / 'timing.sqlite'}", slugs=slugs,
                    packages=packages, seed=seed) as world:  # fmt: skip
        outcome = world.clean_run()
    if outcome.returncode != 0:
        raise SystemExit(f"the timing run failed with status {outcome.returncode} (see {folder / 'timing'})")
    return outcome.seconds


def main() -> int:
    """Kill, recover, check; print the report and the SUMMARY line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--slugs", type=int, default=4, help=f"fake SPSE slugs (at most {len(YEAR_SLUGS)})")
    parser.add_argument("--packages", type=int, default=150, help="packages per slug")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", help="URL of an empty database; default SQLite in a temp folder")
    parser.add_argument("--workdir", type=Path, help="keep the world's files here")
    args = parser.parse_args()
    slugs = YEAR_SLUGS[: args.slugs]
    folder = args.workdir or Path(tempfile.mkdtemp(prefix="bench-crash-"))
    db_url = args.db or f"sqlite:///{folder / 'crash.sqlite'}"

    clean_seconds = measure_clean_run(folder, slugs, args.packages, args.seed)
    print(f"world: {len(slugs)} slugs × {args.packages} packages; one clean run takes {clean_seconds:.1f} s; "
          f"folder {folder}", flush=True)  # fmt: skip
    lock_problems: list[str] = []
    with CrashWorld(folder / "world", db_url, slugs=slugs, packages=args.packages, seed=args.seed) as world:
        for i, point in enumerate(kill_plan(args.kills, clean_seconds, args.seed), 1):
            outcome = world.killed_run(point)
            how = "killed" if outcome.killed else f"ended first with status {outcome.returncode}"
            print(f"kill {i:2d} {point.describe()}: {how} after {outcome.seconds:.2f} s; "
                  f"lock free {outcome.lock_free_after}; crawl children left {outcome.orphans or 'none'}",
                  flush=True)  # fmt: skip
            if outcome.returncode == 75 or not outcome.lock_free_after or outcome.orphans:
                lock_problems.append(f"kill {i}: {outcome}")
        final = world.clean_run()
        print(f"clean run: status {final.returncode} in {final.seconds:.1f} s", flush=True)

        world.fake.set_day(1)
        day1 = world.clean_run()
        tomorrow = dt.datetime.now(JAKARTA).date() + dt.timedelta(days=1)
        mail_kill = world.killed_run(KillPoint("mail", 1), kind="digest", day=tomorrow)
        second = world.clean_run(kind="digest", day=tomorrow)
        how = "killed at its first message" if mail_kill.killed else f"ended with {mail_kill.returncode}"
        print(f"day 2: run status {day1.returncode}; digest send {tomorrow} {how}, "
              f"then status {second.returncode}", flush=True)  # fmt: skip
        verdict = world.verdict()

    statuses = [final.returncode, day1.returncode, second.returncode]
    problems = lock_problems + verdict.problems
    problems += [f"a clean run/send ended with status {s}" for s in statuses if s != 0]
    print("checked:")
    print("  after each kill: the next run is not locked out (flock / advisory lock gone), no crawl child")
    print("  packages export == fake truth (construction packages, no duplicates); one lead per (site, code)")
    print("  every digest `sent`; each lead that had to go out reached its address under ONE Message-ID")
    for name, value in verdict.figures.items():
        print(f"  {name}: {value}")
    for problem in problems[:50]:
        print(f"PROBLEM {problem}")
    killed = sum(1 for o in world.outcomes[: args.kills] if o.killed)
    packages = verdict.figures["construction packages in truth"]
    print(f"SUMMARY kills={args.kills} killed={killed} packages={packages} "
          f"leads={verdict.figures['leads']} leads_out={verdict.figures['leads that had to go out']} "
          f"messages={verdict.figures['messages received']} resends={verdict.figures[RESENDS]} "
          f"problems={len(problems)} {'OK' if not problems else 'NOT OK'}")  # fmt: skip
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
