"""A first build drops the secondary indexes of an empty ``leads`` table: they must be back after it.

``leads.build`` drops the indexes of an empty ``leads`` table for the bulk insert and creates them once
at the end of the lead pass; DDL is transactional in SQLite and PostgreSQL, so a failed build must
leave them as they were.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, inspect

from leads.build import build_leads
from leads.build_pass import LeadPass
from leads.models import Lead
from tests.leads.conftest import NOW, TODAY
from tests.leads.test_build import setup_world

WANTED = {index.name for index in Lead.__table__.indexes}


def lead_indexes(engine: Engine) -> set[str]:
    """Names of the indexes on ``leads`` as the database reports them."""
    return {index["name"] for index in inspect(engine).get_indexes("leads")}


def test_indexes_are_there_after_a_first_and_a_full_build(engine, session_maker) -> None:
    setup_world(engine, session_maker)
    assert WANTED and lead_indexes(engine) >= WANTED
    with session_maker() as session:
        summary = build_leads(session, TODAY, now=NOW)
        session.commit()
    assert summary.new > 0
    assert lead_indexes(engine) >= WANTED
    with session_maker() as session:
        build_leads(session, TODAY, now=NOW, full=True)
        session.commit()
    assert lead_indexes(engine) >= WANTED


def test_a_failed_first_build_leaves_the_indexes_in_place(engine, session_maker, monkeypatch) -> None:
    setup_world(engine, session_maker)

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("failed mid-build")

    monkeypatch.setattr(LeadPass, "process", fail)
    with session_maker() as session, pytest.raises(RuntimeError, match="failed mid-build"):
        build_leads(session, TODAY, now=NOW)
    assert lead_indexes(engine) >= WANTED
