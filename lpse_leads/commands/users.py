"""`lpse-leads users add | list | disable | token`: the people who use the workbench.

Passwords come on standard input (`--password-stdin`), never as an argument (they would be in
the shell history and the process list). `token` prints a new API token once; only its hash is
kept, and it replaces the person's previous token.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from lpse_leads.dbopt import add_db_argument, open_database
from lpse_leads.errors import UserError
from pipeline.db import session_factory
from pipeline.writer import utcnow
from web.models import ROLES
from web.people import PeopleError, add_person, disable_person, list_people, new_token


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `users` subcommands."""
    parser = subparsers.add_parser("users", help="people of the workbench: add, list, disable, API token")
    sub = parser.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    add = sub.add_parser("add", help="add a person (password on standard input)")
    add.add_argument("email")
    add.add_argument("--role", choices=ROLES, required=True)
    add.add_argument("--branch", metavar="CODE", help="the officer's branch code (branch table)")
    add.add_argument("--kanwil", metavar="NAME", help="the Kanwil of a kanwil user")
    add.add_argument(
        "--password-stdin", action="store_true", required=True, help="read the password from stdin"
    )
    add_db_argument(add)
    add.set_defaults(func=run_add)
    ls = sub.add_parser("list", help="everyone, with role, scope and state")
    add_db_argument(ls)
    ls.set_defaults(func=run_list)
    dis = sub.add_parser("disable", help="disable a person: their sessions and token stop working")
    dis.add_argument("email")
    add_db_argument(dis)
    dis.set_defaults(func=run_disable)
    tok = sub.add_parser("token", help="print a new API token (replaces the previous one)")
    tok.add_argument("email")
    add_db_argument(tok)
    tok.set_defaults(func=run_token)


def _by() -> str:
    return f"cli:{getpass.getuser()}"


def _password() -> str:
    """The first line of standard input, without its line end."""
    line = sys.stdin.readline()
    return line.rstrip("\r\n")


def _change(args: argparse.Namespace, action) -> object:
    """Run ``action(session)`` in one transaction; PeopleError becomes a UserError."""
    engine = open_database(args)
    try:
        with session_factory(engine).begin() as session:
            return action(session)
    except PeopleError as exc:
        raise UserError(str(exc)) from None
    finally:
        engine.dispose()


def run_add(args: argparse.Namespace) -> int:
    """Add one person."""
    password = _password()
    _change(
        args,
        lambda s: add_person(
            s, args.email, args.role, password, branch=args.branch, kanwil=args.kanwil, by=_by(), now=utcnow()
        ),
    )
    print(f"added {args.email.strip().lower()} ({args.role})")
    return 0


def run_list(args: argparse.Namespace) -> int:
    """Print everyone."""
    people = _change(args, list_people)
    rows = [("email", "role", "scope", "active", "failed_logins", "last_login_utc")]
    for p in people:  # type: ignore[attr-defined]
        last = p.last_login.strftime("%Y-%m-%dT%H:%M") if p.last_login else "-"
        rows.append((p.email, p.role, p.scope, "yes" if p.active else "no", str(p.failed_logins), last))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:  # plain aligned columns: readable, and never cut on a narrow or piped output
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    return 0


def run_disable(args: argparse.Namespace) -> int:
    """Disable one person."""
    changed = _change(args, lambda s: disable_person(s, args.email, by=_by(), now=utcnow()))
    print(f"{args.email}: {'disabled' if changed else 'already disabled'}; sessions and token ended")
    return 0


def run_token(args: argparse.Namespace) -> int:
    """Print a new token on stdout (only the token, for scripts)."""
    token = _change(args, lambda s: new_token(s, args.email, by=_by(), now=utcnow()))
    print(token)
    return 0
