"""The lead database's schema: one Alembic history for every room's tables, and how to apply it.

Why a package of its own: the tables belong to several rooms (`pipeline`, `leads`, `digest`,
and whatever comes next), but a database has one migration history. Keeping that history
here, beside the rooms instead of inside one of them, lets the environment (`migrations/env.py`)
load every room's models without any room importing another. At run time `ensure_schema`
brings SQLite up to date by itself and refuses a stale PostgreSQL with one clear message.
"""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from pipeline.db import normalise_url

__all__ = [
    "SchemaNotCurrent",
    "alembic_config",
    "current_revision",
    "ensure_schema",
    "head_revision",
    "upgrade",
]


class SchemaNotCurrent(Exception):
    """The database schema is behind this version of lpse-leads (PostgreSQL is never migrated implicitly)."""


def alembic_config(url: str | None = None) -> Config:
    """An Alembic Config pointing at the migrations shipped in `dbschema/migrations`.

    Usable from code (`command.upgrade(alembic_config(url), "head")`); the URL is optional
    when a connection is handed over in `config.attributes["connection"]`.
    """
    config = Config()
    config.set_main_option("script_location", str(resources.files("dbschema") / "migrations"))
    config.set_main_option("file_template", "%%(year)d-%%(month).2d-%%(day).2d_%%(rev)s_%%(slug)s")
    if url is not None:
        config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return config


def head_revision() -> str:
    """The newest migration shipped with this version."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "no migrations shipped"
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None when empty)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply migrations up to `revision` in one transaction."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def ensure_schema(engine: Engine) -> None:
    """Make sure the schema is current: SQLite is upgraded here, PostgreSQL must be upgraded by the user."""
    current = current_revision(engine)
    head = head_revision()
    if current == head:
        return
    if engine.dialect.name == "sqlite":
        upgrade(engine)
        return
    where = engine.url.render_as_string(hide_password=True)
    raise SchemaNotCurrent(
        f"the database {where} is at schema revision {current or 'none (empty)'}, this version needs "
        f"{head}: run `lpse-leads db upgrade --db URL` first"
    )
