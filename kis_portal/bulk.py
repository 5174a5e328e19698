"""Set many rows' own values in one statement (bulk_update without its quadratic CASE)."""

import datetime
import io
import json
from collections.abc import Callable

from django.db import connections, models, router
from django.utils import timezone

BULK_SIZE = 1000


def _plain_text(field, values: list) -> bool:
    """Text values psycopg2 sends as they are: no per-value preparing needed."""
    return type(field) in (models.CharField, models.TextField) and all(
        value is None or type(value) is str for value in values
    )


def bulk_set(model, pks: list[int], columns: dict[str, list]) -> None:
    """Set each row's own values: `columns` maps a field to one value per pk.

    PostgreSQL: one UPDATE joining the values as arrays. Django's bulk_update
    builds one CASE per field and batch, which PostgreSQL evaluates row by row
    (quadratic per batch); the arrays update 40,000 rows in one statement.
    Elsewhere: bulk_update in batches.
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
    quote = connection.ops.quote_name
    fields = [meta.pk, *(meta.get_field(name) for name in columns)]
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


def _writer(field, now: datetime.datetime) -> Callable:
    """obj -> its COPY text for `field`, with the choices made once per field.

    A date-time that fills itself on insert (auto_now, auto_now_add) gets the
    insert's one time, set on the object as bulk_create's pre_save does; any
    other field's value is read as it is.
    """
    attname = field.attname
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        if not isinstance(field, models.DateTimeField):
            return lambda obj: _copy_text(field.pre_save(obj, True), field)
        stamp = _copy_text(now, field)

        def stamped(obj) -> str:
            setattr(obj, attname, now)
            return stamp

        return stamped
    if isinstance(field, models.JSONField) or not isinstance(
        field, models.CharField | models.TextField
    ):
        return lambda obj: _copy_text(getattr(obj, attname), field)

    def text(obj) -> str:
        value = getattr(obj, attname)
        if value is None:
            return "\\N"
        value = value if type(value) is str else str(value)
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            return _escape(value)
        return value

    return text


def new_rows(model, rows: list[dict]) -> list:
    """Unsaved instances of `model`, one per dict of attnames ("desa_id"), for
    bulk_insert: what model(**row) gives, built a third faster.

    Django's __init__ with keyword arguments looks up every field's default per
    object; here the defaults are taken once per call (a callable default is
    called per row) and each object is built from positional values, the path
    Django takes when it reads rows from the database.
    """
    fields = model._meta.concrete_fields
    attnames = {field.attname for field in fields}
    plan = [
        (field.attname, field.default, True)
        if field.has_default() and callable(field.default)
        else (field.attname, field.get_default(), False)
        for field in fields
    ]
    objs = []
    for row in rows:
        if not row.keys() <= attnames:
            raise TypeError(
                f"{model.__name__} has no field {sorted(row.keys() - attnames)}"
            )
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
    No save(), no signals: as bulk_create. Up to BULK_SIZE rows (one INSERT
    either way), models with other field kinds, other databases: bulk_create.
    """
    objs = list(objs)
    if not objs:
        return objs
    connection = connections[router.db_for_write(model)]
    if (
        len(objs) <= BULK_SIZE
        or connection.vendor != "postgresql"
        or not _copyable(model)
    ):
        return model._default_manager.bulk_create(objs, batch_size=BULK_SIZE)
    meta = model._meta
    fields = list(meta.concrete_fields)
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) "
            "FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objs)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        now = timezone.now()
        writers = [_writer(f, now) for f in fields]
        lines = []
        for obj, pk in zip(objs, ids, strict=True):
            obj.pk = pk
            lines.append("\t".join([write(obj) for write in writers]))
            obj._state.adding = False
            obj._state.db = connection.alias
        data = io.StringIO("\n".join(lines) + "\n")
        columns = ", ".join(quote(f.column) for f in fields)
        sql = f"COPY {table} ({columns}) FROM STDIN"
        raw = cursor.cursor
        if hasattr(raw, "copy_expert"):  # psycopg2
            raw.copy_expert(sql, data, size=1 << 16)
        else:  # psycopg 3
            with raw.copy(sql) as copy:
                copy.write(data.getvalue())
    return objs
