"""Inserting many rows in the command's transaction, at the speed of the driver.

A month at scale writes 300,000 volume records, then 10,000 invoices with
340,000 lines and 300,000 links to their records. Through SQLAlchemy's
executemany every row's parameters go through its generic per-row machinery
(a third of the run), and on PostgreSQL psycopg sends one INSERT per row.
Here each column's value is converted once by the column type's own bind
processor (so the database receives exactly what the ORM would store), and
the rows go to the driver in one statement per chunk: ``executemany`` on
SQLite, ``COPY ... FROM STDIN`` through psycopg on PostgreSQL, on the
session's own connection, so in the same transaction and rolled back with it.
The rows are taken from an iterable chunk by chunk: memory is bounded by the
chunk, not by the number of rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import islice

from sqlalchemy import Table
from sqlalchemy.orm import Session

CHUNK_ROWS = 50_000


def insert_rows(session: Session, table: Table, columns: Sequence[str],
                rows: Iterable[Sequence], chunk_rows: int = CHUNK_ROWS) -> int:
    """Insert ``rows`` (tuples of Python values in the order of ``columns``)
    into ``table``; the number of rows inserted. Nothing is returned of them:
    a caller that needs generated keys inserts through SQLAlchemy."""
    connection = session.connection()
    dialect = connection.dialect
    processors = [table.c[name].type._cached_bind_processor(dialect) for name in columns]
    convert = [(index, processor) for index, processor in enumerate(processors) if processor is not None]
    postgres = dialect.name == "postgresql"
    if postgres:
        statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
    else:
        marker = "?" if dialect.paramstyle == "qmark" else "%s"
        statement = (f"INSERT INTO {table.name} ({', '.join(columns)}) "
                     f"VALUES ({', '.join([marker] * len(columns))})")
    written = 0
    iterator = iter(rows)
    while chunk := list(islice(iterator, chunk_rows)):
        if convert:
            chunk = [_converted(row, convert) for row in chunk]
        if postgres:
            _copy(connection, statement, chunk)
        else:
            connection.exec_driver_sql(statement, chunk)
        written += len(chunk)
    return written


def _converted(row: Sequence, convert: list) -> tuple:
    values = list(row)
    for index, processor in convert:
        values[index] = processor(values[index])
    return tuple(values)


def _copy(connection, statement: str, rows: list[tuple]) -> None:
    """COPY on the session's psycopg connection: the transaction's own."""
    cursor = connection.connection.driver_connection.cursor()
    with cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
