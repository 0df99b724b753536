"""Bulk reads and writes on the session's own DBAPI connection, for the leads build's large passes.

SQLAlchemy's per-row statement compilation and per-value type processing cost more than the lead
computation itself at a million packages, so the build reads plain tuples from the driver cursor and
writes with ``executemany`` (SQLite) or ``COPY`` (PostgreSQL), inside the caller's transaction.
Values are passed in each database's stored form; ``db_form`` gives that form for a column's type
(through SQLAlchemy's own bind processor, so it is exactly what the ORM would have written).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Table

#: Ids per ``IN (…)`` list: below SQLite's and PostgreSQL's bound-parameter limits.
IN_LIST = 5000


class Bulk:
    """The raw cursor of one connection plus its dialect's placeholder and money form."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.dialect = connection.dialect
        self.postgresql = self.dialect.name == "postgresql"
        self.mark = "%s" if self.postgresql else "?"
        self.raw: Any = connection.connection.dbapi_connection

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        """All rows of one query (``?`` placeholders in ``sql`` are rewritten for the driver)."""
        cursor = self.raw.cursor()
        try:
            cursor.execute(self.sql(sql), tuple(params))
            found = cursor.fetchall()
            if found and type(found[0]) is not tuple:  # sqlite3 and psycopg give tuples already
                return [tuple(r) for r in found]
            return found
        finally:
            cursor.close()

    def stream(self, sql: str, params: Sequence[Any] = (), size: int = 10_000) -> Iterator[tuple]:
        """The rows of one query, fetched ``size`` at a time (for passes that need not hold them all)."""
        cursor = self.raw.cursor()
        try:
            cursor.execute(self.sql(sql), tuple(params))
            while batch := cursor.fetchmany(size):
                yield from batch
        finally:
            cursor.close()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement; its row count."""
        cursor = self.raw.cursor()
        try:
            cursor.execute(self.sql(sql), tuple(params))
            return cursor.rowcount
        finally:
            cursor.close()

    def sql(self, sql: str) -> str:
        """``sql`` with the driver's placeholder (queries here never contain a literal ``?``)."""
        return sql.replace("?", "%s") if self.postgresql else sql

    def in_list(self, ids: Sequence[Any]) -> str:
        """``(?, ?, …)`` for ``ids``."""
        return "(" + ",".join("?" * len(ids)) + ")"

    def insert(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Append ``rows`` to ``table`` (COPY on PostgreSQL)."""
        if not rows:
            return
        names = ", ".join(_quoted(c) for c in columns)
        cursor = self.raw.cursor()
        try:
            if self.postgresql:
                with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" * len(columns))
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
        finally:
            cursor.close()

    def update(self, table: str, key: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Set ``columns`` of the rows whose ``key`` is the last value of each row tuple."""
        if not rows:
            return
        cursor = self.raw.cursor()
        try:
            if self.postgresql:
                names = ", ".join(_quoted(c) for c in (*columns, key))
                cursor.execute(f"CREATE TEMP TABLE _bulk_update AS SELECT {names} FROM {table} WITH NO DATA")
                with cursor.copy(f"COPY _bulk_update ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                sets = ", ".join(f"{_quoted(c)} = u.{_quoted(c)}" for c in columns)
                cursor.execute(f"UPDATE {table} SET {sets} FROM _bulk_update u WHERE {table}.{key} = u.{key}")
                cursor.execute("DROP TABLE _bulk_update")
            else:
                sets = ", ".join(f"{_quoted(c)} = ?" for c in columns)
                cursor.executemany(f"UPDATE {table} SET {sets} WHERE {key} = ?", rows)
        finally:
            cursor.close()

    def delete_in(self, table: str, key: str, ids: Sequence[Any]) -> None:
        """Delete the rows of ``table`` whose ``key`` is in ``ids``."""
        for part in parts(ids):
            self.execute(f"DELETE FROM {table} WHERE {key} IN {self.in_list(part)}", part)

    def db_form(self, table: Table, column: str) -> Callable[[Any], Any]:
        """Python value → the value this database stores for ``table.column`` (identity when none needed)."""
        processor = table.c[column].type.dialect_impl(self.dialect).bind_processor(self.dialect)
        return processor if processor is not None else _same

    def money(self, cents: int | None) -> Any:
        """An amount in sen as stored by ``pipeline.types.Rupiah`` (SQLite: int when whole, else float)."""
        if cents is None:
            return None
        if self.postgresql:
            return Decimal(cents).scaleb(-2)
        whole, sen = divmod(cents, 100)
        return whole if sen == 0 else cents / 100


def cents(value: Any) -> int | None:
    """A stored amount (int, float or Decimal with at most two places) in sen."""
    if value is None:
        return None
    if isinstance(value, int):
        return value * 100
    if isinstance(value, float):
        return round(value * 100)
    return int(Decimal(value).scaleb(2).to_integral_value())


def parts(items: Sequence[Any], size: int = IN_LIST) -> Iterator[Sequence[Any]]:
    """Slices of ``items`` of at most ``size``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def grouped(rows: Iterable[tuple]) -> dict[Any, list[tuple]]:
    """Rows grouped by their first value, in order."""
    out: dict[Any, list[tuple]] = {}
    for row in rows:
        bucket = out.get(row[0])
        if bucket is None:
            out[row[0]] = [row]
        else:
            bucket.append(row)
    return out


def _same(value: Any) -> Any:
    """No conversion."""
    return value


def _quoted(name: str) -> str:
    """A column name quoted when it is an SQL keyword we use (``by``, ``at``, ``rank``)."""
    return f'"{name}"' if name in ("by", "at", "rank", "key", "value") else name
