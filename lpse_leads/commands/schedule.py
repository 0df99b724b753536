"""`lpse-leads schedule`: run the daily job (and the optional registry re-import) until stopped.

The process blocks, logs each run's outcome (and stores it as a `crawl_runs` row), skips a
run while another process holds the run lock, and exits 0 after SIGTERM or Ctrl-C once the
running job has stopped. The configuration is checked before anything is scheduled, so a
mistake stops it at once instead of at 06:00.
"""

from __future__ import annotations

import argparse
import logging
import threading
from collections.abc import Callable

from sqlalchemy import Engine

from lpse_leads.commands.run import add_config_argument
from lpse_leads.config import AppConfig, load_config
from lpse_leads.dbopt import add_db_argument
from lpse_leads.errors import UserError

log = logging.getLogger("lpse_leads.schedule")
Job = Callable[[threading.Event], None]


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `schedule`."""
    parser = subparsers.add_parser(
        "schedule",
        help="run the daily job at the configured time (Asia/Jakarta) until stopped",
        description="Run `lpse-leads run` every day at schedule.time (Asia/Jakarta), and re-import the "
        "registry on schedule.registry_reimport if set. Stops cleanly on SIGTERM.",
    )
    add_config_argument(parser)
    add_db_argument(parser)
    parser.set_defaults(func=run)


def daily_job(config: AppConfig, engine: Engine) -> Job:
    """The daily run; its outcome is logged and stored by `run_once`, errors become one log line."""
    from lpse_leads.run import run_once

    def daily(stop: threading.Event) -> None:
        try:
            run_once(config, stop=stop, engine=engine)
        except UserError as exc:
            log.error("daily run failed: %s", exc)

    return daily


def reimport_job(config: AppConfig, engine: Engine) -> Job:
    """Re-import the registry file, then rebuild the leads so registered packages leave the list."""
    from leads.build import jakarta_today
    from lpse_leads import steps

    def reimport(_stop: threading.Event) -> None:
        try:
            rows = steps.import_registry(config, engine)
            queues = steps.build_leads(engine, jakarta_today(), lambda _text: None)
        except UserError as exc:
            log.error("registry re-import failed: %s", exc)
            return
        log.info("registry re-import: %d rows; %d open leads", rows, sum(queues.values()))

    return reimport


def run(args: argparse.Namespace) -> int:
    """Check the configuration and the database, then serve until stopped."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from lpse_leads.dbopt import open_database_url
    from lpse_leads.scheduler import serve

    config = load_config(args.config, overrides={"data.database_url": args.db})
    if not config.crawl.sites:
        raise UserError("no SPSE sites to crawl: set crawl.sites in the configuration")
    if config.schedule.registry_reimport and not config.leads.registry_file:
        raise UserError("schedule.registry_reimport is set but leads.registry_file is not")
    engine = open_database_url(config.db_url)  # the process's one engine, for every job
    try:
        for label, value in config.describe().items():
            log.info("%s: %s", label, value)
        reimport = reimport_job(config, engine) if config.schedule.registry_reimport else None
        return serve(config, daily_job(config, engine), reimport)
    finally:
        engine.dispose()
