"""A month's volume records read as plain rows, for work that reads many
months one after another (the what-if over years of history).

The same records as mapping.load_volumes, without an ORM object per row: the
identity map and attribute instrumentation of a million rows cost more time
and memory than the rating they feed. Nothing here is written back, so
nothing needs the session to track it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from billing.domain.volume import VolumeRecord
from billing.period import Month
from billing.persistence.models import AgencyRow, VolumeRow


def month_volume_records(session: Session, period: Month) -> dict[int, list[VolumeRecord]]:
    """The month's volume records in force (not superseded), by agency id, in one query."""
    query = (select(VolumeRow.id, VolumeRow.agency_id, AgencyRow.organisation_number,
                    VolumeRow.service_code, VolumeRow.quantity, VolumeRow.source, VolumeRow.reference)
             .join(AgencyRow)
             .where(VolumeRow.period == period, VolumeRow.superseded_by_id.is_(None))
             .order_by(VolumeRow.id))
    result: dict[int, list[VolumeRecord]] = defaultdict(list)
    for record_id, agency_id, org, service, quantity, source, reference in session.execute(query):
        result[agency_id].append(VolumeRecord(record_id, period, org, service, quantity, source, reference))
    return result


def monthly_volume_records(session: Session, months: Iterable[Month]
                           ) -> Iterator[tuple[Month, dict[int, list[VolumeRecord]]]]:
    """Each month with its records, read when the consumer asks for it: one month held at a time."""
    for month in months:
        yield month, month_volume_records(session, month)
