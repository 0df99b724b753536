"""Alembic environment: every room's models' metadata, and a connection handed over by `dbschema.upgrade`.

`dbschema.upgrade` passes its open connection in `config.attributes["connection"]`;
the `alembic` command line (with `sqlalchemy.url` set) opens its own. SQLite ALTERs run as
batch operations (`render_as_batch`).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, pool

import digest.models
import leads.models
import leads.summary_models
import pipeline.models as models
import web.models
from pipeline.db import make_engine

# One database, one migration history: every room keeps its tables on the pipeline's Base, so
# this environment (loaded only while migrating) imports every room's models; otherwise
# autogenerate would propose dropping their tables. A new room adds its models module here.
_ALL_MODELS = (models, leads.models, leads.summary_models, digest.models, web.models)
config = context.config
target_metadata = models.Base.metadata


def _run(connection: Connection) -> None:
    """Configure the context on `connection` and run the migrations."""
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Use the handed-over connection, else open one from `sqlalchemy.url`."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url"), poolclass=pool.NullPool)
    with engine.begin() as own:
        _run(own)


def run_migrations_offline() -> None:
    """Emit SQL for `sqlalchemy.url`'s dialect without connecting."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
