"""Bulk writes that skip SQLAlchemy's per-row parameter machinery where it costs more than the database."""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import FromClause
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session


def bulk_insert(session: Session, table: FromClause, rows: list[dict[str, Any]]) -> None:
    """INSERT many rows with one driver-level executemany.

    Values go through each column type's own bind processor, exactly as SQLAlchemy would, but once
    per value instead of through its per-row parameter machinery, which costs more than SQLite itself.
    """
    if not rows:
        return
    connection = session.connection()
    names = tuple(rows[0])
    sql, processors = _prepared(table, connection.dialect, names)
    data = [
        tuple(
            value if process is None else process(value)
            for value, process in zip((row[name] for name in names), processors, strict=True)
        )
        for row in rows
    ]
    connection.exec_driver_sql(sql, data)


@functools.lru_cache(maxsize=64)
def _prepared(table: FromClause, dialect: Dialect, names: tuple[str, ...]) -> tuple[str, list[Any]]:
    """The INSERT statement and the columns' bind processors (building those costs milliseconds)."""
    processors = [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names]
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO {table.description} ({', '.join(names)}) VALUES ({', '.join([marker] * len(names))})"
    return sql, processors
