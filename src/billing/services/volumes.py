"""Importing volume records: a whole file or nothing."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from billing.domain.catalogue import Measure
from billing.errors import DataError, Problem
from billing.files.volumes_csv import read_volumes, record_key
from billing.persistence.mapping import agency_ids, load_agencies
from billing.persistence.models import AgencyRow, InvoiceRow, VolumeRow
from billing.services.batches import record_batch
from billing.services.catalogue import stored_catalogue


@dataclass(frozen=True)
class VolumeImport:
    added: int
    skipped: int  # already imported with the same quantity


def import_volumes(session: Session, path: Path) -> VolumeImport:
    catalogue = stored_catalogue(session)
    records = read_volumes(path, catalogue)
    periods = sorted({r.period for _, r in records})
    ids = agency_ids(session)
    agencies = load_agencies(session, sorted({ids[r.organisation_number] for _, r in records
                                              if r.organisation_number in ids}))
    billed = set(session.execute(select(InvoiceRow.agency_id, InvoiceRow.period)
                                 .where(InvoiceRow.period.in_(periods))).all())
    stored = {(str(v.period), org, v.service_code, v.reference): v.quantity
              for v, org in session.execute(select(VolumeRow, AgencyRow.organisation_number)
                                            .join(AgencyRow).where(VolumeRow.period.in_(periods)))
              }
    stock_counts = Counter(key[:3] for key in stored
                           if catalogue[key[2]].measure is Measure.STOCK)

    problems: list[Problem] = []
    new_rows: list[dict] = []
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
        if key in stored:
            if stored[key] == record.quantity:
                skipped += 1
            else:
                fail(line, "quantity", f"already imported with quantity {stored[key]}; a changed "
                                       "quantity is a correction, not an import")
            continue
        if (agency_id, record.period) in billed:
            fail(line, "period", f"{record.period} is already invoiced to {agency.name}; "
                                 "late volumes are a correction, not an import")
            continue
        if service.measure is Measure.STOCK:
            stock_counts[key[:3]] += 1
            if stock_counts[key[:3]] > 1:
                fail(line, "service", f"{record.service} is a month-end stock: one record per agency "
                                      "and month")
                continue
        new_rows.append(dict(
            period=record.period, agency_id=agency_id, service_code=record.service,
            quantity=record.quantity, source=record.source, reference=record.reference,
            source_line=line))
    if problems:
        raise DataError(problems)
    batch = record_batch(session, "volumes", path, len(new_rows), skipped)
    if new_rows:
        session.execute(insert(VolumeRow.__table__), [row | {"import_id": batch.id} for row in new_rows])
    return VolumeImport(len(new_rows), skipped)
