"""Payments matched to open invoices by their OCR reference: a report, nothing stored.

An invoice is *open* when it is issued and no credit note reverses it. A
credit note is never open (nothing is due on it), and an invoice reversed by
one is not open either: a payment to it cannot settle anything and is listed
as unmatched, naming the credit note and the invoice that replaced it, if any.
The database records no payments, so each file is matched on its own: several
payments to one invoice in the file are added up, earlier files are not known.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from billing.invoicing.document import DocumentKind
from billing.money import ORE
from billing.payments.ocr import document_number, is_valid_ocr
from billing.payments.payments_csv import Payment
from billing.period import Month
from billing.persistence.models import InvoiceRow

ZERO = Decimal("0.00")
_LARGEST_NUMBER = 2**31 - 1


class Status(StrEnum):
    PAID = "paid"
    PART_PAID = "part-paid"
    OVER_PAID = "over-paid"


@dataclass(frozen=True, slots=True)
class DocumentHead:
    """What matching needs of an issued document."""

    number: int
    kind: DocumentKind
    organisation_number: str
    agency_name: str
    period: Month
    due_date: date
    payable: Decimal
    credited_by: int | None = None  # the credit note reversing this invoice
    replaced_by: int | None = None  # the corrected invoice issued in its place


@dataclass(frozen=True, slots=True)
class InvoicePayments:
    invoice: DocumentHead
    payments: tuple[Payment, ...]

    @property
    def paid(self) -> Decimal:
        return sum((p.amount for p in self.payments), ZERO)

    @property
    def balance(self) -> Decimal:
        """Still owed: positive when part-paid, negative when over-paid."""
        return self.invoice.payable - self.paid

    @property
    def status(self) -> Status:
        if self.balance == 0:
            return Status.PAID
        return Status.PART_PAID if self.balance > 0 else Status.OVER_PAID


@dataclass(frozen=True, slots=True)
class Unmatched:
    payment: Payment
    reason: str
    number: int | None = None  # the document the reference names, when it names one


@dataclass(frozen=True, slots=True)
class MatchReport:
    invoices: tuple[InvoicePayments, ...]  # by invoice number
    unmatched: tuple[Unmatched, ...]  # in file order
    payments: tuple[Payment, ...]

    def count(self, status: Status) -> int:
        return sum(1 for i in self.invoices if i.status is status)

    @property
    def total(self) -> Decimal:
        return sum((p.amount for p in self.payments), ZERO)

    @property
    def unmatched_total(self) -> Decimal:
        return sum((u.payment.amount for u in self.unmatched), ZERO)


def referenced_number(reference: str) -> tuple[int | None, str]:
    """The document number an OCR reference names, or None and why not."""
    if not reference:
        return None, "no reference"
    if not reference.isdigit():
        return None, "not an OCR number (digits only)"
    if not is_valid_ocr(reference, with_length_digit=False):
        return None, "wrong check digit"
    number = document_number(reference)
    if number is None:
        return None, "wrong length digit"
    return number, ""


def _not_open(head: DocumentHead) -> str:
    if head.kind is DocumentKind.CREDIT_NOTE:
        return f"document {head.number} is a credit note: nothing is due on it"
    replaced = f", replaced by invoice {head.replaced_by}" if head.replaced_by else ""
    return f"invoice {head.number} is credited by credit note {head.credited_by}{replaced}"


def match_payments(payments: Sequence[Payment], documents: Mapping[int, DocumentHead]) -> MatchReport:
    matched: dict[int, list[Payment]] = {}
    unmatched = []
    for payment in payments:
        number, reason = referenced_number(payment.reference)
        head = documents.get(number) if number is not None else None
        if number is None:
            unmatched.append(Unmatched(payment, reason))
        elif head is None:
            unmatched.append(Unmatched(payment, f"no document number {number}", number))
        elif head.kind is DocumentKind.CREDIT_NOTE or head.credited_by is not None:
            unmatched.append(Unmatched(payment, _not_open(head), number))
        else:
            matched.setdefault(number, []).append(payment)
    invoices = tuple(InvoicePayments(documents[n], tuple(matched[n])) for n in sorted(matched))
    return MatchReport(invoices, tuple(unmatched), tuple(payments))


def document_heads(session: Session, numbers: Iterable[int]) -> dict[int, DocumentHead]:
    """The documents with these numbers, with the credit notes and corrected
    invoices that point to them; headers only, no lines."""
    # A number beyond the integer column cannot be a document (nor be bound on SQLite).
    wanted = sorted({n for n in numbers if 0 < n <= _LARGEST_NUMBER})
    rows: list = []
    for start in range(0, len(wanted), 5000):
        chunk = wanted[start:start + 5000]
        rows += session.execute(select(
            InvoiceRow.number, InvoiceRow.kind, InvoiceRow.organisation_number, InvoiceRow.agency_name,
            InvoiceRow.period, InvoiceRow.due_date, InvoiceRow.payable, InvoiceRow.credits_number,
            InvoiceRow.replaces_number).where(or_(
                InvoiceRow.number.in_(chunk), InvoiceRow.credits_number.in_(chunk),
                InvoiceRow.replaces_number.in_(chunk)))).all()
    wanted_set = set(wanted)
    credited = {row.credits_number: row.number for row in rows if row.credits_number is not None}
    replaced = {row.replaces_number: row.number for row in rows if row.replaces_number is not None}
    return {row.number: DocumentHead(
        row.number, DocumentKind(row.kind), row.organisation_number, row.agency_name, row.period,
        row.due_date, row.payable.quantize(ORE), credited.get(row.number), replaced.get(row.number))
        for row in rows if row.number in wanted_set}


def match_file(session: Session, payments: Sequence[Payment]) -> MatchReport:
    """Read-only: looks up the documents the payments name and matches them."""
    numbers = [n for n in (referenced_number(p.reference)[0] for p in payments) if n is not None]
    return match_payments(payments, document_heads(session, numbers))
