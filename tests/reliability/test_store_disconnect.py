"""PostgreSQL connections killed in the middle of a store batch: the batch is written again, exactly once.

Real faults on a real server: `pg_terminate_backend` kills the writer's own server process
right after its k-th statement of the batch, for every k (so the next statement, a COPY of
child rows, or the COMMIT is what dies). The batch, retried on a fresh connection by
`pipeline.retry`, must leave the database as if nothing had happened: every package once,
children and contractors once. A database that stays away gives one clear line.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select
from sqlalchemy.engine import make_url

from dbschema import upgrade
from pipeline.db import make_engine
from pipeline.export import iter_records
from pipeline.models import Contractor, Package, PackageWinner
from pipeline.retry import DatabaseUnavailable, retry_on_disconnect
from pipeline.writer import PackageWriter
from tests.db.conftest import make_record
from tests.reliability.conftest import terminate_connections

pytestmark = pytest.mark.postgres


def batch(tag: str, size: int = 3) -> list[tuple[dict[str, Any], str]]:
    """`size` packages with winners (contractors, COPY'd child rows) whose codes carry `tag`."""
    out = []
    for i in range(size):
        winner = {
            "name": f"PT Karya {tag} {i}",
            "npwp": f"01544863{i}{len(tag) % 10}009000",
            "offer_value": Decimal("1000.50"),
        }
        record = make_record(code=f"{tag}{i:03d}", winners=[winner], contract_winners=[winner])
        out.append((record, f"fp-{tag}-{i}"))
    return out


class KillAfterStatement:
    """Kills the connection's server process once, right after the k-th statement it runs."""

    def __init__(self, engine: Engine, admin: Engine, k: int) -> None:
        self.engine, self.admin, self.k = engine, admin, k
        self.count = 0
        self.killed = 0
        self.database = make_url(engine.url).database or ""
        event.listen(engine, "after_cursor_execute", self)

    def __call__(self, conn: Any, *_args: Any) -> None:
        self.count += 1
        if self.count == self.k and not self.killed:
            pid = conn.connection.driver_connection.info.backend_pid
            self.killed = terminate_connections(self.admin, self.database, pid)

    def remove(self) -> None:
        event.remove(self.engine, "after_cursor_execute", self)


def test_a_batch_killed_after_any_statement_is_written_once_on_a_new_connection(pg_url, _pg_server):
    engine = make_engine(pg_url)
    upgrade(engine)
    writer = PackageWriter(engine)
    expected_codes: set[str] = set()
    kills = 0
    for k in range(1, 100):
        tag = f"k{k:02d}x"
        killer = KillAfterStatement(engine, _pg_server, k)
        result = retry_on_disconnect(
            lambda t=tag: writer.write(batch(t)), what=f"batch {tag}", where="test", backoff=0.0
        )
        killer.remove()
        assert result.inserted + result.unchanged == 3
        expected_codes |= {f"{tag}{i:03d}" for i in range(3)}
        if not killer.killed:  # the batch has fewer than k statements: every position was hit
            break
        kills += 1
    assert kills >= 4, "a batch runs at least: stored lookup, upsert, id lookup, contractors"

    with engine.connect() as connection:
        codes = connection.execute(select(Package.code)).scalars().all()
        winners = connection.execute(select(func.count()).select_from(PackageWinner)).scalar_one()
        contractors = connection.execute(select(func.count()).select_from(Contractor)).scalar_one()
    assert sorted(codes) == sorted(expected_codes)
    assert winners == 2 * len(expected_codes)
    npwps = {w["npwp"] for key in expected_codes for w in [_winner(key)]}
    assert contractors == len(npwps)
    records = {r["code"]: r for r in iter_records(engine)}
    for tag_code, record in records.items():
        assert record["winners"] == record["contract_winners"]
        assert record["winners"][0]["name"].endswith(tag_code[-1])
    engine.dispose()


def _winner(code: str) -> dict[str, Any]:
    """The winner `batch` gives the package `code`."""
    tag, i = code[:-3], int(code[-3:])
    return batch(tag)[i][0]["winners"][0]


def test_a_database_that_stays_away_is_one_clear_message_without_the_password(pg_url, _pg_server):
    engine = make_engine(pg_url)
    upgrade(engine)
    engine.dispose()
    url = make_url(pg_url).set(password="s3cret-pw")
    engine = make_engine(url.render_as_string(hide_password=False))
    writer = PackageWriter(engine)
    killer = KillAfterStatement(engine, _pg_server, k=1)

    def always_killed() -> Any:
        killer.count, killer.killed = 0, 0
        return writer.write(batch("gone"))

    where = url.render_as_string(hide_password=True)
    with pytest.raises(DatabaseUnavailable) as caught:
        retry_on_disconnect(always_killed, what="the test batch", where=where, attempts=3, backoff=0.0)
    killer.remove()
    message = str(caught.value)
    assert "\n" not in message
    assert "s3cret-pw" not in message
    assert where in message and "3 attempts" in message and "the test batch" in message
    assert "terminating connection" in message
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(Package)).scalar_one() == 0
    engine.dispose()
