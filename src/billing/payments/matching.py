"""Payments matched to open invoices by their OCR reference: a report, nothing stored.

An invoice is *open* when it is issued and no credit note reverses it. A
credit note is never open (nothing is due on it), nor is an invoice that
reverses a credit balance note (it is set off against that note), and an
invoice reversed by a credit note is not open either: a payment to it cannot settle anything and is listed
as unmatched, naming the credit note and the invoice that replaced it, if any.
The database records no payments, so each file is matched on its own: several
payments to one invoice in the file are added up, earlier files are not known.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum

from billing.invoicing.document import DocumentKind
from billing.invoicing.in_force import Chain, DocumentHead, chain_of
from billing.money import ORE
from billing.payments.ocr import document_number, is_valid_ocr
from billing.payments.payments_csv import Payment

ZERO = Decimal("0.00")


class Status(StrEnum):
    PAID = "paid"
    PART_PAID = "part-paid"
    OVER_PAID = "over-paid"

    @property
    def label(self) -> str:
        """In Swedish, as the report's table shows it (CSV and JSON keep the value)."""
        return _STATUS_LABELS[self]


_STATUS_LABELS = {Status.PAID: "betald", Status.PART_PAID: "delbetald", Status.OVER_PAID: "överbetald"}


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


def referenced_numbers(payments: Sequence[Payment]) -> list[int]:
    """The document numbers the payments' references name: what to look up."""
    return [n for n in (referenced_number(p.reference)[0] for p in payments) if n is not None]


def _not_open(head: DocumentHead, chain: Chain) -> str:
    if head.kind is DocumentKind.CREDIT_NOTE:
        return f"document {head.number} is a credit note: nothing is due on it"
    if head.credits is not None:
        return f"invoice {head.number} reverses credit note {head.credits}: nothing is due on it"
    replaced_by = chain.replaced_by.get(head.number)
    replaced = f", replaced by invoice {replaced_by}" if replaced_by else ""
    return f"invoice {head.number} is credited by credit note {chain.credited_by[head.number]}{replaced}"


def match_payments(payments: Sequence[Payment], documents: Mapping[int, DocumentHead]) -> MatchReport:
    """``documents``: the documents the payments name, by number, with the credit
    notes and corrected invoices that point to them (which tell what is open)."""
    chain = chain_of(documents.values())
    matched: dict[int, list[Payment]] = {}
    unmatched = []
    for payment in payments:
        number, reason = referenced_number(payment.reference)
        head = documents.get(number) if number is not None else None
        if number is None:
            unmatched.append(Unmatched(payment, reason))
        elif head is None:
            unmatched.append(Unmatched(payment, f"no document number {number}", number))
        elif head.kind is DocumentKind.CREDIT_NOTE or head.credits is not None or number in chain.credited_by:
            unmatched.append(Unmatched(payment, _not_open(head, chain), number))
        else:
            matched.setdefault(number, []).append(payment)
    # Payable amounts are whole kronor; shown, like the payments, in kronor and öre.
    invoices = tuple(InvoicePayments(replace(documents[n], payable=documents[n].payable.quantize(ORE)),
                                     tuple(matched[n])) for n in sorted(matched))
    return MatchReport(invoices, tuple(unmatched), tuple(payments))
