"""Corrections and credit notes: an issued invoice is never changed; it is
reversed by a credit note and, where there is something to bill, replaced by a
new invoice that points to it (the Swedish norm)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from billing.collector import bulk_phase
from billing.errors import DataError
from billing.domain.organisation import normalise_organisation_number
from billing.files.fields import MAX_REASON, checked_reason
from billing.invoicing.credit_balance import nets_to_credit
from billing.invoicing.document import (AgencyDocument, DocumentKind, Invoice, charges, credit_note_for,
                                        reversal_of)
from billing.invoicing.in_force import chain_of
from billing.period import Month
from billing.persistence.documents import (credited_alone_invoices, document_by_number, heads_around,
                                           heads_for_period, in_force_documents)
from billing.persistence.invoice_store import issue_documents
from billing.persistence.locks import lock_billing
from billing.persistence.models import AgencyRow
from billing.persistence.numbering import lock_series
from billing.persistence.run_reads import correction_reasons
from billing.plural import counted
from billing.services.billing_run import (billed_months, check_date_order, check_in_arrears, check_issuable,
                                          draft_month)
from billing.services.events import record_event

DEFAULT_REASON = "Rättelse efter ändrat underlag"


@dataclass(frozen=True)
class AgencyChange:
    """What a correction does to one agency's month: what it owed, what it owes now, and why."""

    organisation_number: str
    agency_name: str
    old_payable: Decimal
    new_payable: Decimal
    reason: str

    @property
    def difference(self) -> Decimal:
        return self.new_payable - self.old_payable


@dataclass(frozen=True)
class Correction:
    credit_notes: tuple[Invoice, ...]
    invoices: tuple[Invoice, ...]
    # Re-rated months that net to a credit: nothing issued for those agencies
    # (invoicing/credit_balance.py); `billing credit-balance` issues them.
    held_back: tuple[Invoice, ...] = ()
    changes: tuple[AgencyChange, ...] = ()
    # A dry run: the documents are drafts, unnumbered, and nothing was written.
    dry_run: bool = False


@bulk_phase
def correct_month(session: Session, month: Month, issue_date: date,
                  organisation_number: str | None = None, reason: str | None = None,
                  dry_run: bool = False) -> Correction:
    """Re-rate a billed month; for each agency whose charges changed, a credit
    note for its current invoice and a new invoice. Unchanged agencies get
    nothing, so running it again issues nothing. An agency whose re-rated
    month nets to a credit is held back, its documents untouched: `billing
    credit-balance` reverses them and issues the credit note, on purpose.
    A month standing as a credit balance note is reversed by an invoice
    mirroring that note (invoicing/document.reversal_of).

    With no ``reason``, each agency's documents carry the reasons of the
    volume corrections (``billing volumes correct --reason``) behind its
    month, else the generic DEFAULT_REASON. A ``dry_run`` issues nothing."""
    reason = None if reason is None else checked_reason(reason, "a correction")
    # Taken first: a second correction of the month (or an import) waits here,
    # then sees the first's documents.
    lock_billing(session)
    lock_series(session)
    if month not in billed_months(session):
        raise DataError.single(f"{month} has never been billed: there is nothing to correct "
                               f"(bill it with 'billing run {month}')", field="period")
    check_in_arrears(month, issue_date)
    check_date_order(session, issue_date)
    agency_id = agency_id_of(session, organisation_number) if organisation_number else None
    drafts = {d.agency_id: d.document for d in draft_month(session, month, issue_date, agency_id)}
    current = {d.agency_id: d.document for d in in_force_documents(session, month, agency_id)}
    credited = {h.agency_id: h.number for h in credited_alone_invoices(session, month)}
    batch_reasons = {} if reason is not None else correction_reasons(session, month, agency_id)
    to_issue: list[AgencyDocument] = []
    held: list[Invoice] = []
    changes: list[AgencyChange] = []
    for agency in sorted(drafts.keys() | current.keys(),
                         key=lambda a: (drafts.get(a) or current[a]).organisation_number):
        old, new = current.get(agency), drafts.get(agency)
        if old is None and agency in credited and agency_id is None:
            continue  # credited on purpose: billed again only when named with --agency
        if old is not None and new is not None and charges(old) == charges(new):
            continue
        if new is not None and nets_to_credit(new.totals):
            held.append(new)
            continue
        why = reason or "; ".join(batch_reasons.get(agency, ())) or DEFAULT_REASON
        if len(why) > MAX_REASON:  # several corrections' reasons together: too long to print
            raise DataError.single(f"the reasons of the volume corrections of {month} are together longer "
                                   f"than {MAX_REASON} characters: give one (--reason)", field="reason")
        if old is not None:
            check_not_before(old, issue_date)
            to_issue.append(AgencyDocument(agency, reversal_of(old, issue_date, why)))
        if new is not None:
            replaced = old.number if old else credited.get(agency)
            to_issue.append(AgencyDocument(agency, replace(new, replaces=replaced, reason=why)))
        shown = new or old
        assert shown is not None
        changes.append(AgencyChange(shown.organisation_number, shown.agency_name,
                                    old.totals.payable if old else Decimal(0),
                                    new.totals.payable if new else Decimal(0), why))
    check_issuable(to_issue)  # what the correction would refuse, the dry run refuses
    if dry_run:
        return _split([d.document for d in to_issue], held, changes, dry_run=True)
    issued = issue_documents(session, to_issue)
    result = _split(issued, held, changes)
    if not issued:
        return result  # nothing changed, so nothing to log either
    reasons = sorted({c.reason for c in changes})
    record_event(session, "correct", {"period": str(month), "date": issue_date.isoformat(),
                                      "agency": organisation_number or "", "reason": "; ".join(reasons)},
                 f"{counted(len(result.credit_notes), 'credit note')}, "
                 f"{counted(len(result.invoices), 'invoice')}, "
                 f"numbers {issued[0].number}-{issued[-1].number}")
    return result


def _split(documents: list[Invoice], held: list[Invoice], changes: list[AgencyChange],
           dry_run: bool = False) -> Correction:
    return Correction(tuple(d for d in documents if d.kind is DocumentKind.CREDIT_NOTE),
                      tuple(d for d in documents if d.kind is DocumentKind.INVOICE), tuple(held),
                      tuple(changes), dry_run)


def credit_invoice(session: Session, number: int, reason: str, issue_date: date) -> Invoice:
    """A full credit note for one invoice; an invoice is credited at most once."""
    reason = checked_reason(reason, "a credit note")
    lock_series(session)
    found = document_by_number(session, number)
    if found is None:
        raise DataError.single(f"no document number {number}", field="number")
    invoice = found.document
    if invoice.kind is not DocumentKind.INVOICE:
        raise DataError.single(f"{number} is a credit note, not an invoice", field="number")
    if invoice.credits is not None:
        raise DataError.single(f"invoice {number} reverses credit note {invoice.credits} and charges "
                               f"nothing of its own: correct the month with 'billing correct "
                               f"{invoice.period}'", field="number")
    earlier = chain_of(heads_around(session, [number])).credited_by.get(number)
    if earlier is not None:
        raise DataError.single(f"invoice {number} is already credited by credit note {earlier}",
                               field="number")
    if issue_date < invoice.issue_date:
        raise DataError.single(f"the credit note's date {issue_date} is before the invoice's "
                               f"{invoice.issue_date}", field="issue_date")
    check_date_order(session, issue_date)
    [credit_note] = issue_documents(session, [AgencyDocument(found.agency_id, credit_note_for(
        invoice, issue_date, reason.strip()))])
    record_event(session, "credit", {"number": str(number), "reason": reason.strip(),
                                     "date": issue_date.isoformat()},
                 f"credit note {credit_note.number} for invoice {number}, "
                 f"{credit_note.totals.payable} {credit_note.currency}")
    return credit_note


def check_not_before(old: Invoice, issue_date: date) -> None:
    """A document that reverses ``old`` is not dated before it."""
    if issue_date < old.issue_date:
        what = "invoice" if old.kind is DocumentKind.INVOICE else "credit note"
        raise DataError.single(f"the correction's date {issue_date} is before {what} "
                               f"{old.number}'s {old.issue_date}", field="issue_date")


def month_balance(session: Session, month: Month) -> dict[str, Decimal]:
    """What each agency owes for the month: the payable amounts of all its
    documents of the month, credit notes included (they are negative)."""
    balance: dict[str, Decimal] = {}
    for head in heads_for_period(session, month):
        balance[head.organisation_number] = balance.get(head.organisation_number, Decimal(0)) + head.payable
    return balance


def agency_id_of(session: Session, organisation_number: str) -> int:
    try:
        org = normalise_organisation_number(organisation_number)
    except ValueError as exc:
        raise DataError.single(str(exc), field="organisation_number") from None
    agency_id = session.scalars(select(AgencyRow.id).where(AgencyRow.organisation_number == org)).first()
    if agency_id is None:
        raise DataError.single(f"unknown agency {org}", field="organisation_number")
    return agency_id
