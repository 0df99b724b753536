"""`lpse-leads leads build | list | mark | feedback`: the lead list and its lifecycle.

`build` brings leads up to date (run after every crawl and registry/branch import); `list` prints
or exports them (columns ``LEAD_COLUMNS``); `mark` sets one lead's status; `feedback` applies an
officers' sheet (site, code, status, note) all-or-nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from domain.dates import JAKARTA
from leads.build import build_leads
from leads.export import write_csv, write_jsonl, write_xlsx
from leads.feedback_file import FeedbackFileError, read_feedback
from leads.lead_row import LEAD_COLUMNS, LeadRow
from leads.lifecycle import LeadNotFound, find_lead, mark_lead
from leads.listing import STATUS_CHOICES, lead_rows
from leads.models import STATUSES
from lpse_leads.dbopt import add_db_argument, open_database
from lpse_leads.errors import UserError
from lpse_leads.reference_files import problems_error
from pipeline.db import session_factory
from pipeline.writer import utcnow

FORMATS = ("table", "jsonl", "csv", "xlsx")
#: Columns of the terminal table (the full set goes to files).
TABLE_COLUMNS = (
    "code",
    "name",
    "kabkota",
    "branch",
    "route_basis",
    "contractor_name",
    "value",
    "estimated_contribution",
    "deadline",
    "days_overdue",
    "score",
    "status",
)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `leads` subcommands."""
    parser = subparsers.add_parser("leads", help="build, list and update the lead list")
    sub = parser.add_subparsers(dest="leads_command", metavar="ACTION", required=True)
    build = sub.add_parser("build", help="update leads from packages, registry and branch table")
    build.add_argument("--today", type=dt.date.fromisoformat, help="count deadlines against this date (ISO)")
    add_db_argument(build)
    build.set_defaults(func=run_build)
    ls = sub.add_parser("list", help="list or export leads, highest score first")
    ls.add_argument("--format", choices=FORMATS, default="table")
    ls.add_argument("--branch", metavar="CODE", help="only this branch's leads")
    ls.add_argument(
        "--status", choices=STATUS_CHOICES, default="open", help="default: open (new, sent, contacted)"
    )
    ls.add_argument(
        "--since", type=dt.date.fromisoformat, metavar="DATE", help="only leads first seen on/after DATE"
    )
    ls.add_argument(
        "--output", type=Path, metavar="FILE", help="write here instead of stdout (required for xlsx)"
    )
    add_db_argument(ls)
    ls.set_defaults(func=run_list)
    mark = sub.add_parser("mark", help="set the status of one lead")
    mark.add_argument("site", help="the SPSE site base URL")
    mark.add_argument("code", help="the package code")
    mark.add_argument("--status", choices=STATUSES, required=True)
    mark.add_argument("--note")
    mark.add_argument("--by", default=None, help="who (default: your user name)")
    add_db_argument(mark)
    mark.set_defaults(func=run_mark)
    fb = sub.add_parser(
        "feedback", help="apply an officers' sheet (site, code, status, note), all or nothing"
    )
    fb.add_argument("file", type=Path)
    fb.add_argument("--by", default=None, help="who (default: feedback:<file name>)")
    add_db_argument(fb)
    fb.set_defaults(func=run_feedback)


def run_build(args: argparse.Namespace) -> int:
    """Build leads in one transaction and print what changed."""
    engine = open_database(args)
    try:
        with session_factory(engine).begin() as session:
            s = build_leads(session, args.today)
    finally:
        engine.dispose()
    routes = ", ".join(f"{k} {v}" for k, v in s.routes.items())
    print(
        f"leads: {s.candidates} candidates; {s.new} new, {s.updated} updated, {s.unchanged} unchanged, "
        f"{s.reopened} reopened; {s.matches} matched in the registry "
        f"({s.registered_by_match} newly registered); "
        f"routes: {routes}"
    )
    return 0


def _table(rows: list[LeadRow]) -> None:
    """Print leads as a terminal table."""
    table = Table(*TABLE_COLUMNS)
    for row in rows:
        values = row.as_dict()
        table.add_row(*("" if values[c] is None else str(values[c]) for c in TABLE_COLUMNS))
    Console().print(table)


def run_list(args: argparse.Namespace) -> int:
    """List leads in the chosen format."""
    if args.format == "xlsx" and args.output is None:
        raise UserError("--format xlsx needs --output FILE")
    since = dt.datetime.combine(args.since, dt.time(), JAKARTA) if args.since else None
    engine = open_database(args, immediate=False)
    try:
        with engine.connect() as connection:
            rows = lead_rows(connection, branch=args.branch, status=args.status, since=since)
            values = ([getattr(r, c) for c in LEAD_COLUMNS] for r in rows)
            if args.format == "table":
                _table(list(rows))
                return 0
            if args.format == "xlsx":
                count = write_xlsx(args.output, LEAD_COLUMNS, values)
            else:
                writer = write_csv if args.format == "csv" else write_jsonl
                if args.output is None:
                    count = writer(sys.stdout, LEAD_COLUMNS, values)
                else:
                    with args.output.open("w", encoding="utf-8", newline="") as stream:
                        count = writer(stream, LEAD_COLUMNS, values)
    finally:
        engine.dispose()
    if args.output is not None:
        print(f"{count} leads written to {args.output}", file=sys.stderr)
    return 0


def run_mark(args: argparse.Namespace) -> int:
    """Set one lead's status (an event records who, when and why)."""
    engine = open_database(args)
    try:
        with session_factory(engine).begin() as session:
            changed = mark_lead(
                session,
                args.site,
                args.code,
                args.status,
                by=args.by or getpass.getuser(),
                note=args.note,
                now=utcnow(),
            )
    except LeadNotFound as exc:
        raise UserError(str(exc)) from None
    finally:
        engine.dispose()
    print(f"{args.site} {args.code}: {'now ' + args.status if changed else 'already ' + args.status}")
    return 0


def run_feedback(args: argparse.Namespace) -> int:
    """Check every row (file and leads) first, then apply all in one transaction."""
    try:
        rows = read_feedback(args.file)
    except FeedbackFileError as exc:
        raise problems_error(exc) from None
    by = args.by or f"feedback:{args.file.name}"
    engine = open_database(args)
    try:
        with session_factory(engine).begin() as session:
            missing = [
                (r.row, f"no lead for {r.site} {r.code}")
                for r in rows
                if find_lead(session, r.site, r.code) is None
            ]
            if missing:
                raise problems_error(FeedbackFileError(args.file, missing))
            now = utcnow()
            changed = sum(
                mark_lead(session, r.site, r.code, r.status, by=by, note=r.note, now=now) for r in rows
            )
    finally:
        engine.dispose()
    print(f"feedback {args.file}: {len(rows)} rows, {changed} status changes")
    return 0
