"""`lpse-leads digest send`: today's lead e-mail per branch (SMTP, or .eml files in the outbox)."""

from __future__ import annotations

import argparse
import datetime as dt
import logging

from digest.select import queues
from digest.send import send_digests
from digest.settings import MailSettings
from domain.dates import JAKARTA
from lpse_leads.dbopt import add_db_argument, open_database
from lpse_leads.errors import UserError
from pipeline.db import session_factory


def _day(text: str) -> dt.date:
    """`2026-11-22` → date (argparse type)."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `digest send`."""
    parser = subparsers.add_parser("digest", help="daily lead e-mails per BPJS branch")
    sub = parser.add_subparsers(dest="digest_command", metavar="ACTION", required=True)
    send = sub.add_parser(
        "send",
        help="send each branch its new leads (once per day; failed ones are retried)",
        description="Send each branch (and fallback queue) one e-mail with its new leads. SMTP from "
        "LPSE_LEADS_SMTP_URL (smtp://, smtp+starttls://, smtps://) and LPSE_LEADS_MAIL_FROM; without "
        "it, .eml/.html files go to the outbox folder. Fallback queues go to LPSE_LEADS_FALLBACK_TO.",
    )
    send.add_argument("--date", type=_day, default=None, help="digest day (default: today, Asia/Jakarta)")
    send.add_argument("--branch", metavar="CODE", default=None, help="only this branch (or `fallback NAME`)")
    send.add_argument("--dry-run", action="store_true", help="render and report; send and record nothing")
    add_db_argument(send)
    send.set_defaults(func=run_send)


def run_send(args: argparse.Namespace) -> int:
    """Send the digests and print one line per digest; exit status 1 when any failed."""
    try:
        settings = MailSettings.from_env()
        sender = settings.sender()
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    engine = open_database(args)
    try:
        if args.branch is not None:
            with engine.connect() as connection:
                known = queues(connection)
            if args.branch not in known:
                raise UserError(
                    f"unknown branch or queue {args.branch!r} (known: {', '.join(known) or 'none'})"
                )
        summary = send_digests(
            session_factory(engine),
            sender,
            args.date or dt.datetime.now(JAKARTA).date(),
            branch=args.branch,
            dry_run=args.dry_run,
            fallback_address=settings.fallback_to or None,
            send_empty=settings.send_empty,
            mail_from=settings.mail_from,
            workbench_url=settings.workbench_url,
        )
    finally:
        engine.dispose()
    print(f"delivery: {sender.describe()}")
    for line in summary.lines():
        print(line)
    return summary.exit_status
