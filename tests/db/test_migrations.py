"""Migrations: an empty database upgrades to the models' schema on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from dbschema import SchemaNotCurrent, current_revision, ensure_schema, head_revision, upgrade
from lpse_leads.errors import UserError
from pipeline.db import make_engine
from pipeline.models import Base


def test_upgrade_from_empty_creates_every_table_and_column(db_url):
    engine = make_engine(db_url)
    assert current_revision(engine) is None
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    found = inspect(engine)
    for name, table in Base.metadata.tables.items():
        assert {c["name"] for c in found.get_columns(name)} == set(table.columns.keys()), name
    engine.dispose()


def test_upgrade_twice_is_a_no_op(db_url):
    engine = make_engine(db_url)
    upgrade(engine)
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_natural_key_constraint_is_named(db_url):
    engine = make_engine(db_url)
    upgrade(engine)
    names = {u["name"] for u in inspect(engine).get_unique_constraints("packages")}
    assert "uq_packages_site_id_code" in names
    engine.dispose()


def test_ensure_schema_migrates_sqlite_but_refuses_a_stale_postgresql(db_url):
    engine = make_engine(db_url)
    if engine.dialect.name == "sqlite":
        ensure_schema(engine)
        assert current_revision(engine) == head_revision()
    else:
        with pytest.raises(SchemaNotCurrent, match="lpse-leads db upgrade"):
            ensure_schema(engine)
    engine.dispose()


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
    engine.dispose()


def test_commands_tell_the_user_to_upgrade_postgresql(db_url, capsys):
    from lpse_leads.cli import main

    status = main(["db", "stats", "--db", db_url])
    err = capsys.readouterr().err
    if db_url.startswith("sqlite"):
        assert status == 0
    else:
        assert status == 2
        assert err.count("\n") == 1 and "lpse-leads db upgrade" in err
        assert main(["db", "upgrade", "--db", db_url]) == 0
        assert main(["db", "stats", "--db", db_url]) == 0


def test_a_bad_database_url_is_a_user_error():
    from argparse import Namespace

    from lpse_leads.dbopt import resolve_db_url

    with pytest.raises(UserError, match="not a database URL"):
        resolve_db_url(Namespace(db="no such thing"))
