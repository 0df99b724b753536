"""The one `--db URL` option every command shares, and how the database URL is chosen.

Order: `--db URL`, else `LPSE_LEADS_DB`, else SQLite `lpse-leads.sqlite` in the working data
folder (`$LPSE_LEADS_HOME`, else `./var/`). `open_database` also brings the schema up to date
(SQLite) or says in one line that PostgreSQL needs `lpse-leads db upgrade`. Error messages
show the URL without its password.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import ArgumentError, OperationalError

from dbschema import SchemaNotCurrent, ensure_schema
from lpse_leads.errors import UserError
from pipeline.db import make_engine, normalise_url
from pipeline.runs import redact_url

DB_ENV = "LPSE_LEADS_DB"
HOME_ENV = "LPSE_LEADS_HOME"
SQLITE_NAME = "lpse-leads.sqlite"


def add_db_argument(parser: argparse.ArgumentParser) -> None:
    """Add `--db URL` to a command's parser."""
    parser.add_argument(
        "--db",
        metavar="URL",
        default=None,
        help=f"database URL (sqlite:///FILE or postgresql+psycopg://…); default ${DB_ENV}, "
        f"else SQLite in ${HOME_ENV} or ./var/",
    )


def data_home() -> Path:
    """The working data folder: $LPSE_LEADS_HOME, else ./var."""
    return Path(os.environ.get(HOME_ENV) or "var")


def default_db_url() -> str:
    """SQLite file in the data folder."""
    return f"sqlite:///{(data_home() / SQLITE_NAME).resolve()}"


def resolve_db_url(args: argparse.Namespace) -> str:
    """The database URL for a command: --db, else $LPSE_LEADS_DB, else the default SQLite file."""
    url = getattr(args, "db", None) or os.environ.get(DB_ENV) or default_db_url()
    try:
        return normalise_url(url)
    except (ArgumentError, ValueError) as exc:  # ValueError: e.g. a port that is not a number
        raise UserError(
            f"not a database URL: {redact_url(url)!r} (expected sqlite:///FILE or postgresql://…)"
        ) from exc


def open_database(args: argparse.Namespace, *, migrate: bool = True, immediate: bool = True) -> Engine:
    """An engine on the command's database with a current schema (UserError when that is not possible)."""
    return open_database_url(resolve_db_url(args), migrate=migrate, immediate=immediate)


def open_database_url(url: str, *, migrate: bool = True, immediate: bool = True) -> Engine:
    """An engine on ``url`` with a current schema; every failure is one UserError, password hidden."""
    try:
        engine = make_engine(url, immediate=immediate)
    except Exception as exc:
        raise UserError(f"cannot open database {redact_url(url)!r}: {exc}") from exc
    if migrate:
        try:
            ensure_schema(engine)
        except SchemaNotCurrent as exc:
            raise UserError(str(exc)) from exc
        except OperationalError as exc:
            raise UserError(f"cannot reach database {redact_url(url)!r}: {exc.orig}") from exc
    return engine
