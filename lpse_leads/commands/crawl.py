"""`lpse-leads crawl`: run the SPSE spider in this process, write JSON lines and stats, summarise.

Scrapy's reactor cannot restart within one process, so callers that crawl repeatedly (the
scheduler, the end-to-end tests) start this command as a subprocess. Settings come from
crawler.settings (as `scrapy crawl` reads them) plus `-s NAME=VALUE` at "cmdline" priority.
Exit status: 0 when the crawl finished and every list was read; 1 otherwise; 2 for bad input.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

from lpse_leads.dbopt import add_db_argument, open_database, resolve_db_url
from lpse_leads.errors import UserError

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
        help="site base URL, e.g. https://spse.inaproc.id/kemkes (repeatable)",
    )
    parser.add_argument("--year", required=True, help="fiscal year (tahun anggaran), e.g. 2026")
    parser.add_argument("--jsonl", type=Path, metavar="FILE", help="write one JSON record per package")
    parser.add_argument("--stats", type=Path, metavar="FILE", help="write the crawl's stats as JSON")
    parser.add_argument("--full", action="store_true", help="ignore the incremental state; read all")
    add_db_argument(parser)
    parser.add_argument(
        "-s",
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a Scrapy setting, as `scrapy crawl -s` does (repeatable)",
    )
    parser.set_defaults(func=run)


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
    if jsonl is not None:
        feed = {"format": "lpsejsonl", "item_classes": ["crawler.items.PackageItem"], "overwrite": True}
        settings.set("FEEDS", {str(jsonl.resolve()): feed}, priority="cmdline")
    return settings


def run(args: argparse.Namespace) -> int:
    """Validate the input, crawl, write --stats, print the summary."""
    from crawler.protocol import SiteUrlError, check_year, parse_sites
    from lpse_leads.crawl_process import die_with_parent

    die_with_parent()  # started by `run` / `schedule`: never outlive it

    try:
        sites = parse_sites(args.site)
    except SiteUrlError as exc:
        raise UserError(str(exc)) from None
    try:
        year = check_year(args.year)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    settings = _settings(args.set, args.jsonl)
    open_database(args).dispose()  # schema made current first (SQLite); PostgreSQL: one-line UserError
    settings.set("LPSE_LEADS_DB", resolve_db_url(args), priority="cmdline")
    settings.set("LPSE_STATE_LOADER", "pipeline.state.load_fingerprints", priority="project")

    from scrapy.crawler import AsyncCrawlerProcess

    from crawler.spiders.spse import SpseSpider

    process = AsyncCrawlerProcess(settings)
    crawler = process.create_crawler(SpseSpider)
    process.crawl(crawler, site=",".join(sites), year=year, full="1" if args.full else "")
    process.start()
    stats: dict[str, Any] = dict(crawler.stats.get_stats())
    if args.stats is not None:
        text = json.dumps(stats, indent=2, sort_keys=True, default=str)
        args.stats.write_text(text + "\n", encoding="utf-8")
    print_summary(stats)
    failed = any(key.startswith(("lpse/list_failed/", "lpse/host_blocked/")) for key in stats)
    return 0 if stats.get("finish_reason") == "finished" and not failed else 1


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
    ]
    return rows


def print_summary(stats: dict[str, Any]) -> None:
    """Print the summary table (rich)."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title="lpse-leads crawl", show_header=False)
    for label, value in summary_rows(stats):
        table.add_row(label, value)
    Console().print(table)
