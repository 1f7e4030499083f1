"""Recording which file was taken in, by whom, when and why."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy.orm import Session

from billing.errors import DataError
from billing.persistence.models import ImportBatch
from billing.services.events import now, operator, record_event


_ACTIONS = {"tariffs": "tariffs.load", "agencies": "agencies.import", "volumes": "volumes.import",
            "volume_corrections": "volumes.correct", "pass_through": "passthrough.import",
            "supplier_invoices": "passthrough.allocate"}
_CHUNK = 1 << 20


def file_sha256(path: Path) -> str:
    """The file's hash, read in chunks: a file of any size in bounded memory."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as file:
            while chunk := file.read(_CHUNK):
                digest.update(chunk)
    except OSError as exc:
        raise DataError.single(f"cannot read file: {exc}", file=str(path)) from None
    return digest.hexdigest()


def open_batch(session: Session, kind: str, path: Path, sha256: str | None = None,
               reason: str = "", allow_future: str = "", name: str | None = None) -> ImportBatch:
    """The import batch, stored before its records so that they can point to
    it as they are inserted; ``finish_batch`` gives it its counts and its event.
    ``allow_future``: why periods beyond next month were taken in
    (domain/timing.py), kept in the batch's reason and in the event's arguments.
    ``name``: the file's name where it came from (an upload), in place of ``path``."""
    allow_future = allow_future.strip()
    kept = "; ".join(part for part in (reason, allow_future and f"allow-future: {allow_future}") if part)
    batch = ImportBatch(kind=kind, file_name=name or str(path), file_sha256=sha256 or file_sha256(path),
                        imported_at=now(), imported_by=operator(), records_added=0,
                        records_skipped=0, reason=kept)
    session.add(batch)
    session.flush()
    return batch


def finish_batch(session: Session, batch: ImportBatch, added: int, skipped: int,
                 reason: str = "", allow_future: str = "") -> ImportBatch:
    """The batch's counts, and its event with the reasons given to ``open_batch``."""
    batch.records_added, batch.records_skipped = added, skipped
    allow_future = allow_future.strip()
    arguments = {"file": batch.file_name, "batch": str(batch.id), **({"reason": reason} if reason else {}),
                 **({"allow_future": allow_future} if allow_future else {})}
    record_event(session, _ACTIONS[batch.kind], arguments,
                 f"{added} added, {skipped} unchanged or already there (batch {batch.id})")
    return batch


def record_batch(session: Session, kind: str, path: Path, added: int, skipped: int,
                 sha256: str | None = None, reason: str = "", allow_future: str = "") -> ImportBatch:
    """The import batch of a file taken in at once, and its event in the log."""
    return finish_batch(session, open_batch(session, kind, path, sha256, reason, allow_future),
                        added, skipped, reason, allow_future)
