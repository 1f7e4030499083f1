"""Corrections and credit notes: an issued invoice is never changed; it is
reversed by a credit note and, where there is something to bill, replaced by a
new invoice that points to it (the Swedish norm)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from billing.errors import DataError
from billing.files.agencies_file import normalise_organisation_number
from billing.files.fields import checked_reason
from billing.invoicing.document import DocumentKind, Invoice, charges, credit_note_for
from billing.period import Month
from billing.persistence.invoice_store import issue_documents, read_invoices
from billing.persistence.models import AgencyRow, BillingRunRow, InvoiceRow
from billing.persistence.numbering import lock_series
from billing.services.billing_run import check_in_arrears, draft_month
from billing.services.events import record_event

DEFAULT_REASON = "Rättelse efter ändrat underlag"


@dataclass(frozen=True)
class Correction:
    credit_notes: tuple[Invoice, ...]
    invoices: tuple[Invoice, ...]


def correct_month(session: Session, month: Month, issue_date: date,
                  organisation_number: str | None = None, reason: str = DEFAULT_REASON) -> Correction:
    """Re-rate a billed month; for each agency whose charges changed, a credit
    note for its current invoice and a new invoice. Unchanged agencies get
    nothing, so running it again issues nothing."""
    reason = checked_reason(reason, "a correction")
    # Taken first: a second correction of the month waits here, then sees the first's documents.
    lock_series(session)
    if session.scalars(select(BillingRunRow.id).where(BillingRunRow.period == month)).first() is None:
        raise DataError.single(f"{month} has never been billed: there is nothing to correct "
                               f"(bill it with 'billing run {month}')", field="YYYY-MM")
    check_in_arrears(month, issue_date)
    agency_id = _agency_id(session, organisation_number) if organisation_number else None
    drafts = dict(draft_month(session, month, issue_date, agency_id))
    current = _current_invoices(session, month, agency_id)
    credited = _credited_alone(session, month)
    to_issue: list[tuple[int, Invoice]] = []
    for agency in sorted(drafts.keys() | current.keys(),
                         key=lambda a: (drafts.get(a) or current[a]).organisation_number):
        old, new = current.get(agency), drafts.get(agency)
        if old is None and agency in credited and agency_id is None:
            continue  # credited on purpose: billed again only when named with --agency
        if old is not None and new is not None and charges(old) == charges(new):
            continue
        if old is not None:
            if issue_date < old.issue_date:
                raise DataError.single(f"the correction's date {issue_date} is before invoice "
                                       f"{old.number}'s {old.issue_date}", field="--date")
            to_issue.append((agency, credit_note_for(old, issue_date, reason)))
        if new is not None:
            replaced = old.number if old else credited.get(agency)
            to_issue.append((agency, replace(new, replaces=replaced, reason=reason)))
    issued = issue_documents(session, to_issue)
    result = Correction(tuple(d for d in issued if d.kind is DocumentKind.CREDIT_NOTE),
                        tuple(d for d in issued if d.kind is DocumentKind.INVOICE))
    if not issued:
        return result  # nothing changed, so nothing to log either
    record_event(session, "correct", {"period": str(month), "date": issue_date.isoformat(),
                                      "agency": organisation_number or "", "reason": reason},
                 f"{len(result.credit_notes)} credit notes, {len(result.invoices)} invoices, "
                 f"numbers {issued[0].number}-{issued[-1].number}")
    return result


def credit_invoice(session: Session, number: int, reason: str, issue_date: date) -> Invoice:
    """A full credit note for one invoice; an invoice is credited at most once."""
    reason = checked_reason(reason, "a credit note")
    lock_series(session)
    found = read_invoices(session, InvoiceRow.number == number)
    if not found:
        raise DataError.single(f"no document number {number}", field="NUMBER")
    invoice = found[0]
    if invoice.kind is not DocumentKind.INVOICE:
        raise DataError.single(f"{number} is a credit note, not an invoice", field="NUMBER")
    earlier = session.scalars(select(InvoiceRow.number)
                              .where(InvoiceRow.credits_number == number)).first()
    if earlier is not None:
        raise DataError.single(f"invoice {number} is already credited by credit note {earlier}",
                               field="NUMBER")
    if issue_date < invoice.issue_date:
        raise DataError.single(f"the credit note's date {issue_date} is before the invoice's "
                               f"{invoice.issue_date}", field="--date")
    agency_id = session.scalars(select(InvoiceRow.agency_id).where(InvoiceRow.number == number)).one()
    [credit_note] = issue_documents(session, [(agency_id, credit_note_for(invoice, issue_date,
                                                                          reason.strip()))])
    record_event(session, "credit", {"number": str(number), "reason": reason.strip(),
                                     "date": issue_date.isoformat()},
                 f"credit note {credit_note.number} for invoice {number}, "
                 f"{credit_note.totals.payable} {credit_note.currency}")
    return credit_note


def month_balance(session: Session, month: Month) -> dict[str, Decimal]:
    """What each agency owes for the month: the payable amounts of all its
    documents of the month, credit notes included (they are negative)."""
    balance: dict[str, Decimal] = {}
    for org, payable in session.execute(select(InvoiceRow.organisation_number, InvoiceRow.payable)
                                        .where(InvoiceRow.period == month)):
        balance[org] = balance.get(org, Decimal(0)) + payable
    return balance


def _agency_id(session: Session, organisation_number: str) -> int:
    try:
        org = normalise_organisation_number(organisation_number)
    except ValueError as exc:
        raise DataError.single(str(exc), field="--agency") from None
    agency_id = session.scalars(select(AgencyRow.id).where(AgencyRow.organisation_number == org)).first()
    if agency_id is None:
        raise DataError.single(f"unknown agency {org}", field="--agency")
    return agency_id


def _credited_alone(session: Session, month: Month) -> dict[int, int]:
    """Agencies of the month whose last invoice was credited with no invoice
    replacing it (a credit note of its own), with that invoice's number."""
    replacement = aliased(InvoiceRow)
    credit = aliased(InvoiceRow)
    query = (select(InvoiceRow.agency_id, InvoiceRow.number)
             .where(InvoiceRow.period == month, InvoiceRow.kind == str(DocumentKind.INVOICE),
                    select(credit.number).where(credit.credits_number == InvoiceRow.number).exists(),
                    ~select(replacement.number).where(replacement.replaces_number == InvoiceRow.number)
                    .exists())
             .order_by(InvoiceRow.number))
    return dict(session.execute(query).all())


def _current_invoices(session: Session, month: Month, agency_id: int | None) -> dict[int, Invoice]:
    """Each agency's invoice of the month that no credit note has reversed."""
    credit = aliased(InvoiceRow)
    query = (select(InvoiceRow.number, InvoiceRow.agency_id)
             .where(InvoiceRow.period == month, InvoiceRow.kind == str(DocumentKind.INVOICE),
                    ~select(credit.number).where(credit.credits_number == InvoiceRow.number).exists()))
    if agency_id is not None:
        query = query.where(InvoiceRow.agency_id == agency_id)
    agency_of = dict(session.execute(query).all())
    documents = read_invoices(session, InvoiceRow.number.in_(agency_of)) if agency_of else []
    return {agency_of[d.number]: d for d in documents}
