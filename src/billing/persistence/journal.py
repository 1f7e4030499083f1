"""The journal as stored: links appended in the writer's transaction, and read
back with every record it covers (billing.audit.journal)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from billing.audit.journal import (ChainLink, JournalHead, JournalRecord, document_record, event_record,
                                   extend, run_record)
from billing.persistence.models import BillingRunRow, ChainHeadRow, ChainLinkRow, EventRow, InvoiceRow

JOURNAL = "journal"


def append_to_journal(session: Session, records: Sequence[JournalRecord]) -> None:
    """Link ``records``, in order, after the journal's head.

    The head row is locked until the caller's transaction ends (FOR UPDATE on
    PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers), so two
    writers append in turn and never to the same head. Taken after the
    document series' row wherever both are, so writers never wait on each other
    in a circle.
    """
    if not records:
        return
    head = session.scalars(select(ChainHeadRow).where(ChainHeadRow.name == JOURNAL).with_for_update()
                           .execution_options(populate_existing=True)).one_or_none()
    if head is None:  # migration 0003 writes it; a database emptied by hand starts again
        head = ChainHeadRow(name=JOURNAL, position=0, seal="")
        session.add(head)
    links = extend(JournalHead(head.position, head.seal), records)
    session.execute(insert(ChainLinkRow.__table__), [
        dict(position=link.position, kind=link.kind, record_key=link.key, previous_seal=link.previous_seal,
             seal=link.seal) for link in links])
    head.position, head.seal = links[-1].position, links[-1].seal
    session.flush()


def document_records(numbers_seals_runs: Sequence[tuple[int, str, int | None]]) -> list[JournalRecord]:
    return [document_record(number, seal, run_id) for number, seal, run_id in numbers_seals_runs]


def run_as_record(row: BillingRunRow) -> JournalRecord:
    return run_record(row.id, row.period, row.run_date, row.started_at, row.run_by, row.invoice_count)


def event_as_record(row: EventRow) -> JournalRecord:
    return event_record(row.id, row.occurred_at, row.os_user, row.action, row.arguments, row.summary)


def journal_links(session: Session) -> list[ChainLink]:
    """Every stored link, by position."""
    return [ChainLink(r.position, r.kind, r.record_key, r.previous_seal, r.seal) for r in session.execute(
        select(ChainLinkRow.position, ChainLinkRow.kind, ChainLinkRow.record_key, ChainLinkRow.previous_seal,
               ChainLinkRow.seal).order_by(ChainLinkRow.position))]


def journal_head(session: Session) -> JournalHead:
    row = session.scalars(select(ChainHeadRow).where(ChainHeadRow.name == JOURNAL)).one_or_none()
    return JournalHead() if row is None else JournalHead(row.position, row.seal)


def journal_records(session: Session) -> list[JournalRecord]:
    """Every document, billing run and event stored now, as the journal sees them."""
    documents = document_records(session.execute(
        select(InvoiceRow.number, InvoiceRow.seal, InvoiceRow.run_id).order_by(InvoiceRow.number)).all())
    runs = [run_as_record(row) for row in session.scalars(select(BillingRunRow).order_by(BillingRunRow.id))]
    events = [event_as_record(row) for row in session.scalars(select(EventRow).order_by(EventRow.id))]
    return documents + runs + events
