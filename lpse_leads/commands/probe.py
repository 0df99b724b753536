"""`lpse-leads probe --site URL`: can the crawler read this SPSE site from this machine?

About ten requests, spaced by the crawler's politeness and sent with its User-Agent and headers
(`crawler.spiders.probe`): listing page, token, one small call per list, one package's
announcement and its tabs. Prints one row per request and the likely cause of any failure;
saves every answer under --out. Exit 0 only when every step worked, 1 otherwise, 2 for bad input.
Run it from the production machine before the first schedule (README, Operations).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from lpse_leads.commands.crawl import add_settings_argument
from lpse_leads.commands.run import add_config_argument
from lpse_leads.errors import UserError


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `probe` to the CLI."""
    parser = subparsers.add_parser(
        "probe",
        help="check that the crawler can read one SPSE site from here (about 10 requests)",
        description="Check one SPSE site the way the crawler reads it: listing page, token, one small "
        "list call per list kind, one package's announcement and its tabs. Prints a row per request "
        "and the likely cause of a failure. Exit 0 only when every step works.",
    )
    parser.add_argument(
        "--site", required=True, metavar="URL", help="site base URL, e.g. https://spse.inaproc.id/kemkes"
    )
    parser.add_argument(
        "--year", help="fiscal year of the lists (default: the configuration's first, else this year)"
    )
    add_config_argument(parser)
    parser.add_argument("--out", type=Path, metavar="DIR", help="save every response (and probe.json) here")
    add_settings_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Probe the site in this process (one Scrapy run), print the table and the diagnosis."""
    from crawler import probe, protocol
    from domain.dates import JAKARTA
    from lpse_leads.commands.crawl import _settings as crawler_settings  # the crawl command's own settings
    from lpse_leads.config import load_config
    from lpse_leads.crawl_process import _setting_text as setting_text  # `-s` text of a value
    from lpse_leads.run import _crawl_settings as configured_settings  # what `run` gives its crawl

    crawl = load_config(args.config).crawl
    try:
        site = protocol.normalise_site(args.site)
        year = protocol.check_year(args.year or (crawl.years or (dt.datetime.now(JAKARTA).year,))[0])
    except ValueError as exc:
        raise UserError(str(exc)) from None
    # The scheduled crawl's settings (configuration), then -s on top, exactly as `run` passes them.
    configured = [f"{name}={setting_text(value)}" for name, value in configured_settings(crawl).items()]
    settings = crawler_settings([*configured, *args.set], None)
    # A probe stores nothing and reads no incremental state; quiet unless -s LOG_LEVEL says otherwise.
    settings.set("ITEM_PIPELINES", {}, priority="cmdline")
    settings.set("LPSE_LEADS_DB", None, priority="cmdline")
    settings.set("LOG_LEVEL", "ERROR", priority="spider")
    # Each answer as the site gave it: no retries (robots.txt included: a dead host answers at once).
    settings.set("RETRY_TIMES", 0, priority="cmdline")
    user_agent = str(settings.get("USER_AGENT"))

    from scrapy.crawler import AsyncCrawlerProcess

    from crawler.spiders.probe import ProbeSpider

    process = AsyncCrawlerProcess(settings)
    crawler = process.create_crawler(ProbeSpider)
    process.crawl(crawler, site=site, year=year, out=str(args.out or ""))
    process.start()
    spider: Any = crawler.spider
    steps: list[probe.Step] = spider.steps
    causes = probe.diagnose(steps, user_agent)
    requests = int(crawler.stats.get_value("downloader/request_count", 0))
    _print(site, year, user_agent, steps, causes, requests, args.out)
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        report = {
            "site": site,
            "year": year,
            "user_agent": user_agent,
            "requests": requests,
            "steps": [s.as_dict() for s in steps],
            "diagnosis": causes,
        }
        (args.out / "probe.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0 if causes == [probe.ALL_OK] else 1


def _print(
    site: str,
    year: int,
    user_agent: str,
    steps: list[Any],
    causes: list[str],
    requests: int,
    out: Path | None,
) -> None:
    """The step table, then the diagnosis."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from crawler import probe

    console = Console(width=None if sys.stdout.isatty() else 200)  # a log file gets unwrapped rows
    table = Table(title=f"lpse-leads probe {site} (year {year})")
    for column in ("step", "URL (after the site)", "status", "bytes", "verdict", "found", "missing", "note"):
        table.add_column(column, overflow="fold")
    for s in steps:
        colour = "green" if s.verdict == probe.OK else "red"
        table.add_row(
            escape(s.name),
            escape(s.url.removeprefix(site) or s.url),
            str(s.status) if s.status is not None else "-",
            str(s.size),
            f"[{colour}]{s.verdict}[/{colour}]",
            escape(", ".join(s.found) or "-"),
            escape(", ".join(s.missing) or "-"),
            escape(s.note),
        )
    console.print(table)
    console.print(f"User-Agent: {escape(user_agent)}")
    console.print(f"Requests sent: {requests} (robots.txt included)")
    if out is not None:
        console.print(f"Responses saved in {out}")
    for cause in causes:
        mark = "[green]OK[/green]" if cause == probe.ALL_OK else "[red]PROBLEM[/red]"
        console.print(f"{mark} {escape(cause)}", highlight=False)
