"""Recording which file was taken in, by whom and when."""

from __future__ import annotations

import getpass
import hashlib
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from billing.persistence.models import ImportBatch


def operator() -> str:
    """The operating-system user, as recorded on every change of state."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def record_batch(session: Session, kind: str, path: Path, added: int, skipped: int,
                 sha256: str | None = None) -> ImportBatch:
    batch = ImportBatch(kind=kind, file_name=str(path), file_sha256=sha256 or file_sha256(path),
                        imported_at=now(), imported_by=operator(), records_added=added,
                        records_skipped=skipped)
    session.add(batch)
    session.flush()
    return batch
