"""The customer ledger's stored facts as values: payments and applications.

A payment is money in (or, from a deduction or a debit, out) on a booking
day. An application puts part of a payment on a document, or pays it back
(a refund, with no document). Applications are never changed: one is undone
by a counter-entry, the same amount negated, pointing to it. What is left of
a payment is the agency's credit balance when the payment is known to be the
agency's, else unapplied ("oidentifierad").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

ZERO = Decimal("0.00")


class ApplicationKind(StrEnum):
    AUTOMATIC = "automatic"  # at import, by OCR reference or organisation number and amount
    MANUAL = "manual"  # `billing payments assign`
    REFUND = "refund"  # paid back to the payer: no document
    REVERSAL = "reversal"  # the counter-entry of another application

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {ApplicationKind.AUTOMATIC: "automatisk", ApplicationKind.MANUAL: "manuell",
           ApplicationKind.REFUND: "återbetalning", ApplicationKind.REVERSAL: "motbokning"}


@dataclass(frozen=True, slots=True)
class StoredPayment:
    id: int
    booked_on: date
    amount: Decimal
    reference: str = ""
    payer_organisation_number: str = ""
    agency_id: int | None = None  # the agency identified at import (by reference or organisation number)
    extra_references: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Application:
    id: int
    payment_id: int
    document: int | None  # None: a refund
    amount: Decimal
    effective_on: date  # from this day the amount counts (the as-of views)
    kind: ApplicationKind
    reverses: int | None = None  # the application this one undoes


def as_of(payments: Iterable[StoredPayment], applications: Iterable[Application],
          day: date | None) -> tuple[list[StoredPayment], list[Application]]:
    """The payments booked and applications effective on or before ``day`` (all when None)."""
    if day is None:
        return list(payments), list(applications)
    return ([p for p in payments if p.booked_on <= day], [a for a in applications if a.effective_on <= day])


def reversed_ids(applications: Iterable[Application]) -> set[int]:
    return {a.reverses for a in applications if a.reverses is not None}


def applied_by_payment(applications: Iterable[Application]) -> dict[int, Decimal]:
    """The sum of every payment's applications, counter-entries and refunds included."""
    sums: dict[int, Decimal] = {}
    for a in applications:
        sums[a.payment_id] = sums.get(a.payment_id, ZERO) + a.amount
    return sums


def agency_of_payment(payment: StoredPayment, applications: Sequence[Application],
                      agency_of_document: dict[int, int]) -> int | None:
    """The agency identified at import, else the agency of the first document the
    payment was put on by hand and not taken back."""
    if payment.agency_id is not None:
        return payment.agency_id
    undone = reversed_ids(applications)
    for a in sorted(applications, key=lambda a: a.id):
        if a.payment_id == payment.id and a.document is not None and a.reverses is None and a.id not in undone:
            return agency_of_document.get(a.document)
    return None


@dataclass(frozen=True, slots=True)
class Remainders:
    """What is left of the payments: per agency (credit balances) and unapplied."""

    credit_balances: dict[int, Decimal]  # agency id -> amount held for it (> 0: the centre owes it)
    unapplied: tuple[tuple[StoredPayment, Decimal], ...]  # payments no agency is known for, with what is left


def remainders(payments: Sequence[StoredPayment], applications: Sequence[Application],
               agency_of_document: dict[int, int]) -> Remainders:
    applied = applied_by_payment(applications)
    balances: dict[int, Decimal] = {}
    unapplied = []
    for payment in payments:
        left = payment.amount - applied.get(payment.id, ZERO)
        agency = agency_of_payment(payment, applications, agency_of_document)
        if agency is None:
            if left:
                unapplied.append((payment, left))
        else:
            balances[agency] = balances.get(agency, ZERO) + left
    return Remainders({a: v for a, v in balances.items() if v}, tuple(unapplied))
