"""Bulk work: each row's own values set in one statement (bulk_set, without
bulk_update's quadratic CASE), many rows inserted by COPY on PostgreSQL (bulk_insert,
insert_rows), thousands of values for one `__in` lookup as one array (among), the
garbage collector paused while tens of thousands of rows stay alive (gc_paused)."""

import datetime
import gc
import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from django.db import (
    DatabaseError,
    connection,
    connections,
    models,
    router,
    transaction,
)
from django.db.models.expressions import RawSQL
from django.utils import timezone

BULK_SIZE = 1000


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while many long-lived objects are built.

    Reading 40,000 rows allocates hundreds of thousands of lists and strings
    that are all kept: the collector's full passes over them find nothing to
    free and took ~40% of the parsing time. Applying a result file or locking
    a batch keeps its 40,000 rows alive to the end, and the passes cost a
    seventh of the whole. Reference counting still frees everything as usual;
    the collector resumes at the end. As a decorator (`@gc_paused()`) it
    resumes after the function's locals are gone, so its one catching-up
    pass finds little left to walk.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def among(values: list, *, otherwise, db_type: str = "bigint"):
    """The right side of a `field__in=` lookup over many values.

    PostgreSQL: the values as one array parameter. `pk__in=` a list of 13,000
    ids makes 13,000 placeholders for Django to build and PostgreSQL to parse,
    and a subquery joining the tables again let the planner scan all of them
    (a batch's households: a hash of 800,000 members to find 13,000 usulan).
    Elsewhere `otherwise` (a subquery or a short list), since SQLite takes at
    most 999 parameters.
    """
    if connection.vendor != "postgresql":
        return otherwise
    return RawSQL(f"SELECT unnest(%s::{db_type}[])", [list(values)])  # nosec B611 - db_type is the caller's constant, the values are a parameter


def _plain_text(field, values: list) -> bool:
    """Text values psycopg2 sends as they are: no per-value preparing needed."""
    return type(field) in (models.CharField, models.TextField) and all(
        value is None or type(value) is str for value in values
    )


def bulk_set(model, pks: list[int], columns: dict[str, list]) -> None:
    """Set each row's own values: `columns` maps a field to one value per pk.

    PostgreSQL: one UPDATE joining the new values. Django's bulk_update builds
    one CASE per field and batch, which PostgreSQL evaluates row by row
    (quadratic per batch). Up to BULK_SIZE rows the values go as arrays in the
    UPDATE itself; beyond, they are COPY-ed into a temporary table first: a
    40,000-element jsonb[] literal costs PostgreSQL more to parse than the
    update it feeds. Elsewhere: bulk_update in batches.
    """
    if not pks:
        return
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        objs = [
            model(pk=pk, **{name: values[i] for name, values in columns.items()})
            for i, pk in enumerate(pks)
        ]
        model.objects.bulk_update(objs, list(columns), batch_size=BULK_SIZE)
        return
    meta = model._meta
    fields = [meta.pk, *(meta.get_field(name) for name in columns)]
    if len(pks) > BULK_SIZE and all(isinstance(f, _COPY_FIELDS) for f in fields):
        _set_by_copy(connection, model, fields, [pks, *columns.values()])
        return
    quote = connection.ops.quote_name
    arrays = [pks] + [
        list(values)
        if _plain_text(field, values)
        else [field.get_db_prep_save(value, connection) for value in values]
        for field, values in zip(fields[1:], columns.values(), strict=True)
    ]
    names = [quote(field.column) for field in fields]
    types = ", ".join(f"%s::{field.db_type(connection)}[]" for field in fields)
    assignments = ", ".join(f"{name} = v.{name}" for name in names[1:])
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(meta.db_table)} AS t SET {assignments} "  # nosec B608 - quoted model identifiers; values are parameters
            f"FROM unnest({types}) AS v({', '.join(names)}) "
            f"WHERE t.{names[0]} = v.{names[0]}",
            arrays,
        )


def _set_by_copy(connection, model, fields: list, columns: list[list]) -> None:
    """bulk_set's large case: COPY the new values into a temporary table, then
    one UPDATE ... FROM it.

    The table lives inside a savepoint: dropped after the update, and gone with
    the savepoint's rollback if anything fails half-way.
    """
    quote = connection.ops.quote_name
    temp = f"bulk_set_{model._meta.db_table}"
    names = [quote(field.column) for field in fields]
    definitions = ", ".join(
        f"{name} {field.db_type(connection)}"
        for name, field in zip(names, fields, strict=True)
    )
    assignments = ", ".join(f"{name} = s.{name}" for name in names[1:])
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE {quote(temp)} ({definitions}) ON COMMIT DROP"
        )
        _copy_columns(cursor, temp, fields, columns)
        cursor.execute(
            f"UPDATE {quote(model._meta.db_table)} AS t SET {assignments} "  # nosec B608 - quoted model identifiers
            f"FROM {quote(temp)} AS s WHERE t.{names[0]} = s.{names[0]}"
        )
        cursor.execute(f"DROP TABLE {quote(temp)}")


def _copy_texts(field, values: list) -> Iterable[str]:
    """`values` of `field` as COPY text, the conversion chosen once per column
    (a JSON column's lazily: encoding is the costly part)."""
    if _plain_text(field, values):
        return [
            "\\N"
            if value is None
            else _escape(value)
            if "\\" in value or "\t" in value or "\n" in value or "\r" in value
            else value
            for value in values
        ]
    if isinstance(field, models.JSONField):
        # One encoder for the column (json.dumps with cls= makes one per value);
        # JSON text holds no raw tab or line break, only backslashes to double.
        # Made as COPY reads them (_copy_columns): the server parses one part
        # of a batch's 40,000 snapshots while Python encodes the next.
        encode = field.encoder().encode if field.encoder else json.dumps
        return (
            "\\N"
            if value is None
            else text
            if "\\" not in (text := encode(value))
            else _escape(text)
            for value in values
        )
    if all(type(value) is int or value is None for value in values):
        return ["\\N" if value is None else str(value) for value in values]
    # Dates, times, booleans: the same value (an insert's time) written once.
    texts: dict[tuple, str] = {}
    out = []
    for value in values:
        key = (type(value), value)
        text = texts.get(key)
        if text is None:
            text = texts[key] = _copy_text(value, field)
        out.append(text)
    return out


def _copy_columns(cursor, table: str, fields: list, columns: list[list]) -> None:
    """One COPY into `table` of the rows whose `fields` hold `columns` (one list
    of values per field)."""
    quote = cursor.db.ops.quote_name
    texts = [
        _copy_texts(field, values)
        for field, values in zip(fields, columns, strict=True)
    ]
    lines = ("\t".join(cells) + "\n" for cells in zip(*texts, strict=True))
    names = ", ".join(quote(field.column) for field in fields)
    _copy(cursor, f"COPY {quote(table)} ({names}) FROM STDIN", lines)


class _Parts:
    """COPY text read part by part as it is made (psycopg2 reads a file).

    PostgreSQL's server is another process: it parses and writes one part
    while Python makes the next, on the other core, instead of waiting for
    the whole text (40 MB for a batch's snapshots), which never sits in
    memory at once either.
    """

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)
        self.error: Exception | None = None  # what making a part raised

    def read(self, size: int = -1) -> bytes:
        parts, length = [], 0
        try:
            for line in self._lines:
                parts.append(line)
                length += len(line)
                if 0 < size <= length:
                    break
        except Exception as exc:
            self.error = exc
            raise
        # Bytes: Django's connections speak UTF-8.
        return "".join(parts).encode()


def _copy(cursor, sql: str, lines: Iterable[str]) -> None:
    """COPY `lines` in; a failure raises Django's error classes, as execute does,
    and a value that could not be made into text its own error (psycopg2 would
    report it as the COPY's failure)."""
    raw = cursor.cursor
    if not hasattr(raw, "copy_expert"):  # psycopg 3
        with cursor.db.wrap_database_errors, raw.copy(sql) as copy:
            for line in lines:
                copy.write(line)
        return
    parts = _Parts(lines)
    try:
        with cursor.db.wrap_database_errors:
            raw.copy_expert(sql, parts, size=1 << 16)
    except DatabaseError:
        if parts.error is not None:
            raise parts.error from None
        raise


# Field classes whose Python values bulk_insert writes straight into COPY text;
# a model with any other field goes through bulk_create.
_COPY_FIELDS = (
    models.AutoField,
    models.BigAutoField,
    models.CharField,
    models.TextField,
    models.IntegerField,  # and its positive/small/big kinds
    models.BooleanField,
    models.DateTimeField,
    models.DateField,
    models.ForeignKey,
    models.JSONField,
)


def _copyable(model) -> bool:
    meta = model._meta
    if not isinstance(meta.pk, models.AutoField | models.BigAutoField):
        return False
    return all(isinstance(f, _COPY_FIELDS) for f in meta.concrete_fields) and all(
        not isinstance(f, models.ForeignKey)
        or isinstance(f.target_field, models.AutoField | models.BigAutoField)
        for f in meta.concrete_fields
    )


def _escape(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )


def _copy_text(value, field) -> str:
    if value is None:
        return "\\N"
    if isinstance(field, models.JSONField):
        value = json.dumps(value, cls=field.encoder)
    elif isinstance(value, bool):
        return "t" if value else "f"
    elif isinstance(value, int):
        return str(value)
    elif isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    else:
        value = str(value)
    return _escape(value)


def new_rows(model, rows: list[dict]) -> list:
    """Unsaved instances of `model`, one per dict of attnames ("desa_id"), for
    bulk_insert: what model(**row) gives, built a third faster.

    Django's __init__ with keyword arguments looks up every field's default per
    object; here the defaults are taken once per call (a callable default is
    called per row) and each object is built from positional values, the path
    Django takes when it reads rows from the database.
    """
    fields = model._meta.concrete_fields
    _check_names(model, fields, rows)
    plan = [
        (field.attname, field.default, True)
        if field.has_default() and callable(field.default)
        else (field.attname, field.get_default(), False)
        for field in fields
    ]
    objs = []
    for row in rows:
        objs.append(
            model(
                *[
                    row[name] if name in row else default() if call else default
                    for name, default, call in plan
                ]
            )
        )
    return objs


def bulk_insert(model, objs: list) -> list:
    """`bulk_create` for plain models, through COPY on PostgreSQL; the objs get ids.

    Django's bulk_create prepares every value through its field and sends one
    INSERT with a parameter per value: for 24,000 outgoing messages of a BPJS
    result that is seconds of Python. Here the ids are taken from the table's
    sequence first (in order, as bulk_create's RETURNING gives them), each value
    is written as COPY text by its Python type, and the rows go in one COPY.
    A date-time that fills itself on insert (auto_now, auto_now_add) gets the
    insert's one time, set on the objects as bulk_create's pre_save does.
    No save(), no signals: as bulk_create. Up to BULK_SIZE rows (one INSERT
    either way), models with other field kinds, other databases: bulk_create.
    """
    objs = list(objs)
    connection = _copy_target(model, len(objs))
    if connection is None:
        return model._default_manager.bulk_create(objs, batch_size=BULK_SIZE)
    ids, stamps = _copy_insert(
        connection,
        model,
        len(objs),
        lambda field: [getattr(obj, field.attname) for obj in objs],
    )
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
        for attname, stamp in stamps.items():
            setattr(obj, attname, stamp)
        obj._state.adding = False
        obj._state.db = connection.alias
    return objs


def insert_rows(model, rows: list[dict]) -> list[int]:
    """Insert one row per dict of attnames (as `new_rows` takes them) and return
    their ids, in order.

    On PostgreSQL beyond BULK_SIZE rows of a plain model the dicts are written
    as COPY text with no model instance built (a bulk message or history row is
    only ever wanted for its id); a field a dict lacks gets its default, a
    date-time that fills itself on insert the insert's one time. Otherwise:
    bulk_create of `new_rows`.
    """
    connection = _copy_target(model, len(rows))
    if connection is None:
        created = model._default_manager.bulk_create(
            new_rows(model, rows), batch_size=BULK_SIZE
        )
        return [obj.pk for obj in created]
    _check_names(model, model._meta.concrete_fields, rows)

    def column(field) -> list:
        attname = field.attname
        if field.has_default() and callable(field.default):
            return [row[attname] if attname in row else field.default() for row in rows]
        default = field.get_default()
        return [row.get(attname, default) for row in rows]

    return _copy_insert(connection, model, len(rows), column)[0]


def _copy_target(model, count: int):
    """The connection to COPY `count` new rows of `model` through, or None when
    bulk_create serves (one INSERT's rows or fewer, another database, a model
    with other field kinds)."""
    connection = connections[router.db_for_write(model)]
    if count > BULK_SIZE and connection.vendor == "postgresql" and _copyable(model):
        return connection
    return None


def _copy_insert(
    connection, model, count: int, column: Callable[[models.Field], list]
) -> tuple[list[int], dict[str, object]]:
    """COPY `count` new rows: ids from the table's sequence, the insert's time in
    the fields that fill themselves, `column(field)` for every other field.
    Returns the ids in order and the times given ({attname: value})."""
    fields = list(model._meta.concrete_fields)
    with connection.cursor() as cursor:
        ids = _next_ids(cursor, model, count)
        now = timezone.now()
        stamps = {f.attname: _stamp(f, now) for f in fields if _fills_itself(f)}
        columns = [
            ids
            if field.primary_key
            else [stamps[field.attname]] * count
            if field.attname in stamps
            else column(field)
            for field in fields
        ]
        _copy_columns(cursor, model._meta.db_table, fields, columns)
    return ids, stamps


def _check_names(model, fields: list, rows: list[dict]) -> None:
    attnames = {field.attname for field in fields}
    for row in rows:
        if not row.keys() <= attnames:
            raise TypeError(
                f"{model.__name__} has no field {sorted(row.keys() - attnames)}"
            )


def _next_ids(cursor, model, count: int) -> list[int]:
    """`count` ids from the table's sequence, in order."""
    meta = model._meta
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
        [meta.db_table, meta.pk.column, count],
    )
    return [row[0] for row in cursor.fetchall()]


def _fills_itself(field) -> bool:
    """A date or date-time that takes the insert's time (auto_now, auto_now_add)."""
    return getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)


def _stamp(field, now: datetime.datetime):
    """What such a field's pre_save gives on insert: now, or today's date."""
    if isinstance(field, models.DateTimeField):
        return now
    return timezone.localdate(now)  # date.today() in the office's time zone
