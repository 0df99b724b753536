"""`lpse-leads health [--json]`: every crawled site's latest verdict — ok, degraded or dark — and why.

One row per site (and fiscal year, when several are crawled): `site`, `verdict`, `reasons`,
`last_ok` (when its last `ok` crawl finished), plus `year`, `checked_at` and `crawl_run_id`.
Worst first. Exit status 0 when every site is `ok`, 1 when any is degraded or dark (so a
monitoring system can run it as a check), 2 for a bad database URL.
"""

from __future__ import annotations

import argparse
import json

from lpse_leads.dbopt import add_db_argument, open_database


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `health`."""
    parser = subparsers.add_parser(
        "health",
        help="each site's latest crawl verdict (ok, degraded, dark) and why",
        description="Show every crawled site's latest health verdict, its reasons and its last ok crawl. "
        "Exit status 1 when any site is degraded or dark.",
    )
    parser.add_argument("--json", action="store_true", help="print a JSON array, one object per site")
    add_db_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the verdicts (a table, or JSON)."""
    from pipeline.health import site_status

    engine = open_database(args, immediate=False)
    try:
        status = site_status(engine)
    finally:
        engine.dispose()
    if args.json:
        print(json.dumps([s.as_json() for s in status], indent=2, ensure_ascii=False))
    else:
        _print_table(status)
    return 0 if all(s.verdict == "ok" for s in status) else 1


def _print_table(status: list) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not status:
        console.print("No crawl has recorded site health yet (run `lpse-leads crawl` or `lpse-leads run`).")
        return
    table = Table(title="lpse-leads health")
    for name in ("site", "year", "verdict", "reasons", "last ok"):
        table.add_column(name, overflow="fold")
    colour = {"ok": "green", "degraded": "yellow", "dark": "red"}
    for s in status:
        last_ok = s.last_ok.strftime("%Y-%m-%d %H:%M UTC") if s.last_ok else "never"
        reasons = "\n".join(s.reasons)
        table.add_row(s.site, str(s.year or ""), f"[{colour[s.verdict]}]{s.verdict}", reasons, last_ok)
    console.print(table)
