"""Who did what, when: the event log, one row per action that changed state."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from billing.persistence.journal import append_to_journal, event_as_record
from billing.persistence.models import EventRow


# Who acts when it is not the operating-system user: a person signed in to
# the web ("web:NAME"), set for one request by the web layer (acting_as).
_acting: ContextVar[str | None] = ContextVar("billing_acting_user", default=None)


@contextmanager
def acting_as(name: str) -> Iterator[None]:
    """Within the block, every change of state is recorded as made by ``name``."""
    token = _acting.set(name)
    try:
        yield
    finally:
        _acting.reset(token)


def operator() -> str:
    """Who is acting, as recorded on every change of state: the web user
    when one acts (acting_as), else the operating-system user."""
    acting = _acting.get()
    if acting:
        return acting
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


def event_page(session: Session, offset: int, limit: int) -> tuple[list[EventRow], int]:
    """One page of the event log, newest first, and how many events there are."""
    total = session.scalar(select(func.count()).select_from(EventRow)) or 0
    rows = session.scalars(select(EventRow).order_by(EventRow.id.desc()).offset(offset).limit(limit)).all()
    return list(rows), total


def read_events(session: Session, limit: int | None = None) -> list[EventRow]:
    """The newest ``limit`` events (all when None), oldest first."""
    query = select(EventRow).order_by(EventRow.id.desc())
    if limit:
        query = query.limit(limit)
    return list(reversed(session.scalars(query).all()))
