"""Bulk writes for the batch paths (a feed, a file or a selection applies hundreds of changes in
one transaction): what QuerySet.bulk_create and QuerySet.bulk_update write, row for row, without
the ORM's per-value compilation, which for batches of hundreds of rows costs more than the
database's work.

Both keep the ORM's semantics where it matters: each value goes through the field's pre_save()
(auto_now_add) and get_db_prep_save(); related objects are checked as bulk_create checks them;
created rows get their primary keys and _state as from bulk_create. No signals, as with
bulk_create and bulk_update. Anything out of the ordinary (a value that is an expression, a
multi-table model, a field with a database default or its own placeholder) goes to the ORM.

They use a few of Django's private APIs (Model._prepare_related_fields_for_save, _state,
Options.db_returning_fields); tests/test_bulk_writes.py pins each of them and compares the rows
written with the ORM's, so a Django upgrade that changes them fails there, by name."""

from collections.abc import Iterable
from typing import Any

from django.db import connections, router, transaction
from django.db.models import Field, Model
from django.db.models.fields import AutoFieldMixin

# Rows per INSERT statement.
INSERT_ROWS = 250


def rows_insert[M: Model](model: type[M], objs: Iterable[M]) -> list[M]:
    """INSERT the objects, as bulk_create(objs) does: multi-row INSERTs returning the primary
    keys, set on the objects in order."""
    objs = list(objs)
    if not objs:
        return objs
    alias = router.db_for_write(model)
    connection = connections[alias]
    meta = model._meta
    pk = meta.pk
    fields: list[Field[Any, Any]] = [
        field
        for field in meta.concrete_fields
        if not field.generated and not isinstance(field, AutoFieldMixin)
    ]
    if (
        not connection.features.can_return_rows_from_bulk_insert
        or pk is None
        or not isinstance(pk, AutoFieldMixin)
        or list(meta.db_returning_fields) != [pk]
        or meta.parents
        or meta.order_with_respect_to is not None
        or any(field.has_db_default() or hasattr(field, "get_placeholder_sql") for field in fields)
    ):
        return model._default_manager.using(alias).bulk_create(objs)
    rows: list[list[Any]] = []
    for obj in objs:
        # What bulk_create checks: related objects are saved, and their keys are taken.
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
        if obj.pk is not None:
            return model._default_manager.using(alias).bulk_create(objs)
        row = []
        for field in fields:
            value = field.pre_save(obj, True)
            if hasattr(value, "resolve_expression"):
                return model._default_manager.using(alias).bulk_create(objs)
            row.append(field.get_db_prep_save(value, connection))
        rows.append(row)

    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    columns = ", ".join(quote(str(field.column)) for field in fields)
    placeholder = f"({', '.join(['%s'] * len(fields))})"
    insert = f"INSERT INTO {table} ({columns}) VALUES "  # noqa: S608 (quoted names)
    returning = f" RETURNING {table}.{quote(str(pk.column))}"
    # Statements of a fixed number of rows (the last one fewer): the same SQL each time, which
    # SQLite's statement cache prepares once. A statement per size would be compiled for every
    # batch, and the cache would keep up to 128 of them, megabytes each.
    size = min(max(connection.ops.bulk_batch_size(fields, objs), 1), INSERT_ROWS)
    if connection.features.max_query_params:
        size = min(size, max(connection.features.max_query_params // len(fields), 1))
    keys: list[Any] = []
    with (
        transaction.atomic(using=alias, savepoint=False),
        connection.cursor() as cursor,
    ):
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            sql = insert + ", ".join([placeholder] * len(chunk)) + returning
            cursor.execute(sql, [value for row in chunk for value in row])
            keys.extend(key for (key,) in cursor.fetchall())
    assert len(keys) == len(objs)
    for obj, key in zip(objs, keys, strict=True):
        setattr(obj, pk.attname, key)
        obj._state.adding = False
        obj._state.db = alias
    return objs


def rows_update[M: Model](model: type[M], objs: Iterable[M], fields: list[str]) -> None:
    """UPDATE the named fields of each object, as bulk_update(objs, fields) does: one UPDATE by
    primary key executed for every row (in primary-key order), where bulk_update compiles a
    CASE WHEN with a branch per row for each field."""
    objs = sorted(objs, key=lambda obj: obj.pk)
    if not objs:
        return
    connection = connections[router.db_for_write(model)]
    meta = model._meta
    by_name = {field.name: field for field in meta.concrete_fields}
    columns = [by_name[name] for name in fields]
    assert meta.pk is not None and meta.pk not in columns
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(str(column.column))} = %s" for column in columns)
    table, pk = quote(meta.db_table), quote(str(meta.pk.column))
    sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608 (quoted names)
    params = []
    for obj in objs:
        values = []
        for column in columns:
            value = getattr(obj, column.attname)
            if hasattr(value, "resolve_expression"):
                model._default_manager.bulk_update(objs, fields)
                return
            values.append(column.get_db_prep_save(value, connection))
        values.append(obj.pk)
        params.append(values)
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
