"""Taking in volume records: imports, and corrections that supersede records.

A whole file is taken in or nothing. A stored record is never edited: a
correction adds the record's next revision and marks the old one superseded,
so what an invoice was based on stays readable.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from billing.domain.catalogue import Measure
from billing.domain.timing import check_not_future
from billing.domain.volume import RecordKey, record_key, volume_key
from billing.errors import DataError, Problem
from billing.files.volumes_csv import read_volumes
from billing.persistence.locks import lock_billing
from billing.persistence.mapping import agency_ids, load_agencies
from billing.persistence.models import AgencyRow, VolumeRow
from billing.services.batches import record_batch
from billing.services.billing_run import billed_months
from billing.services.catalogue import stored_catalogue

CORRECT_HINT = "use 'billing volumes correct FILE --reason TEXT'"


@dataclass(frozen=True)
class VolumeImport:
    added: int
    skipped: int  # already there with the same quantity
    superseded: int = 0  # records a correction replaced


def import_volumes(session: Session, path: Path, allow_future: str = "") -> VolumeImport:
    """New records only: a changed quantity, or a record for a month already
    invoiced to the agency, is a correction and is refused here. A period
    beyond next month needs ``allow_future``, the reason (domain/timing.py)."""
    return _take_in(session, path, reason="", allow_future=allow_future)


def correct_volumes(session: Session, path: Path, reason: str, allow_future: str = "") -> VolumeImport:
    """Corrected or late records: each supersedes the record with the same
    period, agency, service and reference, if there is one."""
    if not reason.strip():
        raise DataError.single("a correction needs a reason (--reason)", field="reason")
    return _take_in(session, path, reason=reason.strip(), allow_future=allow_future)


def _take_in(session: Session, path: Path, reason: str, allow_future: str = "") -> VolumeImport:
    # Before anything is read: a run of a month in this file waits for the
    # import, or the import for the run, and the "billed" check below is made
    # under the lock (persistence/locks.py).
    lock_billing(session)
    correcting = bool(reason)
    catalogue = stored_catalogue(session)
    records = read_volumes(path, catalogue)
    check_not_future(str(path), ((line, r.period) for line, r in records), date.today(), allow_future)
    periods = sorted({r.period for _, r in records})
    ids = agency_ids(session)
    agencies = load_agencies(session, sorted({ids[r.organisation_number] for _, r in records
                                              if r.organisation_number in ids}))
    billed = billed_months(session)
    history: dict[RecordKey, list[VolumeRow]] = {}
    for row, org in session.execute(select(VolumeRow, AgencyRow.organisation_number).join(AgencyRow)
                                    .where(VolumeRow.period.in_(periods))
                                    .order_by(VolumeRow.revision)):
        history.setdefault(volume_key(row.period, org, row.service_code, row.reference), []).append(row)
    active_stock = Counter(key[:3] for key, rows in history.items()
                           if rows[-1].superseded_by_id is None
                           and catalogue[key[2]].measure is Measure.STOCK)

    problems: list[Problem] = []
    new_rows: list[dict] = []
    replacing: list[tuple[VolumeRow, VolumeRow]] = []
    skipped = 0

    def fail(line: int, field: str, message: str) -> None:
        problems.append(Problem(message, str(path), line, field))

    for line, record in records:
        agency_id = ids.get(record.organisation_number)
        if agency_id is None:
            fail(line, "organisation_number", f"unknown agency {record.organisation_number}")
            continue
        agency = agencies[agency_id]
        service = catalogue[record.service]
        agreement = agency.agreement_for(service.area, record.period)
        if agreement is None:
            fail(line, "service", f"{agency.name} has no {service.area} agreement in force "
                                  f"in {record.period}")
            continue
        if not agreement.covers(record.service):
            fail(line, "service", f"{agency.name}'s {service.area} agreement does not cover "
                                  f"{record.service}")
            continue
        key = record_key(record)
        revisions = history.get(key, [])
        active = revisions[-1] if revisions and revisions[-1].superseded_by_id is None else None
        if active is not None and active.quantity == record.quantity:
            skipped += 1
            continue
        if not correcting:
            if any(r.quantity == record.quantity for r in revisions):
                skipped += 1  # the original file again, after a correction of it
                continue
            if revisions:
                fail(line, "quantity", f"already imported with quantity {revisions[-1].quantity}; "
                                       f"a changed quantity is a correction: {CORRECT_HINT}")
                continue
            if record.period in billed:
                fail(line, "period", f"{record.period} is already billed; late volumes for "
                                     f"{agency.name} are a correction: {CORRECT_HINT}")
                continue
        if service.measure is Measure.STOCK and active is None:
            active_stock[key[:3]] += 1
            if active_stock[key[:3]] > 1:
                fail(line, "service", f"{record.service} is a month-end stock: one record per agency "
                                      "and month")
                continue
        values = _values(record, agency_id, line,
                         revision=revisions[-1].revision + 1 if revisions else 1)
        if active is None:
            new_rows.append(values)
        else:
            replacing.append((active, VolumeRow(**values)))
    if problems:
        raise DataError(problems)
    kind = "volume_corrections" if correcting else "volumes"
    batch = record_batch(session, kind, path, len(new_rows) + len(replacing), skipped,
                         reason=reason, allow_future=allow_future)
    if new_rows:
        session.execute(insert(VolumeRow.__table__), [row | {"import_id": batch.id} for row in new_rows])
    for old, new in replacing:
        new.import_id = batch.id
        session.add(new)
    session.flush()
    for old, new in replacing:
        old.superseded_by_id = new.id
    session.flush()
    return VolumeImport(len(new_rows) + len(replacing), skipped, len(replacing))


def _values(record, agency_id: int, line: int, revision: int) -> dict:
    return dict(period=record.period, agency_id=agency_id, service_code=record.service,
                quantity=record.quantity, source=record.source, reference=record.reference,
                source_line=line, revision=revision)
