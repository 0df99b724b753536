"""Kill `lpse-leads run` with SIGKILL at chosen moments, then check what a clean run leaves behind.

Why a kit: the CI test (`tests/reliability/test_run_crash.py`, a few kills) and the full-size
benchmark (`bench/crash.py`, ten kills) do the same thing at different sizes. The world is real:
a `FakeSpse` on 127.0.0.1, an aiosmtpd SMTP server that records every message with its envelope
recipients, a TOML configuration, a registry CSV and a branch CSV generated from the fake's truth
(the demo's generators), and `python -m lpse_leads run --config FILE` as a child process that is
killed like an operator's `kill -9 PID` (the run process only, not its process group).

A kill point says when: a delay after start, a delay after the crawl child appeared, a delay
after the crawl child ended (lead build, digests), or the moment the SMTP server holds the n-th
message of this run (the message has left, its outcome is not recorded: the "crash between
intent and sent" of docs/digest.md). The check (`Verdict`) compares the database with the fake's
truth and the received mail with the leads.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from email.message import EmailMessage
from itertools import zip_longest
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from openpyxl import load_workbook
from sqlalchemy import func, select

from dbschema import upgrade
from digest.models import Digest
from leads.models import Branch, Lead
from leads.synthetic import noisy_registry, write_registry_csv
from lpse_leads.demo import FAST_SETTINGS, _toml_value, awarded, branch_table
from lpse_leads.lock import try_acquire
from pipeline.db import make_engine
from pipeline.models import Package, Site
from tests.db.test_crawl_store_e2e import assert_equal_to_truth, construction_truth, export
from tests.digest.conftest import RecordingHandler, free_port

ROOT = Path(__file__).resolve().parents[2]
YEAR = 2026
FALLBACK_TO = "kanwil-crash@example.invalid"
MAIL_FROM = "lpse-leads-crash@example.invalid"
#: Small store batches, so a kill during the crawl leaves a partly stored crawl behind.
#: The verdict's figure: messages received again under a Message-ID already received.
RESENDS = "resends (same Message-ID again)"
CRASH_SETTINGS = {**FAST_SETTINGS, "LPSE_STORE_BATCH_SIZE": 20, "LPSE_STORE_FLUSH_SECONDS": 0.5}


@dataclass(frozen=True)
class KillPoint:
    """When to SIGKILL a run: `kind` is delay | crawl | after_crawl | mail; `value` seconds or n."""

    kind: str
    value: float

    def describe(self) -> str:
        """Human words for the report."""
        words = {
            "delay": "{:.2f} s after start",
            "crawl": "{:.2f} s into the crawl child",
            "after_crawl": "{:.2f} s after the crawl child ended (leads/digests)",
            "mail": "when the SMTP server held message {:.0f} of the run",
        }
        return words[self.kind].format(self.value)


class KillingHandler(RecordingHandler):
    """Records every message (envelope recipients + parsed message); calls `on_message` after each."""

    def __init__(self) -> None:
        super().__init__()
        self.on_message: Any = None

    async def handle_DATA(self, server, session, envelope):
        answer = await super().handle_DATA(server, session, envelope)
        if self.on_message is not None:
            self.on_message()
        return answer


@dataclass
class RunOutcome:
    """One started run: how it was stopped and what the kernel said."""

    point: KillPoint | None
    returncode: int
    seconds: float
    killed: bool
    lock_free_after: bool | None = None
    orphans: list[int] = field(default_factory=list)


def children(pid: int) -> list[int]:
    """Direct child processes of `pid` (Linux /proc)."""
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as handle:
                found += [int(p) for p in handle.read().split()]
    except (FileNotFoundError, ProcessLookupError):
        pass
    return found


def alive(pid: int) -> bool:
    """True while `pid` exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


class CrashWorld:
    """Fake SPSE + SMTP recorder + inputs + configuration in `folder`; runs `lpse-leads run` there."""

    def __init__(self, folder: Path, db_url: str, *, slugs: tuple[str, ...], packages: int, seed: int):
        self.folder = folder
        self.db_url = db_url
        folder.mkdir(parents=True, exist_ok=True)
        engine = make_engine(db_url)
        upgrade(engine)  # as an operator does once (`lpse-leads db upgrade`); PostgreSQL requires it
        engine.dispose()
        from fake_spse import FakeSpse

        self.fake = FakeSpse(slugs=slugs, packages=packages, seed=seed, year=YEAR).start()
        self.handler = KillingHandler()
        self.smtp = Controller(self.handler, hostname="127.0.0.1", port=free_port())
        self.smtp.start()
        self.slugs = slugs
        records = awarded(self.fake.truth())
        registry = noisy_registry(records, fraction=0.4, decoys=0.3, seed=seed)
        write_registry_csv(folder / "registry.csv", registry.registrations)
        (folder / "branches.csv").write_text(branch_table(records), encoding="utf-8")
        self.config = folder / "crash.toml"
        self.config.write_text(self._config_text(), encoding="utf-8")
        self.outcomes: list[RunOutcome] = []
        self._kill_now = threading.Event()

    def _config_text(self) -> str:
        """The run's TOML: the fake's sites, this database, real SMTP on 127.0.0.1."""
        sites = ", ".join(f'"{self.fake.base_url(slug)}"' for slug in self.slugs)
        settings = "\n".join(f"{k} = {_toml_value(v)}" for k, v in CRASH_SETTINGS.items())
        return f"""[data]
home = "{self.folder}"
database_url = "{self.db_url}"

[crawl]
sites = [{sites}]
years = [{YEAR}]
timeout_minutes = 10

[crawl.settings]
{settings}

[leads]
registry_file = "registry.csv"
branches_file = "branches.csv"

[mail]
smtp_url = "smtp://127.0.0.1:{self.smtp.port}"
mail_from = "{MAIL_FROM}"
fallback_to = "{FALLBACK_TO}"
"""

    def close(self) -> None:
        """Stop the servers (and any crawl child a killed run left behind)."""
        for outcome in self.outcomes:
            for pid in outcome.orphans:
                if alive(pid):
                    os.kill(pid, signal.SIGKILL)
        self.smtp.stop()
        self.fake.stop()

    def __enter__(self) -> CrashWorld:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- running and killing ----------------------------------------------------------------

    def command(self, kind: str, day: dt.date | None = None) -> tuple[list[str], dict[str, str]]:
        """argv and extra environment of `run --config FILE`, or of `digest send --date DAY`."""
        if kind == "run":
            return [sys.executable, "-m", "lpse_leads", "run", "--config", str(self.config)], {}
        assert day is not None
        argv = [sys.executable, "-m", "lpse_leads", "digest", "send", "--date", day.isoformat()]
        return [*argv, "--db", self.db_url], {
            "LPSE_LEADS_SMTP_URL": f"smtp://127.0.0.1:{self.smtp.port}",
            "LPSE_LEADS_MAIL_FROM": MAIL_FROM,
            "LPSE_LEADS_FALLBACK_TO": FALLBACK_TO,
        }

    def start(self, label: str, kind: str = "run", day: dt.date | None = None) -> subprocess.Popen[bytes]:
        """The command as a child process (no inherited `LPSE_LEADS_*`), output into `<label>.out`."""
        argv, extra = self.command(kind, day)
        env = {k: v for k, v in os.environ.items() if not k.startswith("LPSE_LEADS_")}
        with (self.folder / f"{label}.out").open("wb") as out:
            return subprocess.Popen(
                argv,
                cwd=ROOT,
                env={**env, **extra, "COLUMNS": "200"},
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )

    def clean_run(self, timeout: float = 300, kind: str = "run", day: dt.date | None = None) -> RunOutcome:
        """A run (or `digest send` for `day`) left to finish; its outcome."""
        started = time.monotonic()
        process = self.start(f"{kind}{len(self.outcomes) + 1}-clean", kind, day)
        returncode = process.wait(timeout=timeout)
        outcome = RunOutcome(None, returncode, time.monotonic() - started, killed=False)
        self.outcomes.append(outcome)
        return outcome

    def killed_run(
        self, point: KillPoint, timeout: float = 300, kind: str = "run", day: dt.date | None = None
    ) -> RunOutcome:
        """A run (or `digest send`) SIGKILLed at `point` (or finished first); is the run lock free after?"""
        started = time.monotonic()
        self._kill_now.clear()
        mail_seen = [0]

        def on_message() -> None:
            mail_seen[0] += 1
            if point.kind == "mail" and mail_seen[0] >= point.value:
                os.kill(process.pid, signal.SIGKILL)  # before the server answers 250
                self._kill_now.set()

        process = self.start(f"{kind}{len(self.outcomes) + 1}-{point.kind}", kind, day)
        self.handler.on_message = on_message
        crawl_children: set[int] = set()
        try:
            self._wait_and_kill(process, point, started, crawl_children, timeout)
        finally:
            self.handler.on_message = None
        returncode = process.wait(timeout=timeout)
        killed = returncode == -signal.SIGKILL
        orphans = self._survivors(crawl_children)
        outcome = RunOutcome(point, returncode, time.monotonic() - started, killed, orphans=orphans)
        outcome.lock_free_after = self.lock_is_free()
        self.outcomes.append(outcome)
        return outcome

    def _wait_and_kill(
        self,
        process: subprocess.Popen[bytes],
        point: KillPoint,
        started: float,
        crawl_children: set[int],
        timeout: float,
    ) -> None:
        """Poll the run (every 10 ms) until its kill moment; SIGKILL it then."""
        crawl_started: float | None = None
        crawl_ended: float | None = None
        while process.poll() is None and time.monotonic() - started < timeout:
            now = time.monotonic()
            kids = children(process.pid)
            crawl_children.update(kids)
            if kids and crawl_started is None:
                crawl_started = now
            if crawl_started is not None and crawl_ended is None and not kids:
                crawl_ended = now
            since = {"delay": started, "crawl": crawl_started, "after_crawl": crawl_ended}.get(point.kind)
            if (since is not None and now - since >= point.value) or self._kill_now.is_set():
                if process.poll() is None:
                    os.kill(process.pid, signal.SIGKILL)
                return
            time.sleep(0.01)

    @staticmethod
    def _survivors(pids: set[int], grace: float = 3.0) -> list[int]:
        """Crawl children still alive `grace` seconds after their run died (none, if they die with it).

        A child killed before it reached `die_with_parent` (Python still starting on a loaded
        machine) kills itself when it gets there; the grace lets it, and is still far shorter
        than a crawl that went on writing.
        """
        deadline = time.monotonic() + grace
        while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.02)
        return sorted(pid for pid in pids if alive(pid))

    def lock_is_free(self) -> bool:
        """Can a new run take the run lock right now (flock / advisory lock released by the kill)?"""
        for _ in range(50):  # a PostgreSQL backend ends a moment after its client's socket closes
            held = try_acquire(self.db_url, self.folder)
            if held is not None:
                held.release()
                return True
            time.sleep(0.1)
        return False

    def wait_for_orphans(self, timeout: float = 120) -> None:
        """Let crawl children of killed runs finish (they are not part of the next run)."""
        deadline = time.monotonic() + timeout
        for outcome in self.outcomes:
            for pid in outcome.orphans:
                while alive(pid) and time.monotonic() < deadline:
                    time.sleep(0.1)

    # --- the check ----------------------------------------------------------------------------

    def verdict(self) -> Verdict:
        """Compare the database with the truth and the received mail with the leads."""
        return Verdict.of(self)


def kill_plan(count: int, clean_seconds: float, seed: int) -> list[KillPoint]:
    """`count` kill points over the phases, in an order where each can still hit something.

    All runs fall on one digest day, and a run that finishes has sent that day's digests, so
    the kills that need work left go first: random delays (0..0.8 T; later runs are shorter than
    the measured first one) and kills inside the crawl; then a kill at the first message (the
    next run must resend it); then kills just after the crawl (lead build, digests) alternating
    with kills at the first or second message of a run.
    """
    rng = random.Random(seed)
    mail = max(1, count * 3 // 10)
    after = max(1, count // 5)
    early = max(0, count - mail - after)
    plan = [
        KillPoint("delay", rng.uniform(0.0, 0.8 * clean_seconds))
        if i % 2
        else KillPoint("crawl", rng.uniform(0.1, 2.0))
        for i in range(early)
    ]
    plan.append(KillPoint("mail", 1))
    afters = [KillPoint("after_crawl", rng.uniform(0.0, 0.3)) for _ in range(after)]
    mails = [KillPoint("mail", float(rng.randint(1, 2))) for _ in range(mail - 1)]
    for pair in zip_longest(afters, mails):
        plan += [point for point in pair if point is not None]
    return plan[:count]


def _attachment_codes(message: EmailMessage, sheet: str) -> list[tuple[str, str]]:
    """(site, code) of every row of one sheet of the digest's XLSX attachment."""
    for part in message.iter_attachments():
        if (part.get_filename() or "").endswith(".xlsx"):
            book = load_workbook(io.BytesIO(part.get_content()), read_only=True)
            rows = list(book[sheet].iter_rows(values_only=True))
            header = list(rows[0])
            site, code = header.index("site"), header.index("code")
            return [(str(r[site]), str(r[code])) for r in rows[1:]]
    raise AssertionError(f"message {message['Message-ID']} has no XLSX attachment")


@dataclass
class Verdict:
    """What the clean run left: problems found (empty = all good) and the figures checked."""

    problems: list[str]
    figures: dict[str, int]

    @classmethod
    def of(cls, world: CrashWorld) -> Verdict:
        """Run every check; collect problems instead of stopping at the first."""
        problems: list[str] = []
        truth = construction_truth(world.fake)
        try:
            assert_equal_to_truth(export(world.db_url), truth)
        except AssertionError as exc:
            problems.append(f"packages export differs from the fake's truth: {exc}")
        engine = make_engine(world.db_url)
        with engine.connect() as connection:
            leads = connection.execute(
                select(Site.url, Package.code, Lead.status, Lead.route, Lead.branch_code)
                .join(Package, Package.id == Lead.package_id)
                .join(Site, Site.id == Package.site_id)
            ).all()
            emails = dict(connection.execute(select(Branch.code, Branch.emails)).all())
            digests = Counter(connection.scalars(select(Digest.status)))
            in_digests = connection.execute(select(func.count()).select_from(Digest)).scalar_one()
        engine.dispose()
        per_key = Counter((site, code) for site, code, *_ in leads)
        problems += [f"lead {key} exists {n} times" for key, n in per_key.items() if n > 1]
        if set(digests) - {"sent"}:
            problems.append(f"digests not all sent: {dict(digests)}")

        # recipient → (site, code) → Message-IDs of the messages whose "Baru" sheet has the lead
        new_ids: dict[str, dict[tuple[str, str], set[str]]] = defaultdict(lambda: defaultdict(set))
        copies: Counter[str] = Counter()
        for _sender, recipients, message in world.handler.messages:
            message_id = str(message["Message-ID"])
            copies[message_id] += 1
            for key in _attachment_codes(message, "Baru"):
                for rcpt in recipients:
                    new_ids[rcpt.lower()][key].add(message_id)
        for rcpt, by_lead in new_ids.items():
            for key, ids in by_lead.items():
                if len(ids) > 1:
                    problems.append(f"{rcpt} got lead {key} under {len(ids)} Message-IDs: {sorted(ids)}")

        expected = 0
        for site, code, status, route, branch in leads:
            address = (emails.get(branch) or "").lower() if route == "branch" else FALLBACK_TO
            if status in ("registered", "dismissed") or not address:
                continue
            expected += 1
            got = new_ids.get(address, {}).get((site, code), set())
            if len(got) != 1:
                problems.append(f"lead {site} {code} ({status}) reached {address} in {len(got)} digests")
            if status == "new":
                problems.append(f"lead {site} {code} still new after the clean run")
        return cls(
            problems,
            {
                "construction packages in truth": len(truth),
                "leads": len(leads),
                "leads that had to go out": expected,
                "digests": in_digests,
                "messages received": len(world.handler.messages),
                "distinct Message-IDs": len(copies),
                RESENDS: sum(n - 1 for n in copies.values()),
                "runs killed": sum(1 for o in world.outcomes if o.killed),
            },
        )
