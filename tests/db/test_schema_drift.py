"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL.

Alembic's autogenerate comparison of an upgraded database with every room's models must find
nothing: a model changed without a migration (or the reverse) fails here, not in production.
"""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import digest.models  # noqa: F401  (registers its tables on the shared Base)
import leads.models
import leads.summary_models  # noqa: F401
import web.models  # noqa: F401
from dbschema import upgrade
from pipeline.db import make_engine
from pipeline.models import Base


def test_migrations_match_the_models(db_url):
    engine = make_engine(db_url)
    try:
        upgrade(engine)
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert differences == []
