"""`lpse-leads db upgrade` and `lpse-leads db stats [--json]`: the lead database's schema and size.

`upgrade` is how a PostgreSQL database gets its schema (SQLite files are upgraded by any
command that needs them). `stats` shows rows per table, packages per site, packages and plans
per source (channel) and the last crawl.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from sqlalchemy import Engine, func, inspect, select, table

from dbschema import current_revision, head_revision, upgrade
from lpse_leads.dbopt import add_db_argument, open_database
from pipeline.models import CrawlRun, Package, Plan, Site


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `db upgrade` and `db stats`."""
    parser = subparsers.add_parser("db", help="the lead database: schema upgrade and statistics")
    sub = parser.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    up = sub.add_parser("upgrade", help="apply pending schema migrations (needed for PostgreSQL)")
    add_db_argument(up)
    up.set_defaults(func=run_upgrade)
    st = sub.add_parser("stats", help="rows per table, packages per site, last crawl run")
    add_db_argument(st)
    st.add_argument("--json", action="store_true", help="print JSON instead of tables")
    st.set_defaults(func=run_stats)


def run_upgrade(args: argparse.Namespace) -> int:
    """Migrate to the newest schema and say from where to where."""
    engine = open_database(args, migrate=False)
    try:
        before = current_revision(engine)
        upgrade(engine)
        print(f"database {engine.url!r}: schema {before or 'empty'} → {head_revision()}")
    finally:
        engine.dispose()
    return 0


def collect_stats(engine: Engine) -> dict[str, Any]:
    """Rows per table (every table in the database), packages per site and the last crawl run."""
    with engine.connect() as connection:
        names = sorted(set(inspect(connection).get_table_names()) - {"alembic_version"})
        tables = {
            name: connection.execute(select(func.count()).select_from(table(name))).scalar_one()
            for name in names
        }
        per_site = connection.execute(
            select(Site.url, func.count(Package.id))
            .join(Package, Package.site_id == Site.id, isouter=True)
            .group_by(Site.url)
            .order_by(Site.url)
        ).all()
        channel = func.coalesce(Package.source, "spse")
        per_source = connection.execute(
            select(channel, func.count(Package.id)).group_by(channel).order_by(channel)
        ).all()
        plans = connection.execute(select(func.count(Plan.id))).scalar_one()
        run = connection.execute(select(CrawlRun).order_by(CrawlRun.id.desc()).limit(1)).first()
    last = None
    if run is not None:
        r = run
        last = {
            "id": r.id,
            "started_at": r.started_at.isoformat(),
            "finished_at": r.finished_at.isoformat() if r.finished_at else None,
            "status": r.status,
            "sites": r.sites,
            "year": r.year,
            "full": r.full,
            "requests": (r.stats or {}).get("downloader/request_count"),
            "packages_stored": (r.stats or {}).get("lpse/store/inserted", 0)
            + (r.stats or {}).get("lpse/store/changed", 0),
        }
    sources = {name: {"packages": count} for name, count in per_source}
    sources["sirup"] = {"plans": plans}
    return {"tables": tables, "packages_per_site": dict(per_site), "sources": sources, "last_crawl_run": last}


def run_stats(args: argparse.Namespace) -> int:
    """Print the statistics (rich tables, or JSON with --json)."""
    engine = open_database(args, immediate=False)
    try:
        stats = collect_stats(engine)
    finally:
        engine.dispose()
    if args.json:
        print(json.dumps(stats, indent=2, ensure_ascii=False))
        return 0
    from rich.console import Console
    from rich.table import Table

    console = Console()
    rows = Table(title="rows per table")
    rows.add_column("table")
    rows.add_column("rows", justify="right")
    for name, count in stats["tables"].items():
        rows.add_row(name, f"{count:,}")
    console.print(rows)
    sites = Table(title="packages per site")
    sites.add_column("site")
    sites.add_column("packages", justify="right")
    for url, count in stats["packages_per_site"].items():
        sites.add_row(url, f"{count:,}")
    console.print(sites)
    channels = Table(title="sources (channels)")
    channels.add_column("source")
    channels.add_column("packages", justify="right")
    channels.add_column("plans", justify="right")
    for name, counts in stats["sources"].items():
        channels.add_row(name, f"{counts.get('packages', 0):,}", f"{counts.get('plans', 0):,}")
    console.print(channels)
    last = stats["last_crawl_run"]
    if last is None:
        console.print("last crawl run: none")
    else:
        console.print(
            f"last crawl run #{last['id']}: {last['status']}, started {last['started_at']}, "
            f"finished {last['finished_at'] or '-'}, year {last['year']}, sites {', '.join(last['sites'])}"
        )
    return 0
