"""Ageing: what is owed, by how long it is overdue, on a day."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from billing.payments.ledger import ZERO
from billing.payments.open_items import OpenItem

# (label, first day overdue, last day overdue or None): "not due" is 0 days.
BUCKETS = (("ej förfallet", 0, 0), ("1-30 dagar", 1, 30), ("31-60 dagar", 31, 60),
           ("61-90 dagar", 61, 90), ("över 90 dagar", 91, None))
BUCKET_KEYS = ("not_due", "1-30", "31-60", "61-90", "over_90")


@dataclass(frozen=True, slots=True)
class Ageing:
    buckets: tuple[Decimal, ...]  # owed, per bucket of BUCKETS
    credits: Decimal  # items below zero and credit balances: the centre owes the agency (<= 0)

    @property
    def total(self) -> Decimal:
        return sum(self.buckets, ZERO) + self.credits


def bucket_of(days_overdue: int) -> int:
    for index, (_, first, last) in enumerate(BUCKETS):
        if days_overdue >= first and (last is None or days_overdue <= last):
            return index
    raise AssertionError(days_overdue)


def ageing(items: Iterable[OpenItem], day: date, credit_balance: Decimal = ZERO) -> Ageing:
    """Items owed go to the bucket of their days overdue; items below zero, and
    the credit balance (held for the agency, so counted negative), to credits."""
    buckets = [ZERO] * len(BUCKETS)
    credits = -credit_balance
    for item in items:
        if item.open > 0:
            buckets[bucket_of(item.days_overdue(day))] += item.open
        else:
            credits += item.open
    return Ageing(tuple(buckets), credits)
