"""Re-invoiced system services (vidarefakturering): direct amounts and allocations."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from billing.domain.timing import check_not_future
from billing.domain.volume import ChargeKey, PassThroughCharge, charge_key
from billing.errors import DataError, Problem
from billing.files.passthrough_csv import SupplierInvoice, read_pass_through, read_supplier_invoices
from billing.files.reading import Reading, ReadSummary
from billing.persistence.locks import lock_billing
from billing.persistence.mapping import agency_ids, charge_exemption, load_agencies, load_volumes
from billing.persistence.models import AgencyRow, ImportBatch, PassThroughRow
from billing.progress import Progress, silent, tracked
from billing.rating.allocation import allocate
from billing.services.batches import record_batch
from billing.services.billing_run import billed_months
from billing.services.catalogue import stored_catalogue


@dataclass(frozen=True)
class PassThroughImport:
    added: int
    skipped: int
    completed: int = 0  # stored before exemptions were recorded, given theirs now
    read: ReadSummary | None = None  # what the file holds, to compare with its source


def import_pass_through(session: Session, path: Path, allow_future: str = "",
                        sheet: str | None = None, progress: Progress = silent) -> PassThroughImport:
    """Amounts per agency, as the sub-supplier billed them. A period beyond
    next month needs ``allow_future``, the reason (domain/timing.py).
    ``sheet`` names the sheet of a workbook, whose problems are told by sheet
    and column. ``progress`` is told each amount checked, then each stored."""
    reading = Reading()
    with reading.locating():
        result = _import_pass_through(session, path, allow_future, sheet, reading, progress)
    return replace(result, read=reading.summary())


def _import_pass_through(session: Session, path: Path, allow_future: str, sheet: str | None,
                         reading: Reading, progress: Progress) -> PassThroughImport:
    # Before anything is read: the "billed" check in _store is made under the
    # lock a run of the month holds until it commits (persistence/locks.py).
    lock_billing(session)
    charges = read_pass_through(path, sheet, reading)
    check_not_future(str(path), ((line, c.period) for line, c in charges), date.today(), allow_future)
    ids = agency_ids(session)
    agencies = load_agencies(session, sorted({ids[c.organisation_number] for _, c in charges
                                              if c.organisation_number in ids}))
    problems = []
    keyed = []
    for line, charge in tracked(charges, "Checking pass-through amounts", progress):
        agency_id = ids.get(charge.organisation_number)
        if agency_id is None:
            problems.append(Problem(f"unknown agency {charge.organisation_number}", str(path), line,
                                    "organisation_number"))
        elif agencies[agency_id].agreement_for(charge.area, charge.period) is None:
            problems.append(Problem(f"{agencies[agency_id].name} has no {charge.area} agreement in "
                                    f"force in {charge.period}", str(path), line, "area"))
        else:
            keyed.append((line, agency_id, charge, None))
    if problems:
        raise DataError(problems)
    return _store(session, path, "pass_through", keyed, allow_future, progress)


def allocate_supplier_invoices(session: Session, path: Path, allow_future: str = "",
                               sheet: str | None = None) -> PassThroughImport:
    """Spread each sub-supplier invoice over the agencies that use the system.

    The shares add up to the invoice total exactly (largest remainder, in öre).
    """
    reading = Reading()
    with reading.locating():
        result = _allocate_supplier_invoices(session, path, allow_future, sheet, reading)
    return replace(result, read=reading.summary())


def _allocate_supplier_invoices(session: Session, path: Path, allow_future: str,
                                sheet: str | None, reading: Reading) -> PassThroughImport:
    lock_billing(session)  # as in import_pass_through
    invoices = read_supplier_invoices(path, stored_catalogue(session), sheet, reading)
    check_not_future(str(path), ((i.line, i.period) for i in invoices), date.today(), allow_future)
    agencies = load_agencies(session)
    ids = {agency.organisation_number: agency_id for agency_id, agency in agencies.items()}
    problems = []
    keyed = []
    volumes_by_period = {p: load_volumes(session, p) for p in {i.period for i in invoices}}
    for invoice in invoices:
        weights = _weights(invoice, agencies, volumes_by_period[invoice.period])
        if not weights:
            problems.append(Problem(f"no agency with an agreement in {invoice.area} in {invoice.period} "
                                    f"has any {invoice.key} to allocate by", str(path), invoice.line, "key"))
            continue
        total_weight = sum(weights.values(), Decimal(0))
        # Keyed by organisation number: equal remainders go by it, so the shares
        # depend on the data only, never on the order agencies were stored in.
        for organisation_number, share in sorted(allocate(invoice.amount, weights).items()):
            agency_id = ids[organisation_number]
            charge = PassThroughCharge(
                None, invoice.period, organisation_number, invoice.area, invoice.description, share,
                invoice.vat_rate, invoice.supplier, invoice.reference, invoice.vat_exemption)
            keyed.append((invoice.line, agency_id, charge,
                          f"{invoice.key} {weights[organisation_number]} of {total_weight}"))
    if problems:
        raise DataError(problems)
    return _store(session, path, "supplier_invoices", keyed, allow_future)


def _weights(invoice: SupplierInvoice, agencies, volumes) -> dict[str, Decimal]:
    """Each agency's weight, by organisation number."""
    weights = {}
    for agency_id, agency in agencies.items():
        if agency.agreement_for(invoice.area, invoice.period) is None:
            continue
        if invoice.key_service is None:
            size = agency.size_for(invoice.period)
            weight = Decimal(size or 0)
        else:
            weight = sum((v.quantity for v in volumes.get(agency_id, ())
                          if v.service == invoice.key_service), Decimal(0))
        if weight > 0:
            weights[agency.organisation_number] = weight
    return weights


def _store(session: Session, path: Path, kind: str, keyed, allow_future: str = "",
           progress: Progress = silent) -> PassThroughImport:
    """All charges, or none.

    A charge is identified by period, agency, supplier and the supplier's
    reference. The same charge again is skipped; the same identity saying
    anything else (amount, description, area, VAT) is refused, never stored as
    a second charge: a charge is not changed once imported, and the supplier's
    correction comes as invoices of its own (a credit and a new invoice, each
    with its own reference), imported as charges of their own."""
    periods = sorted({charge.period for _, _, charge, _ in keyed})
    stored: dict[ChargeKey, tuple[PassThroughRow, str]] = {}
    for row, file_name, org in session.execute(
            select(PassThroughRow, ImportBatch.file_name, AgencyRow.organisation_number)
            .join(ImportBatch, PassThroughRow.import_id == ImportBatch.id)
            .join(AgencyRow, PassThroughRow.agency_id == AgencyRow.id)
            .where(PassThroughRow.period.in_(periods)).order_by(PassThroughRow.id)):
        stored.setdefault((str(row.period), org, row.supplier, row.reference), (row, file_name))
    billed = billed_months(session)
    names = dict(session.execute(select(AgencyRow.id, AgencyRow.name)).all())
    problems, rows, skipped, completed = [], [], 0, 0
    in_file: dict[ChargeKey, int] = {}
    for line, agency_id, charge, key in tracked(keyed, "Storing pass-through amounts", progress):
        identity = charge_key(charge)
        if identity in in_file:
            problems.append(Problem(f"duplicate of line {in_file[identity]} (same period, agency, supplier "
                                    "and reference: one charge)", str(path), line, "reference"))
            continue
        in_file[identity] = line
        if identity in stored:
            row, file_name = stored[identity]
            differences = _differences(row, charge)
            if not differences:
                skipped += 1
            elif differences == ["vat_exemption_code"] and row.vat_exemption_code is None:
                # Stored before exemptions were recorded (migration 0005): the
                # file now names it. A billed charge's lines stay as issued.
                if charge.period not in billed:
                    row.vat_exemption_code = charge.vat_exemption.code
                    row.vat_exemption_reason = charge.vat_exemption.reason
                    completed += 1
                else:
                    skipped += 1
            else:
                problems.append(Problem(
                    f"{names[agency_id]}: the charge {_identity(charge)} is already imported with "
                    f"{_content(row)} ({file_name}, line {row.source_line}); a charge is not "
                    "changed once imported: import the supplier's correction as charges of their own "
                    "(a credit as a negative amount, the new amount, each with its own reference) "
                    "for a month not yet billed", str(path), line, differences[0]))
            continue
        if charge.period in billed:
            # Refused, not stored unbilled: a late amount goes into a month still open.
            problems.append(Problem(f"{charge.period} is already billed; give the amount for "
                                    f"{names[agency_id]} a period that is not billed yet",
                                    str(path), line, "period"))
            continue
        exemption = charge.vat_exemption
        rows.append(dict(
            period=charge.period, agency_id=agency_id, area=str(charge.area),
            description=charge.description, amount=charge.amount, vat_rate=charge.vat_rate,
            supplier=charge.supplier, reference=charge.reference, allocation_key=key,
            source_line=line, vat_exemption_code=exemption.code if exemption else None,
            vat_exemption_reason=exemption.reason if exemption else None))
    if problems:
        raise DataError(problems)
    batch = record_batch(session, kind, path, len(rows), skipped + completed, allow_future=allow_future)
    if rows:
        session.execute(insert(PassThroughRow.__table__), [row | {"import_id": batch.id} for row in rows])
    return PassThroughImport(len(rows), skipped, completed)


def _differences(row: PassThroughRow, charge: PassThroughCharge) -> list[str]:
    """The fields (as the file names them) in which a charge differs from the stored one."""
    stored = charge_exemption(row)
    return [name for name, same in (
        ("amount", row.amount == charge.amount), ("description", row.description == charge.description),
        ("area", row.area == str(charge.area)), ("vat_rate", row.vat_rate == charge.vat_rate),
        ("vat_exemption_code", stored == charge.vat_exemption)) if not same]


def _identity(charge: PassThroughCharge) -> str:
    return (f"{charge.supplier or '(no supplier)'} {charge.reference or '(no reference)'} "
            f"for {charge.period}")


def _content(row: PassThroughRow) -> str:
    exemption = f", exempt {row.vat_exemption_code}" if row.vat_exemption_code else ""
    return (f"amount {row.amount}, description {row.description!r}, area {row.area}, "
            f"VAT {row.vat_rate} %{exemption}")
