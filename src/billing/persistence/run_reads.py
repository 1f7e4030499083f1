"""What the guards before a run read: each month's volume totals per agency and
service, and the newest document date, each in one query."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from billing.period import Month
from billing.persistence.models import AgencyRow, ImportBatch, InvoiceRow, VolumeRow


def volume_totals(session: Session, months: Sequence[Month]) -> dict[Month, dict[tuple[str, str], Decimal]]:
    """For each month, the total quantity in force per (organisation number,
    service code). One query for all months; the sum is taken here, not in SQL,
    because quantities are stored as exact decimal text (persistence/types.py)."""
    totals: dict[Month, dict[tuple[str, str], Decimal]] = {m: {} for m in months}
    query = (select(VolumeRow.period, AgencyRow.organisation_number, VolumeRow.service_code,
                    VolumeRow.quantity).join(AgencyRow)
             .where(VolumeRow.period.in_(list(months)), VolumeRow.superseded_by_id.is_(None)))
    for period, org, code, quantity in session.execute(query):
        month_totals = totals[period]
        month_totals[org, code] = month_totals.get((org, code), Decimal(0)) + quantity
    return totals


def latest_issue_date(session: Session) -> tuple[int, date] | None:
    """The number and date of the issued document with the latest date (the
    highest number among those of that date), or None before the first."""
    newest = session.scalar(select(func.max(InvoiceRow.issue_date)))
    if newest is None:
        return None
    number = session.scalar(select(func.max(InvoiceRow.number)).where(InvoiceRow.issue_date == newest))
    return number, newest


def correction_reasons(session: Session, month: Month, agency_id: int | None = None) -> dict[int, list[str]]:
    """For each agency (or the one agency), the reasons of the correction
    batches (only a correction keeps a reason) whose volume records of
    ``month`` are in force, in batch order. Every agency's, not a list of them:
    that list would be an IN of one parameter per agency."""
    criteria = [] if agency_id is None else [VolumeRow.agency_id == agency_id]
    query = (select(VolumeRow.agency_id, ImportBatch.id, ImportBatch.reason).join(ImportBatch)
             .where(VolumeRow.period == month, *criteria,
                    VolumeRow.superseded_by_id.is_(None), ImportBatch.reason != "")
             .distinct().order_by(VolumeRow.agency_id, ImportBatch.id))
    reasons: dict[int, list[str]] = {}
    for agency_id, _, reason in session.execute(query):
        if reason not in reasons.setdefault(agency_id, []):
            reasons[agency_id].append(reason)
    return reasons
