"""The database in bulk: lookups by case-insensitive key, fast inserts, stored totals.

An import writes thousands of rows at once; these are the few statements it needs,
with COPY on PostgreSQL and batched inserts elsewhere.
"""

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.db.models.functions import Lower
from django.utils import timezone

BATCH = 2000
LOOKUP_CHUNK = 500

T = TypeVar("T")
M = TypeVar("M", bound=models.Model)


def chunks(items: Sequence[T], size: int = LOOKUP_CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def by_lower(model: type[M], field_name: str, names: set[str]) -> dict[str, M]:
    """The rows of ``model`` whose ``field_name`` is one of ``names`` (lower case),
    by that lower-case value."""
    found = {}
    for chunk in chunks(sorted(names)):
        queryset = model._default_manager.annotate(_key=Lower(field_name)).filter(_key__in=chunk)
        for obj in queryset:
            found[getattr(obj, field_name).lower()] = obj
    return found


def insert_rows(model: type[M], objects: Iterable[M], *, keys: bool = False) -> None:
    """Insert unsaved ``objects`` of ``model``: with COPY on PostgreSQL, in batches of
    ``bulk_create`` elsewhere. With ``keys`` their primary keys are set too.

    COPY skips ``Model.save()`` like ``bulk_create`` does, and the database checks
    every constraint (the exclusion constraint on usages included) as for an INSERT.
    """
    if connection.vendor != "postgresql":
        # SQLite (3.35+) returns the keys of a bulk insert.
        batch: list[M] = []
        for obj in objects:
            batch.append(obj)
            if len(batch) == BATCH:
                model._default_manager.bulk_create(batch)
                batch = []
        if batch:
            model._default_manager.bulk_create(batch)
        return
    meta = model._meta
    fields = [field for field in meta.concrete_fields if keys or not field.primary_key]
    quote = connection.ops.quote_name
    now = timezone.now()
    with connection.cursor() as cursor:
        if keys:
            keyed = list(objects)
            objects = keyed
            if keyed:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [meta.db_table, meta.pk.column, len(keyed)],
                )
                for obj, (pk,) in zip(keyed, cursor.fetchall(), strict=True):
                    obj.pk = pk
        stamped = [
            field.attname
            for field in fields
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        ]
        jsons = {field.attname for field in fields if isinstance(field, models.JSONField)}
        attnames = [field.attname for field in fields]
        columns = ", ".join(quote(field.column) for field in fields)
        # The raw psycopg cursor raises psycopg's errors; the wrapper turns them into
        # Django's, which the imports report as a refusal (not a traceback).
        with (
            connection.wrap_database_errors,
            cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy,
        ):
            for obj in objects:
                for name in stamped:
                    if getattr(obj, name) is None:
                        setattr(obj, name, now)
                copy.write_row(
                    [
                        json.dumps(getattr(obj, name), cls=DjangoJSONEncoder)
                        if name in jsons
                        else getattr(obj, name)
                        for name in attnames
                    ]
                )


def insert_values(
    model: type[models.Model], attnames: list[str], rows: Iterable[tuple[Any, ...]]
) -> None:
    """Insert rows given as tuples of ``attnames`` values (every other column takes
    its database value, so ``attnames`` must name every required column).

    On PostgreSQL a binary COPY, in the columns' own types as the catalog gives them:
    nothing is formatted as text on this side or parsed on the server's, and the
    database checks every constraint as for an INSERT.
    """
    if connection.vendor != "postgresql":
        insert_rows(model, (model(**dict(zip(attnames, row, strict=True))) for row in rows))
        return
    quote = connection.ops.quote_name
    table = model._meta.db_table
    column_of = {field.attname: field.column for field in model._meta.concrete_fields}
    names = [column_of[name] for name in attnames]
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.execute(
            "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass "
            "AND attnum > 0 AND NOT attisdropped",
            [quote(table)],
        )
        type_of = dict(cursor.fetchall())
        columns = ", ".join(quote(name) for name in names)
        with cursor.cursor.copy(
            f"COPY {quote(table)} ({columns}) FROM STDIN (FORMAT BINARY)"
        ) as copy:
            copy.set_types([type_of[name] for name in names])
            for row in rows:
                copy.write_row(row)
