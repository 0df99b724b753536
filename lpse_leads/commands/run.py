"""`lpse-leads run`: the whole job once — crawl, store, leads, digests — with progress and a summary.

`--demo` runs it against a fake SPSE on loopback with generated inputs, in `<data home>/demo`
(`./var/demo`), kept between runs so a second demo sends nothing new; `--fresh` starts over.
Exit status: 0 when every step succeeded, 1 when a step failed (the summary says which),
2 for a configuration error, 75 (EX_TEMPFAIL) when another run holds the lock.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from rich.console import Console

from lpse_leads.config import AppConfig, load_config
from lpse_leads.dbopt import add_db_argument
from lpse_leads.lock import BUSY_MESSAGE, run_lock

EXIT_LOCKED = 75


def add_config_argument(parser: argparse.ArgumentParser) -> None:
    """`--config FILE` (also `$LPSE_LEADS_CONFIG`), shared by `run` and `schedule`."""
    parser.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="TOML configuration (see lpse-leads.example.toml); default $LPSE_LEADS_CONFIG, "
        "else built-in defaults",
    )


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `run`."""
    parser = subparsers.add_parser(
        "run",
        help="crawl, store, build leads and send digests, once",
        description="Run the whole job once: crawl the configured SPSE sites (in a subprocess), store, "
        "build leads, send (or write) the branch digests, and print a summary.",
    )
    add_config_argument(parser)
    parser.add_argument(
        "--site", action="append", metavar="URL", help="SPSE base URL (repeatable; replaces crawl.sites)"
    )
    parser.add_argument(
        "--year", action="append", type=int, metavar="Y", help="fiscal year (repeatable; replaces years)"
    )
    parser.add_argument("--full", action="store_true", default=None, help="read every package's detail pages")
    add_db_argument(parser)
    parser.add_argument(
        "--demo",
        action="store_true",
        help="run against a fake SPSE on 127.0.0.1 with generated registry and branches, in <data home>/demo",
    )
    parser.add_argument("--fresh", action="store_true", help="with --demo: delete the demo folder first")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Load the configuration (or set up the demo), take the lock, run, print the summary."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    overrides = {
        "crawl.sites": args.site,
        "crawl.years": args.year,
        "crawl.full": args.full,
        "data.database_url": args.db,
    }
    if args.demo:
        from lpse_leads.demo import demo_world, ensure_demo_people, workbench_help

        home = load_config(args.config).data.home
        with demo_world(home, fresh=args.fresh) as config:
            status = run_locked(config)
            ensure_demo_people(config)
            print_where(config)
            for line in workbench_help(config):
                print(line)
            return status
    if args.fresh:
        from lpse_leads.errors import UserError

        raise UserError("--fresh only goes with --demo")
    return run_locked(load_config(args.config, overrides=overrides))


def run_locked(config: AppConfig) -> int:
    """Run once under the run lock; 75 when another run holds it."""
    from lpse_leads.run import print_summary, run_once

    with run_lock(config.db_url, config.data.home) as held:
        if held is None:
            Console(stderr=True).print(f"lpse-leads run: {BUSY_MESSAGE}; nothing done")
            return EXIT_LOCKED
        summary = run_once(config, console=Console(stderr=True))
    print_summary(summary, Console())
    return 0 if summary.status == "ok" else 1


def print_where(config: AppConfig) -> None:
    """Tell the demo user where to look."""
    console = Console()
    console.print(f"Database: {config.db_url.removeprefix('sqlite:///')}")
    console.print(f"E-mails:  {config.outbox.resolve()}")
    console.print(f"Inputs:   {config.source}  (registry.csv, branches.csv beside it)")
