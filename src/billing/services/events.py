"""Who did what, when: the event log, one row per action that changed state."""

from __future__ import annotations

import getpass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from billing.persistence.journal import append_to_journal, event_as_record
from billing.persistence.models import EventRow


def operator() -> str:
    """The operating-system user, as recorded on every change of state."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def now() -> datetime:
    """UTC, without a zone, as every timestamp is stored."""
    return datetime.now(UTC).replace(tzinfo=None)


def record_event(session: Session, action: str, arguments: dict[str, str], summary: str) -> None:
    """Written in the action's own transaction: an action that fails leaves no
    event, and no action that changed state can commit without one. Linked
    into the journal in the same transaction."""
    event = EventRow(occurred_at=now(), os_user=operator(), action=action, arguments=arguments,
                     summary=summary)
    session.add(event)
    session.flush()
    append_to_journal(session, [event_as_record(event)])


def read_events(session: Session, limit: int | None = None) -> list[EventRow]:
    """The newest ``limit`` events (all when None), oldest first."""
    query = select(EventRow).order_by(EventRow.id.desc())
    if limit:
        query = query.limit(limit)
    return list(reversed(session.scalars(query).all()))
