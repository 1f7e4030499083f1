"""Recording which file was taken in, by whom, when and why."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy.orm import Session

from billing.persistence.models import ImportBatch
from billing.services.events import now, operator, record_event


_ACTIONS = {"tariffs": "tariffs.load", "agencies": "agencies.import", "volumes": "volumes.import",
            "volume_corrections": "volumes.correct", "pass_through": "passthrough.import",
            "supplier_invoices": "passthrough.allocate"}


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def record_batch(session: Session, kind: str, path: Path, added: int, skipped: int,
                 sha256: str | None = None, reason: str = "", allow_future: str = "") -> ImportBatch:
    """The import batch, and its event in the log. ``allow_future``: why periods
    beyond next month were taken in (domain/timing.py), kept in the batch's
    reason and in the event's arguments."""
    allow_future = allow_future.strip()
    kept = "; ".join(part for part in (reason, allow_future and f"allow-future: {allow_future}") if part)
    batch = ImportBatch(kind=kind, file_name=str(path), file_sha256=sha256 or file_sha256(path),
                        imported_at=now(), imported_by=operator(), records_added=added,
                        records_skipped=skipped, reason=kept)
    session.add(batch)
    session.flush()
    arguments = {"file": str(path), "batch": str(batch.id), **({"reason": reason} if reason else {}),
                 **({"allow_future": allow_future} if allow_future else {})}
    record_event(session, _ACTIONS[kind], arguments,
                 f"{added} added, {skipped} unchanged or already there (batch {batch.id})")
    return batch
