"""The monthly billing run: rate every agency, number and issue all invoices at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from billing.errors import AlreadyDone, DataError, Problem
from billing.domain.timing import check_billable
from billing.invoicing.credit_balance import split_credit_balances
from billing.invoicing.document import AgencyDocument, Invoice, draft_invoice
from billing.invoicing.issue_rules import issue_problems
from billing.period import Month
from billing.persistence.invoice_store import issue_documents
from billing.persistence.locks import lock_billing
from billing.persistence.mapping import load_agencies, load_pass_through, load_price_lists, load_volumes
from billing.persistence.models import BillingRunRow
from billing.rating.rater import RatingContext, rate_agency_month
from billing.services.catalogue import stored_catalogue
from billing.services.events import now, operator, record_event


@dataclass(frozen=True)
class RunResult:
    period: Month
    invoices: tuple[Invoice, ...]
    # Drafts of agencies whose month nets to a credit: not issued (invoicing/credit_balance.py).
    held_back: tuple[Invoice, ...] = ()


def draft_month(session: Session, month: Month, issue_date: date,
                agency_id: int | None = None) -> list[AgencyDocument]:
    """Unnumbered invoices for every agency (or the one agency) with anything to
    bill, ordered by organisation number; writes nothing. This is also the
    preview of a run. Every agency's problems are collected before anything is
    raised."""
    ctx = RatingContext(month, stored_catalogue(session), load_price_lists(session))
    agencies = load_agencies(session, None if agency_id is None else [agency_id])
    volumes = load_volumes(session, month)
    pass_through = load_pass_through(session, month)
    problems: list[Problem] = []
    drafts = []
    for agency_id, agency in sorted(agencies.items(), key=lambda item: item[1].organisation_number):
        in_force = agency.has_agreement_in(month)
        if not (in_force or volumes.get(agency_id) or pass_through.get(agency_id)):
            continue
        try:
            lines = rate_agency_month(ctx, agency, volumes.get(agency_id, ()),
                                      pass_through.get(agency_id, ()))
        except DataError as error:
            problems += error.problems
            continue
        if lines:
            drafts.append(AgencyDocument(agency_id, draft_invoice(agency, month, issue_date, lines)))
    if problems:
        raise DataError(problems)
    return drafts


def check_issuable(drafts: list[AgencyDocument]) -> None:
    """Every invoice to issue names the buyer's address and why each 0 % line
    carries no VAT (invoicing.issue_rules); else nothing is issued."""
    problems = issue_problems(d.document for d in drafts)
    if problems:
        raise DataError(problems)


def billed_months(session: Session) -> set[Month]:
    """Months with a billing run: closed to new charges except through corrections."""
    return set(session.scalars(select(BillingRunRow.period)))


def check_in_arrears(month: Month, issue_date: date) -> None:
    """A month is billed, or corrected, once it has ended, with documents dated after it."""
    check_billable(month, issue_date, date.today())


def run_month(session: Session, month: Month, issue_date: date) -> RunResult:
    """Issue the month's invoices, all in the caller's transaction, or none. An
    agency whose month nets to a credit is held back (no invoice for a negative
    amount); the others are issued, and the month counts as billed."""
    # Taken before anything is read: a second run of the month, or an import,
    # waits here until this run commits, and then sees it.
    lock_billing(session)
    previous = session.scalars(select(BillingRunRow).where(BillingRunRow.period == month)).first()
    if previous is not None:
        raise AlreadyDone(f"{month} is already billed: {previous.invoice_count} invoices issued "
                          f"{previous.run_date.isoformat()} by {previous.run_by}; nothing issued now")
    check_in_arrears(month, issue_date)
    drafts, held = split_credit_balances(draft_month(session, month, issue_date))
    if not drafts and not held:
        return RunResult(month, ())
    check_issuable(drafts)
    run = BillingRunRow(period=month, run_date=issue_date, started_at=now(), run_by=operator(),
                        invoice_count=len(drafts))
    session.add(run)
    session.flush()
    issued = issue_documents(session, drafts, run.id) if drafts else []
    summary = (f"{len(issued)} invoices issued, numbers {issued[0].number}-{issued[-1].number}"
               if issued else "no invoices issued")
    if held:
        summary += ("; held back, netting to a credit: "
                    + ", ".join(d.document.organisation_number for d in held))
    record_event(session, "run", {"period": str(month), "date": issue_date.isoformat()}, summary)
    return RunResult(month, tuple(issued), tuple(d.document for d in held))
