"""The journal: one hash chain over every record that must not change or vanish.

Documents, billing runs and events are linked, in the order they were written,
into one append-only chain. Link n records which record it holds (its kind and
key) and its seal, sha256(seal of link n-1 + kind + canonical content of the
record); the first link chains to the empty string. A document's content here
is its own seal (which already covers everything it states and the document
before it) with the run that issued it, so every document seal ever written
stays valid and the journal adds the events and runs beside them.

The canonical content is a JSON text with sorted keys of every stored column
that matters, dates and times as ISO text, so the same record always gives the
same text. Changing, deleting or inserting a record after it was linked no
longer matches the journal (audit/journal_check.py).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from billing.period import Month


class RecordKind(StrEnum):
    DOCUMENT = "document"
    EVENT = "event"
    RUN = "run"


@dataclass(frozen=True, slots=True)
class JournalRecord:
    """A record as the journal sees it: what it is, its key, its canonical content."""

    kind: RecordKind
    key: str
    content: str

    @property
    def name(self) -> str:
        return f"{self.kind} {self.key}"


@dataclass(frozen=True, slots=True)
class ChainLink:
    """One stored link. ``kind`` is kept as stored text: a link of a kind the
    program never writes is itself a finding, not an error."""

    position: int
    kind: str
    key: str
    previous_seal: str
    seal: str

    @property
    def name(self) -> str:
        return f"{self.kind} {self.key}"


@dataclass(frozen=True, slots=True)
class JournalHead:
    """The newest link as recorded beside the chain: its position (the number of
    links) and seal; (0, "") before the first."""

    position: int = 0
    seal: str = ""


def document_record(number: int, seal: str, run_id: int | None) -> JournalRecord:
    return _record(RecordKind.DOCUMENT, number, {"number": number, "seal": seal, "run": run_id})


def run_record(run_id: int, period: Month, run_date: date, started_at: datetime, run_by: str,
               invoice_count: int) -> JournalRecord:
    return _record(RecordKind.RUN, run_id, {
        "id": run_id, "period": str(period), "run_date": run_date.isoformat(),
        "started_at": started_at.isoformat(), "run_by": run_by, "invoice_count": invoice_count})


def event_record(event_id: int, occurred_at: datetime, os_user: str, action: str,
                 arguments: Mapping[str, object], summary: str) -> JournalRecord:
    return _record(RecordKind.EVENT, event_id, {
        "id": event_id, "occurred_at": occurred_at.isoformat(), "os_user": os_user, "action": action,
        "arguments": dict(arguments), "summary": summary})


def link_seal(previous_seal: str, kind: str, content: str) -> str:
    return hashlib.sha256((previous_seal + kind + content).encode()).hexdigest()


def extend(head: JournalHead, records: Sequence[JournalRecord]) -> list[ChainLink]:
    """The links that append ``records``, in order, after ``head``."""
    links: list[ChainLink] = []
    position, previous = head.position, head.seal
    for record in records:
        position += 1
        sealed = link_seal(previous, str(record.kind), record.content)
        links.append(ChainLink(position, str(record.kind), record.key, previous, sealed))
        previous = sealed
    return links


def _record(kind: RecordKind, key: int, content: dict) -> JournalRecord:
    return JournalRecord(kind, str(key), json.dumps(content, sort_keys=True, separators=(",", ":"),
                                                    ensure_ascii=False))
