"""`billing receivables`: the customer ledger on a day, as report rows."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from billing.reports.receivables import Agency, ReceivablesReport, receivables_report
from billing.services.receivables import ledger_state


def receivables_on(session: Session, day: date | None, today: date) -> ReceivablesReport:
    """As it stood on ``day`` (everything recorded when None, aged on ``today``)."""
    state = ledger_state(session, day, today)
    agencies = {a.id: Agency(a.organisation_number, a.name) for a in state.agencies.values()}
    return receivables_report(state.items, state.remainders, agencies, state.day)
