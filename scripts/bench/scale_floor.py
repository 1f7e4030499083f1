"""The floor the engine is measured against: the same rows, parsed and inserted bare.

The volume file is parsed with ``csv`` and its rows, then as many invoice,
invoice-line and line-to-record rows as the engine wrote, are inserted into
plain tables of the same width: with ``sqlite3.executemany`` on SQLite, with
``COPY`` through psycopg on PostgreSQL. No checks, no rating, no sealing: what
no engine can beat on this machine.
"""

from __future__ import annotations

import csv
import sqlite3
import time
from pathlib import Path

# Plain tables as wide as the engine's: volume records, invoices, lines, links.
TABLES = {
    "floor_volume": ("period", "agency", "service", "quantity", "source", "reference",
                     "source_line", "import_id", "revision"),
    "floor_invoice": ("number", "kind", "agency", "organisation_number", "agency_name",
                      "street", "postal_code", "city", "country", "buyer_reference", "period",
                      "issue_date", "due_date", "currency", "net", "vat", "rounding", "payable",
                      "previous_seal", "seal", "run_id"),
    "floor_line": ("invoice_number", "line_no", "area", "part", "service_code", "description",
                   "detail", "quantity", "unit", "unit_code", "unit_price", "amount", "vat_rate",
                   "price_list_id", "tier_steps"),
    "floor_link": ("invoice_number", "line_no", "volume_record_id"),
}


def floor_rows(volume_file: Path, counts: dict[str, int]):
    """table -> rows: the parsed volume rows, and invoices, lines and links as
    many as the engine wrote (``counts``: invoices, lines, links)."""
    with volume_file.open(encoding="utf-8", newline="") as file:
        reader = csv.reader(file)
        next(reader)
        volumes = [(period, org, service, quantity, source, reference, line, 1, 1)
                   for line, (period, org, service, quantity, source, reference)
                   in enumerate(reader, start=2)]
    invoices = [(n, "invoice", n, "202000-0002", f"Myndighet {n:05d}", "Gatan 1", "111 10",
                 "Stockholm", "SE", "KST 1000", "2012-12", "2013-01-08", "2013-02-07", "SEK",
                 "12345.00", "3086.25", "-0.25", "15431.00", "0" * 64, "1" * 64, 1)
                for n in range(1, counts["invoices"] + 1)]
    per_invoice = max(1, counts["lines"] // max(1, counts["invoices"]))
    lines = [(n // per_invoice + 1, n % per_invoice + 1, "payroll", "usage", "PAY-SLIP-DEV",
              "Lönebesked", "", "123", "st", "H87", "15.50", "1906.50", "25", 1, "[]")
             for n in range(counts["lines"])]
    links = [(n // per_invoice + 1, n % per_invoice + 1, n + 1) for n in range(counts["links"])]
    return {"floor_volume": volumes, "floor_invoice": invoices, "floor_line": lines,
            "floor_link": links}


def sqlite_floor(directory: Path, volume_file: Path, counts: dict[str, int]) -> tuple[float, float]:
    """(wall, CPU) seconds to parse and insert the rows into a fresh SQLite file, committed."""
    path = directory / "floor.sqlite"
    path.unlink(missing_ok=True)
    started, cpu = time.perf_counter(), time.process_time()
    connection = sqlite3.connect(path)
    for table, columns in TABLES.items():
        connection.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, {', '.join(columns)})")
    for table, rows in floor_rows(volume_file, counts).items():
        columns = TABLES[table]
        connection.executemany(f"INSERT INTO {table} ({', '.join(columns)}) "
                               f"VALUES ({', '.join('?' * len(columns))})", rows)
    connection.commit()
    connection.close()
    elapsed = time.perf_counter() - started, time.process_time() - cpu
    path.unlink()
    return elapsed


def postgres_floor(conninfo: str, volume_file: Path, counts: dict[str, int]) -> tuple[float, float]:
    """(wall, CPU) seconds to parse and COPY the rows into fresh tables,
    committed; the CPU time is this process's (the client's), as the engine's
    is its own process's."""
    import psycopg

    with psycopg.connect(conninfo) as connection:
        for table in TABLES:
            connection.execute(f"DROP TABLE IF EXISTS {table}")
        connection.commit()
    started, cpu = time.perf_counter(), time.process_time()
    with psycopg.connect(conninfo) as connection:
        for table, columns in TABLES.items():
            connection.execute(f"CREATE TABLE {table} (id serial PRIMARY KEY, "
                               f"{', '.join(c + ' text' for c in columns)})")
        with connection.cursor() as cursor:
            for table, rows in floor_rows(volume_file, counts).items():
                with cursor.copy(f"COPY {table} ({', '.join(TABLES[table])}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
        connection.commit()
    return time.perf_counter() - started, time.process_time() - cpu
