"""`billing credit-balance`: a month held back because it nets to a credit,
issued on purpose as a credit note (invoicing/credit_balance.py)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from billing.errors import AlreadyDone, DataError
from billing.invoicing.credit_balance import amounts, credit_balance_note, nets_to_credit
from billing.invoicing.document import AgencyDocument, Invoice, charges, reversal_of
from billing.period import Month
from billing.persistence.documents import credited_alone_invoices, in_force_documents
from billing.persistence.invoice_store import issue_documents
from billing.persistence.locks import lock_billing
from billing.persistence.numbering import lock_series
from billing.services.billing_run import billed_months, check_date_order, check_in_arrears, draft_month
from billing.services.corrections import agency_id_of, check_not_before
from billing.services.events import record_event


def issue_credit_balance(session: Session, month: Month, organisation_number: str, reason: str,
                         issue_date: date) -> tuple[Invoice, ...]:
    """The agency's month, which nets to a credit, as a credit note; issued
    after a credit note for the agency's invoice in force (or an invoice
    reversing its earlier credit balance note), if it has one. Returns the
    documents issued, in order."""
    if not reason.strip():
        raise DataError.single("a credit balance note needs a reason (--reason)", field="reason")
    lock_billing(session)
    lock_series(session)
    if month not in billed_months(session):
        raise DataError.single(f"{month} has never been billed: run 'billing run {month}' first (it "
                               "issues the other agencies' invoices and holds this one back)",
                               field="period")
    check_in_arrears(month, issue_date)
    check_date_order(session, issue_date)
    agency_id = agency_id_of(session, organisation_number)
    drafts = draft_month(session, month, issue_date, agency_id)
    if not drafts:
        raise DataError.single(f"{organisation_number} has nothing to bill in {month}",
                               field="organisation_number")
    draft = drafts[0].document
    if not nets_to_credit(draft.totals):
        raise DataError.single(
            f"{draft.organisation_number} {draft.agency_name}: {month} does not net to a credit "
            f"({amounts(draft.totals)}): it is billed by invoice ('billing correct {month} "
            f"--agency {draft.organisation_number}')", field="organisation_number")
    current = [d.document for d in in_force_documents(session, month, agency_id)]
    if len(current) > 1:
        raise DataError.single(f"{draft.organisation_number} has {len(current)} documents in force for "
                               f"{month} ({', '.join(str(d.number) for d in current)}): the data was "
                               "altered; see 'billing audit' and 'billing verify'",
                               field="organisation_number")
    old = current[0] if current else None
    if old is not None and old.is_credit_balance and charges(old) == charges(draft):
        raise AlreadyDone(f"{month} of {draft.organisation_number} {draft.agency_name} is already "
                          f"issued as credit note {old.number}; nothing issued now")
    to_issue: list[AgencyDocument] = []
    if old is not None:
        check_not_before(old, issue_date)
        to_issue.append(AgencyDocument(agency_id, reversal_of(old, issue_date, reason.strip())))
    credited = {h.agency_id: h.number for h in credited_alone_invoices(session, month)}
    replaces = old.number if old is not None else credited.get(agency_id)
    to_issue.append(AgencyDocument(agency_id, credit_balance_note(draft, issue_date, reason, replaces)))
    issued = issue_documents(session, to_issue)
    note = issued[-1]
    record_event(session, "credit-balance",
                 {"period": str(month), "agency": draft.organisation_number, "reason": reason.strip(),
                  "date": issue_date.isoformat()},
                 f"credit note {note.number} for {draft.organisation_number}'s {month}, "
                 f"{note.totals.payable} {note.currency}"
                 + (f", after {issued[0].number} reversing {old.number}" if old is not None else ""))
    return tuple(issued)
