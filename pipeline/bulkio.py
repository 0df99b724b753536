"""Bulk SQL shared by the store's writers: chunked key lookups, COPY on PostgreSQL, executemany elsewhere.

Why a module of its own: the package writer and the plan writer both insert many rows per batch
and look rows up by natural key; the dialect-specific ways to do that fast (bench/store.py) live
here once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, Integer, String, Table, and_, bindparam, func, tuple_
from sqlalchemy.dialects.postgresql import ARRAY

from pipeline.models import Package

_CHUNK = 500


def chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    """Slices below every database's bound-parameter limit."""
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def bulk_insert(
    connection: Connection, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert many rows (value sequences in `columns` order) in the caller's transaction.

    COPY on PostgreSQL, where psycopg would send an executemany as one statement per row and
    COPY is several times faster (bench/store.py); the driver's executemany of positional rows
    elsewhere (SQLite). Rows are tuples, not dicts: a batch of 500 packages has ~5,000 child
    rows and building a dict for each showed. Values are bound through each column's type first.
    """
    if not rows:
        return
    if connection.dialect.name == "postgresql":
        copy_rows(connection, table, table.name, columns, rows)
        return
    compiled = table.insert().compile(dialect=connection.dialect, column_keys=list(columns))
    if not compiled.positional or compiled.positiontup is None:
        connection.execute(table.insert(), [dict(zip(columns, row, strict=True)) for row in rows])
        return
    order = [list(columns).index(name) for name in compiled.positiontup]
    convert = _converters(connection, table, columns)
    connection.exec_driver_sql(
        compiled.string, [tuple(row[i] for i in order) for row in _converted(rows, convert)]
    )


def _converters(connection: Connection, types: Table, columns: Sequence[str]) -> list[tuple[int, Any]]:
    """(position, bind processor) of the columns whose type converts values (money, UTC datetimes)."""
    dialect = connection.dialect
    return [
        (i, proc)
        for i, name in enumerate(columns)
        if (proc := types.c[name].type.bind_processor(dialect)) is not None
    ]


def _converted(rows: Iterable[Sequence[Any]], convert: Sequence[tuple[int, Any]]) -> Iterator[Sequence[Any]]:
    """Each row with its values bound through the column types, as an INSERT would store them."""
    for row in rows:
        if convert:
            row = list(row)
            for i, proc in convert:
                row[i] = proc(row[i])
        yield row


def copy_rows(
    connection: Connection, types: Table, target: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """COPY rows (value sequences in `columns` order) into the PostgreSQL table named `target`.

    Each value goes through the bind processor of the same-named column of `types` (money,
    UTC datetimes), so what lands is what an INSERT of that column would have stored.
    """
    dialect = connection.dialect
    names = ", ".join(dialect.identifier_preparer.quote(name) for name in columns)
    cursor = connection.connection.driver_connection.cursor()
    with cursor.copy(f"COPY {dialect.identifier_preparer.quote(target)} ({names}) FROM STDIN") as copy:
        for row in _converted(rows, _converters(connection, types, columns)):
            copy.write_row(row)


def key_table(site_ids: Sequence[int], codes: Sequence[str]) -> Any:
    """PostgreSQL: the batch's (site_id, code) keys as one `unnest` of two array parameters.

    Two bound arrays instead of an IN list of 2 × 500 parameters: the SQL text stays the same for
    every batch, so psycopg neither re-parses a long query each time nor keeps the server from
    preparing it (the expanding IN lists cost as much as the inserts they served).
    """
    return (
        func.unnest(
            bindparam("key_sites", list(site_ids), type_=ARRAY(Integer)),
            bindparam("key_codes", list(codes), type_=ARRAY(String)),
        )
        .table_valued("site_id", "code")
        .render_derived()
    )


def by_keys(connection: Connection, query: Any, pairs: Sequence[tuple[int, str]]) -> list[Any]:
    """Rows of `query` (a SELECT over packages) for the given (site_id, code) pairs only."""
    if not pairs:
        return []
    if connection.dialect.name == "postgresql":
        keys = key_table([sid for sid, _ in pairs], [code for _, code in pairs])
        on = and_(Package.site_id == keys.c.site_id, Package.code == keys.c.code)
        return list(connection.execute(query.join(keys, on)))
    rows: list[Any] = []
    for chunk in chunks(pairs):
        rows.extend(connection.execute(query.where(tuple_(Package.site_id, Package.code).in_(chunk))))
    return rows


