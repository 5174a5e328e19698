"""Honest floors for the writing benchmarks: the same writes as bare set-based SQL.

``capture_writes(run)`` runs the portal operation inside a transaction, takes
every row it wrote (PostgreSQL's ``xmin`` of the row is this transaction or one
of its savepoints), tells the updated rows from the inserted ones, and rolls
the whole thing back: the database is as before. ``replay(writes)`` then times
those exact rows written by bare SQL in one transaction, on the same data:

- inserted rows: ``COPY table FROM STDIN`` (with every index of the table);
- updated rows: their new images ``COPY``-ed into a temporary table, then one
  ``UPDATE table SET every column FROM temp WHERE pk = temp.pk`` per table;
- the deferred foreign keys checked (``SET CONSTRAINTS ALL IMMEDIATE``).

It ends with a rollback (so the portal's own run finds the same data): the
floor leaves out the commit's WAL flush, a few milliseconds. Rows the operation
deleted are not replayed (the lock and the result import delete none).
No reading, no Python per row, no choosing: what no implementation can avoid.
``settle(writes)`` vacuums the touched tables; each replay starts with it, and
the benchmarks call it before timing the portal's own run too.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection, transaction


@dataclass
class TableWrites:
    table: str
    pk: str
    columns: list[str]
    inserted: list[str] = field(default_factory=list)  # COPY text lines
    updated: list[str] = field(default_factory=list)


@dataclass
class Writes:
    tables: list[TableWrites]

    @property
    def rows(self) -> int:
        return sum(len(t.inserted) + len(t.updated) for t in self.tables)

    def summary(self) -> str:
        parts = []
        for t in sorted(self.tables, key=lambda t: -(len(t.inserted) + len(t.updated))):
            bits = []
            if t.inserted:
                bits.append(f"+{len(t.inserted):,}")
            if t.updated:
                bits.append(f"~{len(t.updated):,}")
            parts.append(f"{t.table} {' '.join(bits)}")
        return "; ".join(parts)


class _Rollback(Exception):
    pass


def _pk_columns() -> dict[str, str]:
    return {
        model._meta.db_table: model._meta.pk.column
        for model in apps.get_models(include_auto_created=True)
    }


def _copy_out(cursor, sql: str, params: list) -> str:
    raw = cursor.cursor
    query = raw.mogrify(sql, params).decode()
    buffer = io.StringIO()
    raw.copy_expert(f"COPY ({query}) TO STDOUT", buffer)
    return buffer.getvalue()


def _copy_in(cursor, table: str, lines: list[str]) -> None:
    data = io.StringIO("".join(line + "\n" for line in lines))
    cursor.cursor.copy_expert(f"COPY {table} FROM STDIN", data, size=1 << 16)


def capture_writes(run: Callable[[], object]) -> Writes:
    """Every row `run` writes, as COPY text; `run`'s writes are rolled back."""
    pks = _pk_columns()
    quote = connection.ops.quote_name
    found: dict[str, tuple[str, list[str], list[str]]] = {}
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT txid_current() % 4294967296")
                (low,) = cursor.fetchone()
            run()
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT c.relname FROM pg_class c JOIN pg_namespace n "
                    "ON n.oid = c.relnamespace WHERE n.nspname = 'public' "
                    "AND c.relkind = 'r' ORDER BY c.relname"
                )
                tables = [row[0] for row in cursor.fetchall() if row[0] in pks]
                for table in tables:
                    cursor.execute(
                        "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass "
                        "AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
                        [table],
                    )
                    columns = [row[0] for row in cursor.fetchall()]
                    text = _copy_out(
                        cursor,
                        f"SELECT * FROM {quote(table)} "  # nosec B608 - catalog names
                        "WHERE xmin::text::bigint >= %s",
                        [low],
                    )
                    if text:
                        found[table] = (pks[table], columns, text.splitlines())
            raise _Rollback
    except _Rollback:
        pass
    writes = []
    with connection.cursor() as cursor:
        for table, (pk, columns, lines) in found.items():
            at = columns.index(pk)
            ids = [line.split("\t")[at] for line in lines]
            cursor.execute(
                f"SELECT {quote(pk)}::text FROM {quote(table)} "  # nosec B608 - catalog names
                f"WHERE {quote(pk)}::text = ANY(%s)",
                [ids],
            )
            existing = {row[0] for row in cursor.fetchall()}
            tw = TableWrites(table=table, pk=pk, columns=columns)
            for key, line in zip(ids, lines, strict=True):
                (tw.updated if key in existing else tw.inserted).append(line)
            writes.append(tw)
    return Writes(tables=writes)


def settle(writes: Writes) -> None:
    """VACUUM ANALYZE the tables `writes` touches.

    Every rolled-back run (the capture, each replay) leaves its rows dead in
    those tables: 40,000 batch items with their snapshots each time. A month's
    real lock or import meets tables autovacuum keeps; so the floor and the
    portal are each timed on tables vacuumed just before, not on the debris of
    the runs before them.
    """
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for tw in writes.tables:
            cursor.execute(f"VACUUM ANALYZE {quote(tw.table)}")


def replay(writes: Writes) -> float:
    """Seconds to write `writes` by bare set-based SQL in one transaction, on
    tables settled first."""
    settle(writes)
    quote = connection.ops.quote_name
    elapsed = 0.0
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                start = time.perf_counter()
                for tw in writes.tables:
                    table = quote(tw.table)
                    if tw.inserted:
                        _copy_in(cursor, table, tw.inserted)
                    if tw.updated:
                        temp = quote(f"floor_{tw.table}"[:60])
                        cursor.execute(
                            f"CREATE TEMP TABLE {temp} (LIKE {table}) ON COMMIT DROP"
                        )
                        _copy_in(cursor, temp, tw.updated)
                        sets = ", ".join(
                            f"{quote(c)} = s.{quote(c)}"
                            for c in tw.columns
                            if c != tw.pk
                        )
                        cursor.execute(
                            f"UPDATE {table} AS t SET {sets} FROM {temp} AS s "  # nosec B608 - catalog names
                            f"WHERE t.{quote(tw.pk)} = s.{quote(tw.pk)}"
                        )
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                elapsed = time.perf_counter() - start
            raise _Rollback
    except _Rollback:
        pass
    return elapsed
