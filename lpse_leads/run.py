"""The whole job once: reference files → crawl (child process) → leads → digests, then a summary.

Why here: `lpse-leads run`, `lpse-leads run --demo` and the scheduler's daily job are the
same sequence; only the caller differs (a terminal with a progress display, or a log). Each
step records what it did in a `RunSummary`; a failed step is written down and the steps that
can still do useful work carry on (a crawl that fails for one site still leaves the other
sites' packages to turn into leads), but nothing is e-mailed after the leads step failed.
The outcome is stored as a `crawl_runs` row (status `ok` / `failed`) beside the rows the
crawls themselves write, and logged.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import Engine

from crawler.inaproc_access import HOW_TO_GET_A_TOKEN, TOKEN_ENV
from crawler.registry import expand_sites
from domain.dates import JAKARTA
from lpse_leads import steps
from lpse_leads.config import AppConfig, CrawlConfig
from lpse_leads.crawl_process import CrawlRequest, run_crawl
from lpse_leads.dbopt import open_database_url
from lpse_leads.errors import UserError
from pipeline.health import THRESHOLDS_SETTING, VERDICT_STATS
from pipeline.runs import finish_run, redact_url, start_run

log = logging.getLogger(__name__)


@dataclass
class RunSummary:
    """What one run did: packages, leads per branch, e-mails, failures."""

    started_at: dt.datetime
    sites: tuple[str, ...]
    years: tuple[int, ...]
    db_url: str
    outbox: str
    packages_seen: int = 0
    packages_new: int = 0
    packages_changed: int = 0
    leads_per_branch: dict[str, int] = field(default_factory=dict)
    emails_sent: int = 0
    emails_written: int = 0
    email_files: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    #: What the operator should know that is not a failure (e.g. the API skipped without a token).
    notes: list[str] = field(default_factory=list)
    #: `(site, year)` → `{"verdict", "reasons"}` from each crawl (crawler/health.py, pipeline/health.py).
    site_health: dict[tuple[str, int], dict[str, Any]] = field(default_factory=dict)
    operator: str = ""
    finished_at: dt.datetime | None = None
    run_id: int | None = None

    @property
    def status(self) -> str:
        """`ok` when every step succeeded, else `failed`."""
        return "failed" if self.failures else "ok"

    def add_crawl_stats(self, stats: dict[str, Any]) -> str:
        """Add one crawl child's store counters (`lpse/store/*`) to the totals; returns them as text."""

        def count(name: str) -> int:
            return int(stats.get(f"lpse/store/{name}", 0) or 0)

        seen = count("inserted") + count("changed") + count("unchanged") + count("seen")
        self.packages_new += count("inserted")
        self.packages_changed += count("changed")
        self.packages_seen += seen
        return f"{seen} packages seen, {count('inserted')} new, {count('changed')} changed"

    def add_site_health(self, year: int, verdicts: dict[str, Any]) -> list[str]:
        """Keep one crawl's site verdicts; returns a failure line per `dark` site (it names the site)."""
        dark = []
        for site, verdict in sorted(verdicts.items()):
            self.site_health[(site, year)] = verdict
            if verdict.get("verdict") == "dark":
                dark.append(f"{site} ({year}) dark: {'; '.join(verdict.get('reasons') or [])}")
        return dark

    def sites_with(self, verdict: str) -> list[tuple[str, int]]:
        """The (site, year) pairs whose verdict is `verdict`."""
        return [key for key, v in sorted(self.site_health.items()) if v.get("verdict") == verdict]

    def as_stats(self) -> dict[str, Any]:
        """Flat JSON values for the `crawl_runs.stats` column (no passwords)."""
        flat: dict[str, Any] = {
            "kind": "run",
            "run/years": ",".join(map(str, self.years)),
            "run/packages_seen": self.packages_seen,
            "run/packages_new": self.packages_new,
            "run/packages_changed": self.packages_changed,
            "run/leads": sum(self.leads_per_branch.values()),
            "run/emails_sent": self.emails_sent,
            "run/emails_written": self.emails_written,
            "run/failures": len(self.failures),
            "run/sites_ok": len(self.sites_with("ok")),
            "run/sites_degraded": len(self.sites_with("degraded")),
            "run/sites_dark": len(self.sites_with("dark")),
        }
        flat.update({f"run/leads/{branch}": n for branch, n in sorted(self.leads_per_branch.items())})
        flat.update({f"run/failure/{i}": text for i, text in enumerate(self.failures, 1)})
        return flat

    def add_digests(self, outcome: steps.DigestOutcome) -> None:
        """Count the digests one send delivered (SMTP → sent, outbox → written)."""
        if outcome.by_smtp:
            self.emails_sent += outcome.delivered
        else:
            self.emails_written += outcome.delivered

    def one_line(self) -> str:
        """The outcome in one log line."""
        return (
            f"run {self.status}: {self.packages_seen} packages seen, {self.packages_new} new, "
            f"{self.packages_changed} changed; {sum(self.leads_per_branch.values())} leads in "
            f"{len(self.leads_per_branch)} queues; {self.emails_sent} e-mails sent, "
            f"{self.emails_written} written; {len(self.failures)} failures"
            + "".join(
                f"; {verdict}: {', '.join(site for site, _ in self.sites_with(verdict))}"
                for verdict in ("dark", "degraded")
                if self.sites_with(verdict)
            )
        )


class StepDisplay:
    """Progress of the run's steps: a rich spinner per step on a terminal, log lines always."""

    def __init__(self, console: Console | None) -> None:
        self.progress = (
            Progress(
                SpinnerColumn(finished_text=" "),
                TextColumn("{task.description}"),
                TimeElapsedColumn(),
                console=console,
            )
            if console is not None
            else None
        )

    def __enter__(self) -> StepDisplay:
        if self.progress is not None:
            self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.stop()

    @contextmanager
    def step(self, title: str, summary: RunSummary) -> Iterator[Callable[[str], None]]:
        """Run one step; yields `note(text)` to show a result; an exception becomes a failure."""
        task = self.progress.add_task(title, total=1) if self.progress is not None else None
        log.info("%s …", title)
        notes: list[str] = []
        failed = False

        def note(text: str) -> None:
            notes.append(text)
            if self.progress is not None and task is not None:
                self.progress.update(task, description=f"{title}: {text}")

        try:
            yield note
        except UserError as exc:
            failed = True
            summary.failures.append(f"{title}: {exc}")
        except Exception as exc:  # a failed step is recorded, the run goes on or stops cleanly
            failed = True
            if self.progress is None:  # on a terminal the display and the summary name the failure
                log.error("%s failed: %s", title, exc, exc_info=True)
            summary.failures.append(f"{title}: {type(exc).__name__}: {exc}")
        finally:
            if self.progress is not None and task is not None:
                mark, result = ("[red]✗", "failed") if failed else ("[green]✓", ", ".join(notes) or "done")
                text = f"{mark}[/] {title}: {result}"
                self.progress.update(task, completed=1, description=text)
            log.info("%s: %s", title, "failed" if failed else ", ".join(notes) or "done")


def crawl_years(config: AppConfig) -> tuple[int, ...]:
    """The configured fiscal years, else this year in Asia/Jakarta."""
    return config.crawl.years or (dt.datetime.now(JAKARTA).year,)


def run_once(
    config: AppConfig,
    *,
    stop: threading.Event | None = None,
    console: Console | None = None,
    today: dt.date | None = None,
    engine: Engine | None = None,
) -> RunSummary:
    """Run every step once and record the outcome; the caller holds the run lock.

    Every step works on one engine: the caller's (the scheduler keeps one for its process), or
    one opened here and disposed at the end.
    """
    if not config.crawl.sites and "spse" in config.crawl.sources:
        raise UserError("no SPSE sites to crawl: set crawl.sites in the configuration or pass --site URL")
    stop = stop or threading.Event()
    today = today or dt.datetime.now(JAKARTA).date()
    own_engine = engine is None
    engine = engine if engine is not None else open_database_url(config.db_url)
    summary = RunSummary(
        started_at=dt.datetime.now(dt.UTC),
        sites=config.crawl.sites,
        years=crawl_years(config),
        db_url=config.db_url,
        outbox=str(config.outbox),
    )
    years = summary.years
    summary.run_id = start_run(engine, list(config.crawl.sites), years[0] if len(years) == 1 else None)
    try:
        with StepDisplay(console) as display:
            _steps(config, engine, summary, display, stop, today)
    finally:
        summary.finished_at = dt.datetime.now(dt.UTC)
        finish_run(engine, summary.run_id, summary.status, summary.as_stats())
        if own_engine:
            engine.dispose()
        level = logging.INFO if summary.status == "ok" or console else logging.WARNING
        log.log(level, "%s", summary.one_line())
    return summary


def crawl_plan(config: AppConfig, years: tuple[int, ...]) -> list[tuple[int, str, tuple[str, ...]]]:
    """(year, source, sites) of each crawl of a run: SPSE sites, then SiRUP, e-Katalog, the API."""
    sites = {
        "spse": config.crawl.sites,
        "sirup": (config.inaproc.sirup_site,),
        "ekatalog": (config.inaproc.data_site,),
        "inaproc-api": (config.inaproc.data_site,),
    }
    return [(year, source, sites[source]) for year in years for source in config.crawl.sources]


def crawl_label(year: int, source: str, sites: tuple[str, ...]) -> str:
    """The step's title: SPSE sites counted as the crawl reads them (`all` is every registry LPSE)."""
    if source != "spse":
        return f"Crawl {source}, {year}"
    return f"Crawl {len(expand_sites(sites))} site(s), {year}"


def _crawl_settings(crawl: CrawlConfig) -> dict[str, Any]:
    """The `-s` overrides of the crawl: the configured ones plus the contact URL for the User-Agent."""
    settings = dict(crawl.settings)
    if crawl.contact_url:
        settings.setdefault("LPSE_CONTACT_URL", crawl.contact_url)
    return settings


def _child_settings(config: AppConfig) -> dict[str, Any]:
    """The crawl child's `-s` overrides, with the health thresholds the child judges its sites by."""
    return {**_crawl_settings(config.crawl), THRESHOLDS_SETTING: json.dumps(asdict(config.health))}


def _steps(
    config: AppConfig,
    engine: Engine,
    summary: RunSummary,
    display: StepDisplay,
    stop: threading.Event,
    today: dt.date,
) -> None:
    """The steps in order; leads and digests only when their inputs are there."""
    if config.leads.branches_file or config.leads.registry_file:
        with display.step("Reference files", summary) as note:
            steps.import_reference(config, engine, note)
    for year, source, sites in crawl_plan(config, summary.years):
        if stop.is_set():
            summary.failures.append("run stopped before the crawl")
            return
        if source == "inaproc-api" and not config.inaproc.api_token:
            summary.notes.append(f"INAPROC API not crawled: {HOW_TO_GET_A_TOKEN}")
            continue
        label = crawl_label(year, source, sites)
        with display.step(label, summary) as note:
            crawl = config.crawl
            env = {"LPSE_LEADS_HOME": str(config.data.home)}
            if source == "inaproc-api":
                env[TOKEN_ENV] = config.inaproc.api_token
            instansi = config.inaproc.instansi if source == "ekatalog" else ()
            result = run_crawl(
                CrawlRequest(
                    sites, year, config.db_url, crawl.full, _child_settings(config), source, instansi
                ),
                config.data.home / "logs",
                timeout_seconds=config.crawl.timeout_minutes * 60,
                stop=stop,
                env=env,
            )
            note(summary.add_crawl_stats(result.stats))
            dark = summary.add_site_health(year, result.stats.get(VERDICT_STATS) or {})
            if dark:
                raise UserError("; ".join(dark))
            if result.failure:
                raise UserError(result.failure)
    if config.mail.ops_to and summary.site_health:
        with display.step("Operator notice", summary) as note:
            outcome = steps.notify_operator(config, engine)
            if outcome is not None:
                summary.operator = outcome.line()
                note(summary.operator)
                if outcome.notices and not outcome.sent:
                    raise UserError(outcome.line())
    if stop.is_set():
        summary.failures.append("run stopped after the crawl")
        return
    before = len(summary.failures)
    with display.step("Leads", summary) as note:
        summary.leads_per_branch = steps.build_leads(engine, today, note)
    if len(summary.failures) > before:
        return
    with display.step("Digests", summary) as note:
        try:
            summary.add_digests(steps.send_digests(config, engine, today, note))
        except steps.DigestsFailed as exc:
            summary.add_digests(exc.outcome)
            raise


def print_summary(summary: RunSummary, console: Console) -> None:
    """The final summary table: packages, leads per branch, e-mails, failures, where things are."""
    table = Table(title=f"lpse-leads run — {summary.status}", show_header=False)
    table.add_column(no_wrap=True)
    table.add_column(overflow="fold")
    table.add_row("packages seen", str(summary.packages_seen))
    table.add_row("packages new", str(summary.packages_new))
    table.add_row("packages changed", str(summary.packages_changed))
    for branch, count in sorted(summary.leads_per_branch.items()):
        table.add_row(f"leads {branch}", str(count))
    if not summary.leads_per_branch:
        table.add_row("leads", "0")
    table.add_row("e-mails sent (SMTP)", str(summary.emails_sent))
    table.add_row("e-mails written (outbox)", str(summary.emails_written))
    ok = summary.sites_with("ok")
    if ok:
        table.add_row("sites ok", str(len(ok)))
    for verdict, colour in (("degraded", "yellow"), ("dark", "red")):
        for site, year in summary.sites_with(verdict):
            reasons = "; ".join(summary.site_health[(site, year)].get("reasons") or [])
            table.add_row(f"[{colour}]site {verdict}", f"{site} ({year}): {reasons}")
    if summary.operator:
        table.add_row("operator", summary.operator)
    table.add_row("database", redact_url(summary.db_url))
    table.add_row("outbox", summary.outbox)
    for text in summary.notes:
        table.add_row("note", text)
    for failure in summary.failures:
        table.add_row("[red]failure", failure)
    console.print(table)
