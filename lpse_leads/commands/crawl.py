"""`lpse-leads crawl`: run one channel's spider in this process, write JSON lines and stats, summarise.

`--source` picks the channel: `spse` (default; SPSE tender lists), `sirup` (SiRUP plans),
`ekatalog` (e-Katalog v6 construction purchases from data.inaproc.id's realisation table) or
`inaproc-api` (contracts from the keyed API Gateway; the token comes from `--api-token-env`'s
variable, never from the command line, and is never printed).

Scrapy's reactor cannot restart within one process, so callers that crawl repeatedly (the
scheduler, the end-to-end tests) start this command as a subprocess. Settings come from
crawler.settings (as `scrapy crawl` reads them) plus `-s NAME=VALUE` at "cmdline" priority.
Exit status: 0 when the crawl finished, every list was read and no site is `dark`; 1 otherwise;
2 for bad input. Each site's health verdict is printed; the operator (`mail.ops_to`) is told
when a verdict changed, unless `--no-notify` (`run` notifies once for all its crawls). The
verdicts' thresholds are the configuration's `[health]` table ($LPSE_LEADS_CONFIG,
`LPSE_LEADS_HEALTH_*`), unless `-s LPSE_HEALTH_THRESHOLDS=<JSON>` gives them (as `run` does).
"""

from __future__ import annotations

import argparse
import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

from crawler.inaproc_access import HOW_TO_GET_A_TOKEN, TOKEN_ENV, TOKEN_SETTING
from crawler.registry import NATIONAL_BASE, expand_sites
from lpse_leads.crawl_budget import BUDGET_REASONS, apply_budget, budget_rows
from lpse_leads.dbopt import add_db_argument, open_database, open_database_url, resolve_db_url
from lpse_leads.errors import UserError
from pipeline.health import THRESHOLDS_SETTING
from pipeline.health_rules import Thresholds

#: `--source` → the spider's dotted path (one Scrapy spider per channel).
SPIDERS = {
    "spse": "crawler.spiders.spse.SpseSpider",
    "sirup": "crawler.spiders.sirup.SirupSpider",
    "ekatalog": "crawler.spiders.ekatalog.EkatalogSpider",
    "inaproc-api": "crawler.spiders.inaproc_api.InaprocApiSpider",
}
#: Stats keys (prefixes) written by --stats and shown in the summary.
_FAILURE_PREFIXES = ("lpse/package_failed/", "lpse/list_failed/", "lpse/host_blocked/")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `crawl` to the CLI."""
    parser = subparsers.add_parser(
        "crawl",
        help="crawl construction packages from SPSE sites",
        description="Crawl construction packages (tender, non tender, darurat) of one fiscal year "
        "from one or more SPSE sites, politely.",
    )
    parser.add_argument(
        "--site",
        action="append",
        required=True,
        metavar="URL",
        help="site base URL, e.g. https://spse.inaproc.id/kemkes (repeatable); a slug of the LPSE "
        "registry (kemkes), or `all` for every LPSE of the registry (`lpse-leads sites list`)",
    )
    parser.add_argument(
        "--registry-base",
        metavar="URL",
        default=os.getenv("LPSE_LEADS_REGISTRY_BASE", NATIONAL_BASE),
        help="host that registry slugs and `all` are crawled on (default: $LPSE_LEADS_REGISTRY_BASE "
        f"or {NATIONAL_BASE}; a local fake SPSE in tests)",
    )
    parser.add_argument(
        "--plan",
        action="store_true",
        help="make only the list calls and print the requests and hours the crawl would spend; "
        "reads and stores no package",
    )
    parser.add_argument("--year", required=True, help="fiscal year (tahun anggaran), e.g. 2026")
    parser.add_argument(
        "--source",
        choices=tuple(SPIDERS),
        default="spse",
        help="channel: spse (default), sirup (plans), ekatalog (e-Katalog v6 construction purchases), "
        f"inaproc-api (keyed API contracts; token in ${TOKEN_ENV})",
    )
    parser.add_argument(
        "--instansi",
        default="",
        metavar="CODES",
        help="ekatalog: governments to read, e.g. D6,D107 (default: all)",
    )
    parser.add_argument("--jsonl", type=Path, metavar="FILE", help="write one JSON record per package")
    parser.add_argument("--stats", type=Path, metavar="FILE", help="write the crawl's stats as JSON")
    parser.add_argument("--full", action="store_true", help="ignore the incremental state; read all")
    parser.add_argument(
        "--max-requests",
        type=int,
        metavar="N",
        help="stop after N requests (lists first, then leads: contract, winner, the rest); "
        "the next run resumes where this one stopped",
    )
    parser.add_argument(
        "--until",
        metavar="HH:MM",
        help="stop at this time of day, Asia/Jakarta (same order; the next run resumes)",
    )
    parser.add_argument(
        "--no-notify",
        dest="notify",
        action="store_false",
        help="do not e-mail the operator (mail.ops_to) about sites that turned degraded or dark",
    )
    add_db_argument(parser)
    add_settings_argument(parser)
    parser.set_defaults(func=run)


def add_settings_argument(parser: argparse.ArgumentParser) -> None:
    """`-s NAME=VALUE` (repeatable): a Scrapy setting over the crawler's, for `crawl` and `probe`."""
    parser.add_argument(
        "-s",
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a Scrapy setting, as `scrapy crawl -s` does (repeatable)",
    )


def _settings(overrides: list[str], jsonl: Path | None) -> Any:
    """Project settings (crawler.settings) + `-s` overrides at cmdline priority + the JSONL feed."""
    from scrapy.utils.conf import arglist_to_dict
    from scrapy.utils.project import get_project_settings

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    settings = get_project_settings()
    try:
        settings.setdict(arglist_to_dict(overrides), priority="cmdline")
    except ValueError:
        raise UserError(f"-s takes NAME=VALUE, got {overrides!r}") from None
    if settings.getpriority("USER_AGENT") < settings.getpriority("LPSE_CONTACT_URL"):
        # A contact URL given after the defaults (-s, configuration) names us in the User-Agent;
        # an explicit -s USER_AGENT=… wins (e.g. to check what a refused agent sees).
        from crawler.useragent import bot_user_agent

        settings.set("USER_AGENT", bot_user_agent(settings.get("LPSE_CONTACT_URL")), priority="cmdline")
    if jsonl is not None:
        feed = {
            "format": "lpsejsonl",
            "item_classes": ["crawler.items.PackageItem", "crawler.items.PlanItem"],
            "overwrite": True,
        }
        settings.set("FEEDS", {str(jsonl.resolve()): feed}, priority="cmdline")
    return settings


def run(args: argparse.Namespace) -> int:
    """Validate the input, crawl, write --stats, print the summary."""
    from crawler.protocol import SiteUrlError, check_year, parse_sites

    try:
        sites = parse_sites(expand_sites(args.site, base=args.registry_base))
    except SiteUrlError as exc:
        raise UserError(str(exc)) from None
    try:
        year = check_year(args.year)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    settings = _settings(args.set, args.jsonl)
    apply_budget(settings, args.max_requests, args.until)
    given = settings.getpriority(THRESHOLDS_SETTING) is not None  # `run` gives its configuration's
    loaded = _config(args) if args.notify or not given else None
    thresholds = _given_thresholds(settings) if given or loaded is None else loaded.health
    settings.set(THRESHOLDS_SETTING, asdict(thresholds), priority="cmdline")
    config = loaded if args.notify and loaded is not None and loaded.mail.ops_to else None
    open_database(args).dispose()  # schema made current first (SQLite); PostgreSQL: one-line UserError
    settings.set("LPSE_LEADS_DB", resolve_db_url(args), priority="cmdline")
    settings.set("LPSE_STATE_LOADER", "pipeline.state.load_fingerprints", priority="project")
    settings.set("LPSE_RECORD_READER", "pipeline.state.record_reader", priority="project")
    settings.set("LPSE_PAGE_LENGTH_LOADER", "pipeline.page_lengths.load_page_lengths", priority="project")
    if args.plan:  # nothing to validate or store: the store would record an empty crawl run
        settings.set("ITEM_PIPELINES", {}, priority="cmdline")

    from scrapy.crawler import AsyncCrawlerProcess
    from scrapy.utils.misc import load_object

    kwargs: dict[str, Any] = {"site": ",".join(sites), "year": year, "full": "1" if args.full else ""}
    if args.plan and args.source != "spse":
        raise UserError("--plan predicts SPSE list calls; it has no meaning for --source " + args.source)
    if args.plan:
        kwargs["plan"] = "1"
    if args.source == "ekatalog" and args.instansi:
        kwargs["instansi"] = args.instansi
    if args.source == "inaproc-api":
        token = os.environ.get(TOKEN_ENV, "").strip()
        if not token:
            raise UserError(HOW_TO_GET_A_TOKEN)
        settings.set(TOKEN_SETTING, token, priority="cmdline")
    process = AsyncCrawlerProcess(settings)
    crawler = process.create_crawler(load_object(SPIDERS[args.source]))
    process.crawl(crawler, **kwargs)
    process.start()
    stats: dict[str, Any] = dict(crawler.stats.get_stats())
    if args.stats is not None:
        text = json.dumps(stats, indent=2, sort_keys=True, default=str)
        args.stats.write_text(text + "\n", encoding="utf-8")
    verdicts: dict[str, Any] = stats.get("lpse/verdicts") or {}  # pipeline.health.VERDICT_STATS
    if args.plan:
        print_plan(stats, settings, len(sites), year)
    else:
        print_summary(stats)
        print_health(verdicts)
    if config is not None and not args.plan:
        from lpse_leads.steps import notify_operator

        engine = open_database_url(config.db_url)
        try:
            outcome = notify_operator(config, engine)
        finally:
            engine.dispose()
        if outcome is not None and outcome.notices:
            print(outcome.line())
    failed = any(key.startswith(("lpse/list_failed/", "lpse/host_blocked/")) for key in stats)
    dark = any(v.get("verdict") == "dark" for v in verdicts.values())
    finished = stats.get("finish_reason") in ("finished", *BUDGET_REASONS)
    return 0 if finished and not failed and not dark else 1


def _config(args: argparse.Namespace) -> Any:
    """The configuration ($LPSE_LEADS_CONFIG, LPSE_LEADS_* variables), on this command's database."""
    from lpse_leads.config import load_config

    return load_config(None, overrides={"data.database_url": resolve_db_url(args)})


def _given_thresholds(settings: Any) -> Thresholds:
    """The health thresholds of `-s LPSE_HEALTH_THRESHOLDS=<JSON object>`, checked (exit 2 if bad)."""
    try:
        return Thresholds.from_mapping(settings.getdict(THRESHOLDS_SETTING))
    except (ValueError, TypeError) as exc:
        raise UserError(f"-s {THRESHOLDS_SETTING}: {exc}") from None


def print_health(verdicts: dict[str, Any]) -> None:
    """One line per site: its verdict and why (nothing when the crawl stored no verdicts)."""
    from rich.console import Console
    from rich.table import Table

    if not verdicts:
        return
    table = Table(title="site health", show_header=True)
    table.add_column("site", no_wrap=True)
    table.add_column("verdict")
    table.add_column("reasons", overflow="fold")
    colour = {"ok": "green", "degraded": "yellow", "dark": "red"}
    for site, verdict in sorted(verdicts.items()):
        word = verdict.get("verdict", "?")
        table.add_row(site, f"[{colour.get(word, 'white')}]{word}", "; ".join(verdict.get("reasons") or []))
    Console().print(table)


def summary_rows(stats: dict[str, Any]) -> list[tuple[str, str]]:
    """The crawl in a few lines: requests, responses by status, retries, packages, failures, time."""
    rows = [
        ("requests", str(stats.get("downloader/request_count", 0))),
        *[
            (f"responses {key.rsplit('/', 1)[1]}", str(value))
            for key, value in sorted(stats.items())
            if key.startswith("downloader/response_status_count/")
        ],
        ("retries", str(stats.get("retry/count", 0))),
        ("packages", str(stats.get("lpse/packages", 0))),
        ("unchanged (list only)", str(stats.get("lpse/list_unchanged", 0))),
        *[
            (key.removeprefix("lpse/"), str(value))
            for key, value in sorted(stats.items())
            if key.startswith(_FAILURE_PREFIXES) or key.startswith("item_dropped_reasons_count/")
        ],
        ("elapsed", f"{float(stats.get('elapsed_time_seconds', 0.0)):.1f} s"),
        ("finish reason", str(stats.get("finish_reason", "?"))),
        *budget_rows(stats),
    ]
    return rows


def page_length_rows(stats: dict[str, Any]) -> list[tuple[str, str]]:
    """Each host's page length as the crawl found or remembered it, and the check calls it made and saved."""
    from crawler.page_memory import PAGE_LENGTH_STATS
    from crawler.paging import Learned

    rows = []
    for host, value in sorted((stats.get(PAGE_LENGTH_STATS) or {}).items()):
        found = Learned.from_json(value)
        confirmed = f"{found.checked_at:%Y-%m-%d %H:%M} UTC"
        rows.append((f"page length {host}", f"{found.describe()}, confirmed {confirmed}"))
    made, saved = stats.get("lpse/list_probe", 0), stats.get("lpse/page_length/trusted", 0)
    if rows or made:
        rows.append(("check calls (short pages)", f"{made} made, {saved} saved by the stored page length"))
    return rows


def print_summary(stats: dict[str, Any]) -> None:
    """Print the summary table (rich)."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title="lpse-leads crawl", show_header=False)
    for label, value in summary_rows(stats):
        table.add_row(label, value)
    Console().print(table)


def configured_rate(settings: Any) -> float | None:
    """Requests per second the politeness settings allow on one host (None: no delay set)."""
    delay = settings.getfloat("DOWNLOAD_DELAY", 0.0)
    return 1.0 / delay if delay > 0 else None


def print_plan(stats: dict[str, Any], settings: Any, sites: int, year: int) -> None:
    """Print what a crawl of these sites and year would spend, from the list calls just made."""
    from rich.console import Console
    from rich.table import Table

    from crawler.plan import STAGE_CLASSES, plan_from_stats

    plan = plan_from_stats(stats, configured_rate(settings))
    table = Table(title=f"lpse-leads crawl --plan: {sites} site(s), {year}", show_header=False)
    table.add_row("list calls made", f"{plan['list_calls']:,}")
    for stage in STAGE_CLASSES:
        rows, requests = plan["rows"][stage], plan["detail_requests"][stage]
        table.add_row(f"rows {stage}", f"{rows:,} → {requests:,} detail requests")
    table.add_row("rows unchanged (list only)", f"{plan['unchanged_rows']:,}")
    for label, value in page_length_rows(stats):
        table.add_row(label, value)
    table.add_row("requests expected", f"{plan['requests']:,} (list calls + detail requests)")
    rate = plan["rate_per_second"]
    at_rate = f"{plan['hours_at_rate']:.2f} h at {rate:g} request/s" if rate else "no DOWNLOAD_DELAY set"
    table.add_row("time at the configured rate", at_rate)
    table.add_row("at 1 / 2 requests/s", f"{plan['hours_at'][1.0]:.2f} h / {plan['hours_at'][2.0]:.2f} h")
    Console().print(table)
