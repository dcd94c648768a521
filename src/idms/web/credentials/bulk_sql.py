"""Fast multi-row writes for imports.

Django's ``bulk_create`` spends most of an import preparing each value of each model instance;
an import of a million events cannot afford that. Rows here are plain tuples in field order.
On SQLite they go through one prepared INSERT (or upsert) run with executemany, dates and times
through the backend's own adapters, so what lands in the table is what the ORM would write. On
PostgreSQL they go through COPY (into a temporary staging table first for an upsert), which is
several times faster than any INSERT the client can send.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Any

from django.db import connection, models

# SQLite allows 32766 bound parameters per statement; stay far below for IN (...) lookups.
LOOKUP_CHUNK = 900


class RowWriter:
    """INSERT rows into ``model``'s table; with ``conflict``, update ``update`` on a clash."""

    def __init__(
        self,
        model: type[models.Model],
        fields: Sequence[str],
        *,
        conflict: str | None = None,
        update: Sequence[str] = (),
    ) -> None:
        meta = model._meta
        columns = [meta.get_field(name).column for name in fields]  # type: ignore[union-attr]
        quote = connection.ops.quote_name
        sql = (
            f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
            f"VALUES ({', '.join(['%s'] * len(columns))})"
        )
        if conflict is not None:
            assignments = ", ".join(
                f"{quote(column)} = excluded.{quote(column)}"
                for column in (meta.get_field(name).column for name in update)  # type: ignore[union-attr]
            )
            key = quote(meta.get_field(conflict).column)  # type: ignore[union-attr]
            sql += f" ON CONFLICT ({key}) DO UPDATE SET {assignments}"
        self.sql = sql
        self.table = quote(meta.db_table)
        self.column_list = ", ".join(quote(c) for c in columns)
        self.upsert_tail = sql[sql.index(" ON CONFLICT") :] if conflict is not None else ""
        self.staging = quote(f"staging_{meta.db_table}")
        self._staged = False
        self.adapters: list[tuple[int, Callable[[Any], Any]]] = []
        for index, name in enumerate(fields):
            kind = meta.get_field(name).get_internal_type()
            if kind == "DateTimeField":
                self.adapters.append((index, connection.ops.adapt_datetimefield_value))
            elif kind == "DateField":
                self.adapters.append((index, connection.ops.adapt_datefield_value))

    def write(self, rows: Iterable[Sequence[Any]]) -> None:
        if connection.vendor == "postgresql":
            self._copy(rows)
        else:
            self._insert(rows)

    def _copy(self, rows: Iterable[Sequence[Any]]) -> None:
        with connection.cursor() as wrapper:
            cursor = wrapper.cursor  # the psycopg cursor: COPY is not part of the DB-API
            target = self.table
            if self.upsert_tail:
                if not self._staged:
                    cursor.execute(
                        f"CREATE TEMPORARY TABLE IF NOT EXISTS {self.staging} "
                        f"(LIKE {self.table} INCLUDING DEFAULTS) ON COMMIT DROP"
                    )
                    self._staged = True
                cursor.execute(f"TRUNCATE {self.staging}")
                target = self.staging
            with cursor.copy(f"COPY {target} ({self.column_list}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            if self.upsert_tail:
                cursor.execute(
                    f"INSERT INTO {self.table} ({self.column_list}) "
                    f"SELECT {self.column_list} FROM {self.staging}{self.upsert_tail}"
                )

    def _insert(self, rows: Iterable[Sequence[Any]]) -> None:
        adapters = self.adapters
        prepared = []
        for row in rows:
            values = list(row)
            for index, adapt in adapters:
                if values[index] is not None:
                    values[index] = adapt(values[index])
            prepared.append(values)
        if prepared:
            with connection.cursor() as cursor:
                cursor.executemany(self.sql, prepared)


def select_where_in(
    model: type[models.Model], fields: Sequence[str], key: str, values: Collection[str]
) -> list[tuple[Any, ...]]:
    """Rows (``fields`` in order) whose ``key`` is one of ``values``.

    On PostgreSQL the keys travel as one array parameter, bound on the server: the ORM's
    ``IN (...)`` quotes every value into the SQL text, which for thousands of keys costs more than
    the lookup itself. Elsewhere the ORM's ``IN`` is used, in chunks below SQLite's limit on
    bound parameters.
    """
    if connection.vendor != "postgresql":
        manager = model._default_manager
        keys = list(values)
        return [
            row
            for start in range(0, len(keys), LOOKUP_CHUNK)
            for row in manager.filter(
                **{f"{key}__in": keys[start : start + LOOKUP_CHUNK]}
            ).values_list(*fields)
        ]
    import psycopg  # only PostgreSQL comes here

    meta = model._meta
    quote = connection.ops.quote_name
    field = meta.get_field
    columns = ", ".join(quote(field(name).column) for name in fields)  # type: ignore[union-attr]
    column = quote(field(key).column)  # type: ignore[union-attr]
    sql = f"SELECT {columns} FROM {quote(meta.db_table)} WHERE {column} = ANY(%s)"
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, [list(values)])
        return cursor.fetchall()
