"""A month's volumes as each agency's total per service, for work that reads
many months one after another and needs only the amounts (the what-if over
years of history).

The rater sums an agency's records of a service before it prices them
(rating/rater.py, one line per service), so one record of the month's total
per service is priced exactly as the records it sums. Read as plain rows,
without an ORM object per row: the identity map and attribute instrumentation
of a million rows cost more time and memory than the rating they feed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal

from sqlalchemy import String, select, type_coerce
from sqlalchemy.orm import Session

from billing.domain.volume import VolumeRecord
from billing.period import Month
from billing.persistence.models import VolumeRow

TOTAL_SOURCE = "månadens summa"  # what a summed record says it is (it has no id of its own)


def month_service_totals(session: Session, period: Month,
                         organisation_numbers: Mapping[int, str]) -> dict[int, list[VolumeRecord]]:
    """By agency id, one record per service: the sum of the month's records in
    force (not superseded), without id or reference."""
    # The quantity's stored text, made a Decimal here: ExactDecimal's own
    # conversion (the same Decimal(text)) costs a call per row through the type system.
    query = (select(VolumeRow.agency_id, VolumeRow.service_code, type_coerce(VolumeRow.quantity, String))
             .where(VolumeRow.period == period, VolumeRow.superseded_by_id.is_(None)))
    totals: dict[tuple[int, str], Decimal] = {}
    zero = Decimal(0)
    for agency_id, service, quantity in session.execute(query):
        key = (agency_id, service)
        totals[key] = totals.get(key, zero) + Decimal(quantity)
    result: dict[int, list[VolumeRecord]] = defaultdict(list)
    for (agency_id, service), quantity in sorted(totals.items()):
        result[agency_id].append(VolumeRecord(None, period, organisation_numbers.get(agency_id, ""),
                                              service, quantity, TOTAL_SOURCE))
    return result


def monthly_service_totals(session: Session, months: Iterable[Month],
                           organisation_numbers: Mapping[int, str]
                           ) -> Iterator[tuple[Month, dict[int, list[VolumeRecord]]]]:
    """Each month with its totals, read when the consumer asks for it: one month held at a time."""
    for month in months:
        yield month, month_service_totals(session, month, organisation_numbers)
