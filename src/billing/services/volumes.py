"""Taking in volume records: imports, and corrections that supersede records.

A whole file is taken in or nothing. A stored record is never edited: a
correction adds the record's next revision and marks the old one superseded,
so what an invoice was based on stays readable.

A file is read as a stream and taken in by batches of BATCH_SIZE records:
each batch is checked against the database with a few queries and inserted
in bulk, so memory is bounded by the batch, not the file. Every problem is
collected to the end of the file; then the command's transaction rolls back
whatever was inserted. The file's own problems are told first: when there
are any, the database checks' problems are left out (many follow from them).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import bindparam, insert, update
from sqlalchemy.orm import Session

from billing.collector import bulk_phase
from billing.domain.agency import Agency, Agreement
from billing.domain.catalogue import Catalogue, Measure
from billing.domain.timing import future_problems
from billing.domain.volume import VolumeRecord
from billing.errors import ProblemCollector
from billing.files.fields import checked_reason
from billing.files.reading import Reading, ReadSummary
from billing.files.volumes_csv import volume_batches
from billing.persistence.bulk import insert_rows
from billing.persistence.locks import lock_billing
from billing.persistence.mapping import agency_ids, load_agencies
from billing.persistence.models import VolumeRow
from billing.services.batches import finish_batch, open_batch
from billing.services.billing_run import billed_months
from billing.services.catalogue import stored_catalogue
from billing.persistence.volume_keys import FileKeys, Revision
from billing.progress import Progress, silent

CORRECT_HINT = "use 'billing volumes correct FILE --reason TEXT'"
BATCH_SIZE = 10_000
_VOLUMES = VolumeRow.__table__
_COLUMNS = ("period", "agency_id", "service_code", "quantity", "source", "reference", "source_line",
            "import_id", "revision")


@dataclass(frozen=True)
class VolumeImport:
    added: int
    skipped: int  # already there with the same quantity
    superseded: int = 0  # records a correction replaced
    read: ReadSummary | None = None  # what the file holds, to compare with its source


@bulk_phase
def import_volumes(session: Session, path: Path, allow_future: str = "",
                   batch_size: int = BATCH_SIZE, sheet: str | None = None,
                   progress: Progress = silent, name: str | None = None,
                   only_agency: str | None = None) -> VolumeImport:
    """New records only: a changed quantity, or a record for a month already
    invoiced to the agency, is a correction and is refused here. A period
    beyond next month needs ``allow_future``, the reason (domain/timing.py).
    ``sheet`` names the sheet of a workbook; ``progress`` is told the lines
    read after each batch. ``name``: what the file is called where it came
    from (an upload through the web), recorded and named in problems in place
    of ``path``; ``only_agency``: the organisation number every record must
    be of (an agency hands over its own volumes only)."""
    intake = _Intake(session, path, "", allow_future, batch_size, sheet, name)
    intake.only_agency = only_agency
    return intake.run(progress)


@bulk_phase
def correct_volumes(session: Session, path: Path, reason: str, allow_future: str = "",
                    batch_size: int = BATCH_SIZE, sheet: str | None = None,
                    progress: Progress = silent) -> VolumeImport:
    """Corrected or late records: each supersedes the record with the same
    period, agency, service and reference, if there is one."""
    return _Intake(session, path, checked_reason(reason, "a correction"), allow_future,
                   batch_size, sheet).run(progress)


class _Intake:
    """One file being taken in: what every batch is checked against."""

    def __init__(self, session: Session, path: Path, reason: str, allow_future: str, batch_size: int,
                 sheet: str | None, name: str | None = None):
        # Before anything is read: a run of a month in this file waits for the
        # import, or the import for the run, and the "billed" check is made
        # under the lock (persistence/locks.py).
        lock_billing(session)
        self.session, self.path, self.reason, self.batch_size = session, path, reason, batch_size
        self.allow_future = allow_future
        self.sheet = sheet
        self.name = name or str(path)
        self.only_agency: str | None = None
        self.correcting = bool(reason)
        self.catalogue: Catalogue = stored_catalogue(session)
        self.stock_codes = sorted(s.code for s in self.catalogue.services
                                  if s.measure is Measure.STOCK)
        self.ids = agency_ids(session)
        self.agencies: dict[int, Agency] = {}
        self.agreements: dict[tuple, Agreement | None] = {}
        self.billed = billed_months(session)
        # In a workbook, the database checks' problems too are told by sheet and column.
        self.reading = Reading()
        self.file_problems = ProblemCollector(self.name)  # the reader's
        self.problems = ProblemCollector(self.name, locate=self.reading.locate)  # the database checks'
        self.added = self.skipped = self.superseded = 0

    def fail(self, line: int, field: str, message: str) -> None:
        self.problems.add(message, line=line, field=field)

    def run(self, progress: Progress) -> VolumeImport:
        kind = "volume_corrections" if self.correcting else "volumes"
        self.batch = open_batch(self.session, kind, self.path, reason=self.reason,
                                allow_future=self.allow_future, name=self.name)
        keys = FileKeys(self.session)
        step = f"Reading {self.path.name} (lines)"
        progress(step, 0, None)
        for records in volume_batches(self.path, self.catalogue, self.file_problems,
                                      self.batch_size, self.sheet, self.reading):
            if not self.file_problems.count:  # else the file is refused for its own problems
                self._take_batch(records, keys)
            progress(step, records[-1][0], None)
        keys.close()
        self.file_problems.raise_if_any()
        self.problems.raise_if_any()
        finish_batch(self.session, self.batch, self.added, self.skipped, self.reason,
                     self.allow_future)
        return VolumeImport(self.added, self.skipped, self.superseded, self.reading.summary())

    def _take_batch(self, records: list[tuple[int, VolumeRecord]], keys: FileKeys) -> None:
        for problem in future_problems(self.name, ((line, r.period) for line, r in records),
                                       date.today(), self.allow_future):
            self.problems.add(problem.message, line=problem.line, field=problem.field)
        missing = {self.ids[r.organisation_number] for _, r in records
                   if r.organisation_number in self.ids} - self.agencies.keys()
        if missing:
            self.agencies.update(load_agencies(self.session, sorted(missing)))
        batch_no = keys.add([dict(line=line, period=str(r.period),
                                  organisation_number=r.organisation_number,
                                  agency_id=self.ids.get(r.organisation_number),
                                  service_code=r.service, reference=r.reference)
                             for line, r in records])
        earlier = keys.earlier_lines(batch_no)
        history = keys.revisions(batch_no)
        stocks = keys.stocks_in_force(batch_no, self.stock_codes)
        new_rows: list[dict] = []
        replacing: list[tuple[int, dict]] = []
        for line, record in records:
            if line in earlier:
                self.fail(line, "service", "duplicate record: same period, agency, service and "
                                           f"reference as line {earlier[line]}")
                continue
            values = self._check(line, record, history.get(line, []), stocks)
            if values is None:
                continue
            old, row = values
            if old is None:
                new_rows.append(row)
            else:
                replacing.append((old, row))
        self._insert(new_rows, replacing)

    def _check(self, line: int, record: VolumeRecord, revisions: list[Revision],
               stocks: Counter) -> tuple[int | None, dict] | None:
        """(id of the revision it supersedes or None, the row to insert), or None
        when the record is refused (recorded) or already there (counted)."""
        if self.only_agency is not None and record.organisation_number != self.only_agency:
            self.fail(line, "organisation_number", f"{record.organisation_number} is another agency: "
                                                   f"only volumes of {self.only_agency} are taken in here")
            return None
        agency_id = self.ids.get(record.organisation_number)
        if agency_id is None:
            self.fail(line, "organisation_number", f"unknown agency {record.organisation_number}")
            return None
        agency = self.agencies[agency_id]
        service = self.catalogue[record.service]
        agreement = self._agreement(agency_id, agency, service.area, record)
        if agreement is None:
            self.fail(line, "service", f"{agency.name} has no {service.area} agreement in force "
                                       f"in {record.period}")
            return None
        if not agreement.covers(record.service):
            self.fail(line, "service", f"{agency.name}'s {service.area} agreement does not cover "
                                       f"{record.service}")
            return None
        active = revisions[-1] if revisions and revisions[-1].superseded_by_id is None else None
        if active is not None and active.quantity == record.quantity:
            self.skipped += 1
            return None
        if not self.correcting:
            if any(r.quantity == record.quantity for r in revisions):
                self.skipped += 1  # the original file again, after a correction of it
                return None
            if revisions:
                self.fail(line, "quantity", f"already imported with quantity "
                                            f"{revisions[-1].quantity}; a changed quantity is a "
                                            f"correction: {CORRECT_HINT}")
                return None
            if record.period in self.billed:
                self.fail(line, "period", f"{record.period} is already billed; late volumes for "
                                          f"{agency.name} are a correction: {CORRECT_HINT}")
                return None
        if service.measure is Measure.STOCK and active is None:
            stock = (str(record.period), agency_id, record.service)
            stocks[stock] += 1
            if stocks[stock] > 1:
                self.fail(line, "service", f"{record.service} is a month-end stock: one record "
                                           "per agency and month")
                return None
        self.added += 1
        self.superseded += active is not None
        return (active.id if active else None,
                dict(period=record.period, agency_id=agency_id, service_code=record.service,
                     quantity=record.quantity, source=record.source, reference=record.reference,
                     source_line=line, import_id=self.batch.id,
                     revision=revisions[-1].revision + 1 if revisions else 1))

    def _agreement(self, agency_id: int, agency: Agency, area, record: VolumeRecord):
        key = (agency_id, area, record.period)
        if key not in self.agreements:
            self.agreements[key] = agency.agreement_for(area, record.period)
        return self.agreements[key]

    def _insert(self, new_rows: list[dict], replacing: list[tuple[int, dict]]) -> None:
        """In bulk; a superseded revision points to the one that replaces it."""
        if new_rows:
            insert_rows(self.session, _VOLUMES, _COLUMNS, ([row[c] for c in _COLUMNS] for row in new_rows))
        if replacing:
            # Each new revision comes back with its line, not in the order
            # given: asking for that order makes SQLite insert row by row.
            new_ids = dict(self.session.execute(
                insert(_VOLUMES).returning(_VOLUMES.c.source_line, _VOLUMES.c.id),
                [row for _, row in replacing]).all())
            self.session.execute(
                update(_VOLUMES).where(_VOLUMES.c.id == bindparam("old_id"))
                .values(superseded_by_id=bindparam("new_id")),
                [{"old_id": old, "new_id": new_ids[row["source_line"]]} for old, row in replacing])
