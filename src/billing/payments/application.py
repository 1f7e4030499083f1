"""The rule that puts incoming payments on open items, without a database.

For each payment, in file order: the OCR references it carries (the main
one, then any extra ones) name documents; each named item still owed gets
as much of the payment as it needs, in the order named. A payment naming no
document is matched by the payer's organisation number and its exact amount
to an item of that agency still owed (the oldest due, if several). What is
left over is the agency's credit balance when the agency is known, else the
payment stays unapplied for a person to assign. A negative payment (a
deduction, a debit) goes whole on the document it names. Items change as the
payments of the file are applied, so two payments of one file never pay the
same krona twice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from billing.payments.bank_file import BankPayment
from billing.payments.ledger import ZERO
from billing.payments.ocr import document_number, is_valid_ocr
from billing.payments.open_items import OpenItem


@dataclass(frozen=True, slots=True)
class Outcome:
    payment: BankPayment
    agency_id: int | None  # known from a reference or the organisation number; None: unapplied
    applied: tuple[tuple[int, Decimal], ...]  # (document, amount)
    how: str  # why, in words for the person reading the import's report

    @property
    def left(self) -> Decimal:
        return self.payment.amount - sum((amount for _, amount in self.applied), ZERO)


def referenced_number(reference: str) -> tuple[int | None, str]:
    """The document number an OCR reference names, or None and why not."""
    if not reference:
        return None, "no reference"
    if not reference.isdigit() or not reference.isascii():
        return None, "not an OCR number (digits only)"
    if not is_valid_ocr(reference, with_length_digit=False):
        return None, "wrong check digit"
    number = document_number(reference)
    if number is None:
        return None, "wrong length digit"
    return number, ""


class _Book:
    """The items' open amounts as the file's payments use them up."""

    def __init__(self, items: Sequence[OpenItem]):
        self.left = {id(i): i.open for i in items}
        self.by_number = {n: i for i in items for n in i.chain}
        self.by_agency: dict[int, list[OpenItem]] = {}
        for item in items:
            self.by_agency.setdefault(item.document.agency_id, []).append(item)

    def take(self, item: OpenItem, wanted: Decimal) -> Decimal:
        amount = min(wanted, self.left[id(item)])
        if amount <= 0:
            return ZERO
        self.left[id(item)] -= amount
        return amount


def _named_items(payment: BankPayment, book: _Book) -> tuple[list[OpenItem], list[str]]:
    items, reasons = [], []
    for reference in (payment.reference, *payment.extra_references):
        number, reason = referenced_number(reference)
        item = book.by_number.get(number) if number is not None else None
        if item is not None and item not in items:
            items.append(item)
        elif number is not None and item is None:
            reasons.append(f"no document number {number}")
        elif reason:
            reasons.append(f"reference {reference!r}: {reason}" if reference else reason)
    return items, reasons


def apply_one(payment: BankPayment, book: _Book, agencies: Mapping[str, int]) -> Outcome:
    items, reasons = _named_items(payment, book)
    if items:
        agency = items[0].document.agency_id
        if payment.amount < 0:
            return Outcome(payment, agency, ((items[0].document.number, payment.amount),),
                           f"deduction on document {items[0].document.number}")
        applied, left = [], payment.amount
        for item in (i for i in items if i.document.agency_id == agency):
            amount = book.take(item, left)
            if amount:
                applied.append((item.document.number, amount))
                left -= amount
        named = ", ".join(str(i.document.number) for i in items)
        how = f"by OCR reference (document {named})" if applied else \
            f"by OCR reference (document {named}): nothing open, held as credit balance"
        return Outcome(payment, agency, tuple(applied), how)
    agency = agencies.get(payment.payer_organisation_number) if payment.payer_organisation_number else None
    if agency is not None and payment.amount > 0:
        exact = [i for i in book.by_agency.get(agency, []) if book.left[id(i)] == payment.amount]
        if exact:
            item = min(exact, key=lambda i: (i.document.due_date, i.document.number))
            book.take(item, payment.amount)
            return Outcome(payment, agency, ((item.document.number, payment.amount),),
                           f"by organisation number {payment.payer_organisation_number} and amount")
        reasons.append(f"no open item of {payment.payer_organisation_number} of exactly this amount")
    return Outcome(payment, None, (), "; ".join(reasons) or "no reference")


def apply_payments(payments: Sequence[BankPayment], items: Sequence[OpenItem],
                   agencies: Mapping[str, int]) -> list[Outcome]:
    """``items``: every open item as it stands before the file; ``agencies``:
    organisation number -> agency id."""
    book = _Book(items)
    return [apply_one(payment, book, agencies) for payment in payments]
