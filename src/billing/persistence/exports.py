"""What was exported: the export batches and their records, per document and format.

Records are only ever added, in the export's own transaction. Lists of numbers
are read in chunks, so no statement carries an unbounded IN list.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from billing.domain.exports import ExportFormat
from billing.persistence.bulk import insert_rows
from billing.persistence.models import ExportBatchRow, ExportRecordRow

_CHUNK = 5000
# pg_advisory_xact_lock(namespace, key): the namespace is 'bill' in ASCII, so
# no other user of advisory locks in the same database takes these by chance.
_LOCK_NAMESPACE = 0x62696C6C
_LOCK_KEYS = {fmt: index for index, fmt in enumerate(ExportFormat, start=1)}


@dataclass(frozen=True, slots=True)
class ExportBatch:
    """One export as it is recorded: each document's number with its file."""

    format: ExportFormat
    target: Path
    choice: str
    files: tuple[tuple[int, Path], ...]
    exported_at: datetime
    os_user: str


def lock_exports(session: Session, fmt: ExportFormat) -> None:
    """Exports of one format take turns until the caller's transaction ends, so
    two at once cannot both find a document unexported and both write it.

    PostgreSQL: a transaction-level advisory lock (needs no privilege on any
    table). SQLite: a writing transaction begins IMMEDIATE, which already
    serialises writers.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:namespace, :key)"),
                        {"namespace": _LOCK_NAMESPACE, "key": _LOCK_KEYS[fmt]})


def exported_numbers(session: Session, fmt: ExportFormat, numbers: Sequence[int]) -> set[int]:
    """Those of ``numbers`` exported in ``fmt`` at least once."""
    found: set[int] = set()
    for chunk in _chunks(sorted(set(numbers))):
        found.update(session.scalars(
            select(ExportRecordRow.invoice_number).distinct()
            .where(ExportRecordRow.format == str(fmt), ExportRecordRow.invoice_number.in_(chunk))))
    return found


def last_exported(session: Session, numbers: Iterable[int]) -> dict[int, dict[ExportFormat, datetime]]:
    """Per document, the time (UTC) of its latest export in each format it was exported in."""
    latest: dict[int, dict[ExportFormat, datetime]] = {}
    for chunk in _chunks(sorted(set(numbers))):
        for number, fmt, at in session.execute(
                select(ExportRecordRow.invoice_number, ExportRecordRow.format,
                       func.max(ExportRecordRow.exported_at))
                .where(ExportRecordRow.invoice_number.in_(chunk))
                .group_by(ExportRecordRow.invoice_number, ExportRecordRow.format)):
            latest.setdefault(number, {})[ExportFormat(fmt)] = at
    return latest


def record_export(session: Session, batch: ExportBatch) -> int:
    """The batch and a record per document, flushed (so a refusal by the
    database comes before any file is written); the batch's id."""
    row = ExportBatchRow(format=str(batch.format), exported_at=batch.exported_at, os_user=batch.os_user,
                         target=str(batch.target), choice=batch.choice, document_count=len(batch.files))
    session.add(row)
    session.flush()
    # In bulk: as ORM objects each record would be an INSERT of its own.
    insert_rows(session, ExportRecordRow.__table__,
                ("batch_id", "invoice_number", "format", "exported_at", "os_user", "path"),
                ((row.id, number, str(batch.format), batch.exported_at, batch.os_user, str(path))
                 for number, path in batch.files))
    return row.id


def _chunks(items: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start:start + _CHUNK]
