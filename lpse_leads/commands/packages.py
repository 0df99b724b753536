"""`lpse-leads packages export`: the current state of stored packages as JSON lines or CSV.

JSON lines are records of docs/package-format.md (the same shape as `crawl --jsonl` and the
fake SPSE's truth); CSV is one flat row per package for spreadsheets.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from contextlib import ExitStack
from pathlib import Path

from lpse_leads.dbopt import add_db_argument, open_database
from lpse_leads.errors import UserError
from pipeline.export import iter_records, write_csv, write_jsonl

WIB = dt.timezone(dt.timedelta(hours=7))


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `packages export`."""
    parser = subparsers.add_parser("packages", help="stored packages")
    sub = parser.add_subparsers(dest="packages_command", metavar="ACTION", required=True)
    export = sub.add_parser("export", help="export current packages as JSON lines or CSV")
    add_db_argument(export)
    export.add_argument("--format", choices=("jsonl", "csv"), default="jsonl", help="output format")
    export.add_argument("--site", metavar="URL", help="only this site (base URL)")
    export.add_argument(
        "--since",
        metavar="DATE",
        help="only packages new or changed since this date (YYYY-MM-DD, WIB) or ISO datetime",
    )
    export.add_argument("--output", type=Path, metavar="FILE", help="write here instead of stdout")
    export.set_defaults(func=run_export)


def parse_since(text: str) -> dt.datetime:
    """`2026-01-31` (midnight WIB) or an ISO datetime (WIB when no offset) → aware datetime."""
    try:
        if len(text) == 10:
            return dt.datetime.combine(dt.date.fromisoformat(text), dt.time(), WIB)
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise UserError(f"--since takes a date YYYY-MM-DD or an ISO datetime, got {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=WIB)


def run_export(args: argparse.Namespace) -> int:
    """Write the export; the count goes to stderr so stdout stays pure data."""
    since = parse_since(args.since) if args.since else None
    engine = open_database(args, immediate=False)
    try:
        with ExitStack() as stack:
            if args.output is not None:
                try:
                    out = stack.enter_context(args.output.open("w", encoding="utf-8", newline=""))
                except OSError as exc:
                    raise UserError(f"cannot write {args.output}: {exc.strerror or exc}") from exc
            else:
                out = sys.stdout
            records = iter_records(engine, site=args.site, since=since)
            count = write_csv(records, out) if args.format == "csv" else write_jsonl(records, out)
    finally:
        engine.dispose()
    print(f"exported {count} packages", file=sys.stderr)
    return 0
