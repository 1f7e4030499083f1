"""The gapless document series and the head of the documents' hash chain."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from billing.invoicing.series import FIRST_NUMBER
from billing.persistence.models import NumberSeries

# One series for invoices and credit notes: a number says where a document
# stands in the order of issue, and the hash chain follows the same order.
DOCUMENT_SERIES = "invoice"


def lock_series(session: Session, series: str = DOCUMENT_SERIES) -> NumberSeries:
    """The series row, locked until the caller's transaction ends.

    FOR UPDATE on PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises
    writers. Two issuers therefore never take the same numbers, and a
    rolled-back issue gives its numbers back with everything else, so the
    series stays gapless.
    """
    row = session.scalars(select(NumberSeries).where(NumberSeries.name == series)
                          .with_for_update()).one_or_none()
    if row is None:
        row = NumberSeries(name=series, next_number=FIRST_NUMBER)
        session.add(row)
        session.flush()
    return row
