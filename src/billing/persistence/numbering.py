"""Gapless document numbers."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from billing.persistence.models import NumberSeries

INVOICE_SERIES = "invoice"
FIRST_NUMBER = 1


def take_numbers(session: Session, series: str, count: int) -> range:
    """Reserve ``count`` consecutive numbers of a series, inside the caller's transaction.

    The series row is locked (FOR UPDATE on PostgreSQL; SQLite's BEGIN IMMEDIATE
    already serialises writers) until the transaction ends, so two runs never
    take the same numbers; a rolled-back run gives its numbers back with
    everything else, so the series stays gapless.
    """
    row = session.scalars(select(NumberSeries).where(NumberSeries.name == series)
                          .with_for_update()).one_or_none()
    if row is None:
        row = NumberSeries(name=series, next_number=FIRST_NUMBER)
        session.add(row)
    first = row.next_number
    row.next_number = first + count
    session.flush()
    return range(first, first + count)
