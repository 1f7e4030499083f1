"""A month as staff see it before billing it: the volumes received per agency
against the previous month, and what the run would do (services/billing_run.py's
own checks and dry run). Reads only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from billing.errors import AlreadyDone, DataError
from billing.period import Month
from billing.persistence.run_reads import volume_totals
from billing.services.agencies import agency_names
from billing.services.billing_run import RunPreview, billed_months, preview_run


@dataclass(frozen=True, slots=True)
class AgencyVolumes:
    organisation_number: str
    name: str
    # (service code, quantity this month, quantity the month before), by code
    services: tuple[tuple[str, Decimal, Decimal], ...]


@dataclass(frozen=True, slots=True)
class MonthStatus:
    month: Month
    previous: Month
    billed: bool
    agencies: tuple[AgencyVolumes, ...]
    preview: RunPreview | None  # None when the run would be refused before rating
    refused: tuple[str, ...]  # why the dry run stopped, as the run would say it


def month_status(session: Session, month: Month, issue_date: date) -> MonthStatus:
    previous = month.previous()
    totals = volume_totals(session, [month, previous])
    names = dict(agency_names(session))
    numbers = sorted({org for org, _ in totals[month]} | {org for org, _ in totals[previous]})
    agencies = []
    for org in numbers:
        codes = sorted({code for o, code in totals[month] if o == org}
                       | {code for o, code in totals[previous] if o == org})
        agencies.append(AgencyVolumes(org, names.get(org, ""), tuple(
            (code, totals[month].get((org, code), Decimal(0)), totals[previous].get((org, code), Decimal(0)))
            for code in codes)))
    try:
        preview, refused = preview_run(session, month, issue_date), ()
    except AlreadyDone as done:
        preview, refused = None, (str(done),)
    except DataError as error:
        preview, refused = None, tuple(str(p) for p in error.problems)
    if preview is not None:
        refused = tuple(p.message for p in preview.refused)
    return MonthStatus(month, previous, month in billed_months(session), tuple(agencies), preview, refused)
