"""What the database holds for one batch of a volume file being taken in.

A file of millions of records is taken in batch by batch. The keys of its
records go into a temporary table as each batch is read, so that finding a
batch's stored revisions, the month-end stocks in force and the records the
file gave before (in an earlier batch) are a few joins per batch: no query per
record, no IN list of any length, and nothing held in memory beyond the batch.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Column, Index, Integer, MetaData, String, Table, delete, func, select
from sqlalchemy.orm import Session

from billing.persistence.bulk import insert_rows
from billing.persistence.models import VolumeRow

# The file's keys, one row per record read, with the batch it came in.
_KEYS = Table(
    "volume_import_keys", MetaData(),
    Column("batch_no", Integer, nullable=False),
    Column("line", Integer, nullable=False),
    Column("period", String(7), nullable=False),
    Column("organisation_number", String(11), nullable=False),
    Column("agency_id", Integer),  # None: an agency not in the database
    Column("service_code", String(40), nullable=False),
    Column("reference", String(100), nullable=False),
    Index("volume_import_keys_batch", "batch_no"),
    Index("volume_import_keys_key", "period", "organisation_number", "service_code", "reference"),
    prefixes=["TEMPORARY"])
_VOLUMES = VolumeRow.__table__


@dataclass(frozen=True, slots=True)
class Revision:
    """One stored revision of a volume record, as a batch's checks need it."""

    id: int
    revision: int
    quantity: Decimal
    superseded_by_id: int | None


class FileKeys:
    """The keys of one file's records, in the command's transaction; ``close``
    drops them (a rollback does too, on both databases)."""

    def __init__(self, session: Session):
        self.session = session
        _KEYS.create(session.connection(), checkfirst=True)
        session.execute(delete(_KEYS))  # left by an earlier file refused in this transaction
        self.batch_no = 0

    def add(self, keys: list[dict]) -> int:
        """Store a batch's keys (line, period, organisation_number, agency_id,
        service_code, reference); returns the batch's number."""
        self.batch_no += 1
        if keys:
            # Straight to the driver (COPY on PostgreSQL): the hot path of a
            # file of millions of rows.
            columns = [c.name for c in _KEYS.columns]
            insert_rows(self.session, _KEYS, columns,
                        ((self.batch_no, *(k[c] for c in columns[1:])) for k in keys))
        return self.batch_no

    def earlier_lines(self, batch_no: int) -> dict[int, int]:
        """Line -> the first line that gave the same record in an earlier batch."""
        current, earlier = _KEYS.alias("current_batch"), _KEYS.alias("earlier")
        query = (select(current.c.line, func.min(earlier.c.line))
                 .join(earlier, (earlier.c.period == current.c.period)
                       & (earlier.c.organisation_number == current.c.organisation_number)
                       & (earlier.c.service_code == current.c.service_code)
                       & (earlier.c.reference == current.c.reference)
                       & (earlier.c.batch_no < current.c.batch_no))
                 .where(current.c.batch_no == batch_no)
                 .group_by(current.c.line))
        return dict(self.session.execute(query).all())

    def revisions(self, batch_no: int) -> dict[int, list[Revision]]:
        """Line -> the stored revisions of that line's record, oldest first."""
        query = (select(_KEYS.c.line, _VOLUMES.c.id, _VOLUMES.c.revision, _VOLUMES.c.quantity,
                        _VOLUMES.c.superseded_by_id)
                 .join(_VOLUMES, _same_record())
                 .where(_KEYS.c.batch_no == batch_no)
                 .order_by(_KEYS.c.line, _VOLUMES.c.revision))
        found: dict[int, list[Revision]] = {}
        for line, *revision in self.session.execute(query):
            found.setdefault(line, []).append(Revision(*revision))
        return found

    def stocks_in_force(self, batch_no: int, codes: list[str]) -> Counter:
        """(period, agency_id, service) -> records in force, for the batch's
        records of the given (month-end stock) services."""
        if not codes:
            return Counter()
        wanted = (select(_KEYS.c.period, _KEYS.c.agency_id, _KEYS.c.service_code).distinct()
                  .where(_KEYS.c.batch_no == batch_no, _KEYS.c.service_code.in_(codes))
                  .subquery())
        query = (select(wanted.c.period, wanted.c.agency_id, wanted.c.service_code,
                        func.count(_VOLUMES.c.id))
                 .join(_VOLUMES, (_VOLUMES.c.period == wanted.c.period)
                       & (_VOLUMES.c.agency_id == wanted.c.agency_id)
                       & (_VOLUMES.c.service_code == wanted.c.service_code)
                       & _VOLUMES.c.superseded_by_id.is_(None))
                 .group_by(wanted.c.period, wanted.c.agency_id, wanted.c.service_code))
        return Counter({(period, agency, code): count for period, agency, code, count
                        in self.session.execute(query)})

    def close(self) -> None:
        _KEYS.drop(self.session.connection())


def _same_record():
    return ((_VOLUMES.c.period == _KEYS.c.period) & (_VOLUMES.c.agency_id == _KEYS.c.agency_id)
            & (_VOLUMES.c.service_code == _KEYS.c.service_code)
            & (_VOLUMES.c.reference == _KEYS.c.reference))
