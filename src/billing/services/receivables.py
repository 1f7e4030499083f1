"""The customer ledger: bank files imported and applied, payments assigned,
refunded and taken back, and the open items on a day.

The rules are pure (payments/); this module reads, decides with them and
writes, in the command's transaction (it never commits).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy.orm import Session

from billing.audit.findings import CheckResult
from billing.audit.receivables import check_receivables
from billing.errors import DataError
from billing.invoicing.in_force import DocumentHead
from billing.money import ORE, format_sek
from billing.payments.application import Outcome, apply_payments
from billing.payments.bank_file import BankFile
from billing.payments.bank_files import read_bank_file
from billing.payments.ledger import (ZERO, Application, ApplicationKind, Remainders, StoredPayment, applied_by_payment,
                                     as_of, remainders, reversed_ids)
from billing.payments.open_items import OpenItem, item_of_document, open_items
from billing.persistence.documents import heads_issued_until
from billing.persistence.locks import lock_billing
from billing.persistence.receivables import (AgencyContact, agency_contacts, agency_ids_by_organisation_number,
                                             imported_file, store_application, store_bank_file, store_payment,
                                             stored_applications, stored_payment, stored_payments)
from billing.services.customer_view import NotFound
from billing.services.events import now, operator, record_event
from billing.services.users import Scope


@dataclass(frozen=True, slots=True)
class LedgerState:
    """The customer ledger on a day (today's when ``day`` is None)."""

    day: date
    heads: tuple[DocumentHead, ...]
    items: tuple[OpenItem, ...]  # every chain, open or not
    payments: tuple[StoredPayment, ...]
    applications: tuple[Application, ...]
    remainders: Remainders
    agencies: dict[int, AgencyContact]

    def open_of_agency(self, agency_id: int) -> list[OpenItem]:
        return [i for i in self.items if i.document.agency_id == agency_id and i.open != 0]


def ledger_state(session: Session, day: date | None = None, today: date | None = None) -> LedgerState:
    """Documents issued, payments booked and applications effective on or
    before ``day``: the state as it was then (all of them when None)."""
    heads = heads_issued_until(session, day)
    payments, applications = as_of(stored_payments(session), stored_applications(session), day)
    items = open_items(heads, applications, day)
    agency_of_document = {h.number: h.agency_id for h in heads}
    return LedgerState(day or today or date.today(), tuple(heads), tuple(items), tuple(payments), tuple(applications),
                       remainders(payments, applications, agency_of_document), agency_contacts(session))


# --- import ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImportResult:
    bank_file: BankFile
    outcomes: tuple[Outcome, ...]

    @property
    def applied(self) -> Decimal:
        return sum((a for o in self.outcomes for _, a in o.applied), ZERO)

    @property
    def credit_balance(self) -> Decimal:
        return sum((o.left for o in self.outcomes if o.agency_id is not None), ZERO)

    @property
    def unapplied(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.agency_id is None]


def import_bank_file(session: Session, path: Path, sheet: str | None = None) -> ImportResult:
    """Reads the whole file (refusing it with every problem located), refuses a
    file imported before, stores every payment and applies it by the rule of
    payments/application.py."""
    bank_file = read_bank_file(path, sheet)
    lock_billing(session)  # one import or assignment at a time: no krona applied twice
    earlier = imported_file(session, bank_file)
    if earlier is not None:
        raise DataError.single(f"this bank file ({bank_file.identity}) was imported on "
                               f"{earlier[1]:%Y-%m-%d %H:%M} from {earlier[0]}; nothing was recorded again",
                               file=str(path))
    state = ledger_state(session)
    outcomes = apply_payments(bank_file.payments, state.items, agency_ids_by_organisation_number(session))
    issued = {h.number: h.issue_date for h in state.heads}
    stamp, user = now(), operator()
    file_id = store_bank_file(session, bank_file, str(path), stamp, user)
    for outcome in outcomes:
        payment_id = store_payment(session, file_id, outcome.payment, outcome.agency_id)
        for document, amount in outcome.applied:
            store_application(session, payment_id, document, amount,
                              max(outcome.payment.booked_on, issued[document]), ApplicationKind.AUTOMATIC,
                              outcome.how, stamp, user)
    result = ImportResult(bank_file, tuple(outcomes))
    record_event(session, "payments import", {"file": str(path), "format": str(bank_file.format),
                                              "identity": bank_file.identity},
                 f"{len(outcomes)} payments, {format_sek(bank_file.total)} SEK: applied "
                 f"{format_sek(result.applied)}, credit balances {format_sek(result.credit_balance)}, "
                 f"{len(result.unapplied)} unapplied")
    return result


# --- by hand ---------------------------------------------------------------------------------


def _payment(session: Session, payment_id: int) -> StoredPayment:
    payment = stored_payment(session, payment_id)
    if payment is None:
        raise DataError.single(f"no payment {payment_id}", field="payment")
    return payment


def _amount(wanted: Decimal | None, most: Decimal, what: str) -> Decimal:
    if wanted is None:
        return most
    if wanted != wanted.quantize(ORE) or wanted <= 0:
        raise DataError.single(f"an amount above zero in kronor and öre: {wanted}", field="amount")
    if wanted > most:
        raise DataError.single(f"{format_sek(wanted)} is more than {what}, {format_sek(most)}", field="amount")
    return wanted


@dataclass(frozen=True, slots=True)
class Assigned:
    payment: StoredPayment
    document: int  # the document in force the amount went to
    named: int  # the document asked for
    amount: Decimal
    left: Decimal  # of the payment, after


def assign_payment(session: Session, payment_id: int, document: int, day: date,
                   amount: Decimal | None = None) -> Assigned:
    """Puts (part of) what is left of a payment on a document still owed: on the
    document in force of its chain (a credited and replaced invoice's replacement)."""
    lock_billing(session)
    payment = _payment(session, payment_id)
    state = ledger_state(session)
    left = payment.amount - applied_by_payment(state.applications).get(payment.id, ZERO)
    if left <= 0:
        raise DataError.single(f"payment {payment_id} has nothing left to apply", field="payment")
    item = item_of_document(state.items).get(document)
    if item is None:
        raise DataError.single(f"no document number {document}", field="document")
    if item.open <= 0:
        raise DataError.single(f"document {document} has nothing open (its item is document "
                               f"{item.document.number}, open {format_sek(item.open)})", field="document")
    if payment.agency_id is not None and payment.agency_id != item.document.agency_id:
        raise DataError.single(f"payment {payment_id} is {state.agencies[payment.agency_id].name}'s; document "
                               f"{document} is {item.document.agency_name}'s", field="document")
    amount = _amount(amount, min(left, item.open), "the payment has left or the document has open")
    target = item.document.number
    effective = max(day, payment.booked_on, item.document.issue_date)
    store_application(session, payment.id, target, amount, effective, ApplicationKind.MANUAL,
                      f"assigned to {document}", now(), operator())
    record_event(session, "payments assign", {"payment": str(payment_id), "document": str(document),
                                              "amount": str(amount)},
                 f"payment {payment_id}: {format_sek(amount)} SEK on document {target}")
    return Assigned(payment, target, document, amount, left - amount)


def refund_payment(session: Session, payment_id: int, day: date, reason: str,
                   amount: Decimal | None = None) -> tuple[StoredPayment, Decimal]:
    """Records a repayment of (part of) what is left of a payment: an agency's
    credit balance, or a payment nobody could be found for, paid back."""
    if not reason.strip():
        raise DataError.single("a refund needs a reason (--reason)", field="reason")
    lock_billing(session)
    payment = _payment(session, payment_id)
    left = payment.amount - applied_by_payment(stored_applications(session)).get(payment.id, ZERO)
    if left <= 0:
        raise DataError.single(f"payment {payment_id} has nothing left to refund", field="payment")
    amount = _amount(amount, left, "what is left of the payment")
    store_application(session, payment.id, None, amount, max(day, payment.booked_on), ApplicationKind.REFUND,
                      reason, now(), operator())
    record_event(session, "payments refund", {"payment": str(payment_id), "amount": str(amount), "reason": reason},
                 f"payment {payment_id}: {format_sek(amount)} SEK paid back")
    return payment, amount


def reverse_application(session: Session, application_id: int, day: date, reason: str) -> Application:
    """Undoes an application by its counter-entry: the same payment and document,
    the amount negated; the application itself stays as it was."""
    if not reason.strip():
        raise DataError.single("a reversal needs a reason (--reason)", field="reason")
    lock_billing(session)
    applications = stored_applications(session)
    found = next((a for a in applications if a.id == application_id), None)
    if found is None:
        raise DataError.single(f"no application {application_id}", field="application")
    if found.reverses is not None:
        raise DataError.single(f"application {application_id} is itself a counter-entry", field="application")
    if application_id in reversed_ids(applications):
        raise DataError.single(f"application {application_id} was reversed already", field="application")
    effective = max(day, found.effective_on)
    new_id = store_application(session, found.payment_id, found.document, -found.amount, effective,
                               ApplicationKind.REVERSAL, reason, now(), operator(), reverses=found.id)
    record_event(session, "payments reverse", {"application": str(application_id), "reason": reason},
                 f"application {application_id} reversed: {format_sek(-found.amount)} SEK on payment "
                 f"{found.payment_id}")
    return Application(new_id, found.payment_id, found.document, -found.amount, effective, ApplicationKind.REVERSAL,
                       found.id)


def receivables_check(session: Session) -> CheckResult:
    """The audit's reconciliation of the customer ledger, as it stands now."""
    state = ledger_state(session)
    return check_receivables(state.heads, state.payments, state.applications, state.items,
                             {a.id: a.name for a in state.agencies.values()})


# --- for the customer web ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PaymentEntry:
    """A payment with its applications (on the agency's documents, and refunds) and what is left."""

    payment: StoredPayment
    applications: tuple[Application, ...]
    left: Decimal


@dataclass(frozen=True, slots=True)
class AgencyLedger:
    day: date
    items: tuple[OpenItem, ...]  # the agency's items with something open (below zero: to its credit)
    payments: tuple[PaymentEntry, ...]
    credit_balance: Decimal  # what is left of its payments, held for it


def agency_ledger(session: Session, scope: Scope, agency_id: int, day: date | None = None,
                  today: date | None = None) -> AgencyLedger:
    """One agency's open items and payments on ``day``, read for that agency
    only (in SQL); an agency outside ``scope`` is "not found"."""
    if not scope.allows(agency_id):
        raise NotFound("no such agency")
    heads = heads_issued_until(session, day, agency_id)
    payments, applications = as_of(stored_payments(session, agency_id), stored_applications(session, agency_id), day)
    items = open_items(heads, applications, day)
    its_documents = {h.number for h in heads}
    applied = applied_by_payment(applications)
    entries = tuple(PaymentEntry(p, tuple(a for a in applications if a.payment_id == p.id
                                          and (a.document is None or a.document in its_documents)),
                                 p.amount - applied.get(p.id, ZERO)) for p in payments)
    rest = remainders(payments, applications, {h.number: h.agency_id for h in heads})
    return AgencyLedger(day or today or date.today(), tuple(i for i in items if i.open != 0), entries,
                        rest.credit_balances.get(agency_id, ZERO))


def scoped_payment(session: Session, scope: Scope, payment_id: int, day: date | None = None) -> PaymentEntry:
    """One payment the reader may see; another agency's is "not found", as one that does not exist."""
    if scope.everything:
        state = ledger_state(session, day)
        applied = applied_by_payment(state.applications)
        entries = tuple(PaymentEntry(p, tuple(a for a in state.applications if a.payment_id == p.id),
                                     p.amount - applied.get(p.id, ZERO))
                        for p in state.payments if p.id == payment_id)
    else:
        entries = agency_ledger(session, scope, scope.agency_id, day).payments
    found = next((e for e in entries if e.payment.id == payment_id), None)
    if found is None:
        raise NotFound(f"no payment {payment_id}")
    return found
