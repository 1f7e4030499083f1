"""A second floor: the same rows, inserted bare into the engine's own tables.

The floor of scale_floor.py inserts into plain tables with no key but the row
id. The engine's tables carry what the ledger needs: primary keys over
(invoice, line) and (invoice, line, record), foreign keys to agencies, price
lists and volume records, the unique key of a volume record's revision, the
indexes the audit and trace look up by. This floor pays for exactly those and
nothing else: the volume file parsed with ``csv``, its rows and as many
invoice, line and link rows as the engine wrote inserted with bare
``executemany`` (SQLite, with the engine's pragmas: foreign keys on, WAL) or
``COPY`` (PostgreSQL), into a copy of the database taken after the agencies
were imported, in one transaction. No checks, no rating, no sealing: what no
engine on this schema can beat on this machine. The gap between the two
floors is the schema's cost; the gap above this one is the engine's.
"""

from __future__ import annotations

import csv
import time
from pathlib import Path

_BATCH = ("INSERT INTO import_batches (kind, file_name, file_sha256, imported_at, imported_by, "
          "records_added, records_skipped, reason) VALUES ('volumes', 'floor', '', "
          "'2013-01-08 00:00:00', 'floor', 0, 0, '')")
_RUN = ("INSERT INTO billing_runs (period, run_date, started_at, run_by, invoice_count) "
        "VALUES ('2012-12', '2013-01-08', '2013-01-08 00:00:00', 'floor', 0)")
VOLUME = ("period", "agency_id", "service_code", "quantity", "source", "reference", "import_id",
          "source_line", "revision")
INVOICE = ("number", "kind", "agency_id", "organisation_number", "agency_name", "buyer_street",
           "buyer_postal_code", "buyer_city", "buyer_country", "buyer_reference", "period",
           "issue_date", "due_date", "currency", "net", "vat", "rounding", "payable",
           "previous_seal", "seal", "run_id")
LINE = ("invoice_number", "line_no", "area", "part", "service_code", "description", "detail",
        "quantity", "unit", "unit_code", "unit_price", "amount", "vat_rate", "price_list_id",
        "tier_steps")
LINK = ("invoice_number", "line_no", "volume_record_id")


def _volume_rows(volume_file: Path, agencies: dict[str, int], batch: int):
    with volume_file.open(encoding="utf-8", newline="") as file:
        reader = csv.reader(file)
        next(reader)
        for line, (period, org, service, quantity, source, reference) in enumerate(reader, start=2):
            yield period, agencies[org], service, quantity, source, reference, batch, line, 1


def _document_rows(counts: dict[str, int], agencies: list[tuple[str, int]], run: int,
                   price_list: str, volume_ids: list[int]):
    invoices = [(n, "invoice", agency_id, org, f"Myndighet {n:05d}", "Gatan 1", "111 10", "Stockholm",
                 "SE", "KST 1000", "2012-12", "2013-01-08", "2013-02-07", "SEK", "12345.00",
                 "3086.25", "-0.25", "15431.00", "0" * 64, "1" * 64, run)
                for n, (org, agency_id) in enumerate(agencies[:counts["invoices"]], start=1)]
    per_invoice = max(1, counts["lines"] // max(1, counts["invoices"]))
    lines = [(n // per_invoice + 1, n % per_invoice + 1, "payroll", "usage", "PAY-SLIP-DEV",
              "Lönebesked", "", "123", "st", "H87", "15.50", "1906.50", "25", price_list, "[]")
             for n in range(min(counts["lines"], per_invoice * len(invoices)))]
    links = [(n // per_invoice + 1, n % per_invoice + 1, volume_ids[n])
             for n in range(min(counts["links"], len(lines), len(volume_ids)))]
    return invoices, lines, links


def sqlite_schema_floor(path: Path, volume_file: Path, counts: dict[str, int]) -> tuple[float, float]:
    """(wall, CPU) seconds into the SQLite copy at ``path``, committed."""
    import sqlite3

    started, cpu = time.perf_counter(), time.process_time()
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA foreign_keys = ON")
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("BEGIN")
    agencies = connection.execute("SELECT organisation_number, id FROM agencies ORDER BY id").fetchall()
    batch = connection.execute(_BATCH).lastrowid
    connection.executemany(_insert(connection, "volume_records", VOLUME),
                           _volume_rows(volume_file, dict(agencies), batch))
    volume_ids = [i for (i,) in connection.execute("SELECT id FROM volume_records ORDER BY id")]
    run = connection.execute(_RUN).lastrowid
    price_list = connection.execute("SELECT min(id) FROM price_lists").fetchone()[0]
    for table, columns, rows in zip(("invoices", "invoice_lines", "invoice_line_volumes"),
                                    (INVOICE, LINE, LINK),
                                    _document_rows(counts, agencies, run, price_list, volume_ids)):
        connection.executemany(_insert(connection, table, columns), rows)
    connection.execute("COMMIT")
    connection.close()
    return time.perf_counter() - started, time.process_time() - cpu


def postgres_schema_floor(conninfo: str, volume_file: Path, counts: dict[str, int]) -> tuple[float, float]:
    """(wall, CPU) seconds into the PostgreSQL copy at ``conninfo``, committed;
    the CPU time is this process's (the client's), as the engine's is its own."""
    import psycopg

    started, cpu = time.perf_counter(), time.process_time()
    with psycopg.connect(conninfo) as connection, connection.cursor() as cursor:
        agencies = cursor.execute("SELECT organisation_number, id FROM agencies ORDER BY id").fetchall()
        batch = cursor.execute(_BATCH + " RETURNING id").fetchone()[0]
        _copy(cursor, "volume_records", VOLUME, _volume_rows(volume_file, dict(agencies), batch))
        volume_ids = [i for (i,) in cursor.execute("SELECT id FROM volume_records ORDER BY id")]
        run = cursor.execute(_RUN + " RETURNING id").fetchone()[0]
        price_list = cursor.execute("SELECT min(id) FROM price_lists").fetchone()[0]
        for table, columns, rows in zip(("invoices", "invoice_lines", "invoice_line_volumes"),
                                        (INVOICE, LINE, LINK),
                                        _document_rows(counts, agencies, run, price_list, volume_ids)):
            _copy(cursor, table, columns, rows)
        connection.commit()
    return time.perf_counter() - started, time.process_time() - cpu


def _insert(connection, table: str, columns: tuple[str, ...]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


def _copy(cursor, table: str, columns: tuple[str, ...], rows) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
