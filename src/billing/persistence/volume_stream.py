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

from sqlalchemy import String, func, select, type_coerce
from sqlalchemy.orm import Session

from billing.domain.volume import VolumeRecord
from billing.period import Month
from billing.persistence.models import VolumeRow

TOTAL_SOURCE = "månadens summa"  # what a summed record says it is (it has no id of its own)


def month_service_totals(session: Session, period: Month,
                         organisation_numbers: Mapping[int, str]) -> dict[int, list[VolumeRecord]]:
    """By agency id, one record per service: the sum of the month's records in
    force (not superseded), without id or reference."""
    # One row per agency and service, its quantities as their stored text joined
    # by the database (group_concat, string_agg): summed here as Decimals, exactly,
    # where the database's own SUM would go through floating point on SQLite.
    texts = func.aggregate_strings(type_coerce(VolumeRow.quantity, String), " ")
    query = (select(VolumeRow.agency_id, VolumeRow.service_code, texts)
             .where(VolumeRow.period == period, VolumeRow.superseded_by_id.is_(None))
             .group_by(VolumeRow.agency_id, VolumeRow.service_code))
    zero = Decimal(0)
    totals = {(agency_id, service): sum(map(Decimal, quantities.split(" ")), zero)
              for agency_id, service, quantities in session.execute(query)}
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
