"""Payment reminders ("betalningspåminnelser"): which items are due one, and
the letter to each agency, without a database.

An item is reminded when it is owed and overdue by at least ``days`` days,
and was not reminded in the last ``interval`` days. Between state agencies
no fee or interest is charged; a centre may set a fee, charged once per letter.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from billing.payments.ledger import ZERO
from billing.payments.ocr import ocr_reference
from billing.payments.open_items import OpenItem


@dataclass(frozen=True, slots=True)
class ReminderLine:
    document: int
    issue_date: date
    due_date: date
    days_overdue: int
    original: Decimal
    paid: Decimal
    open: Decimal
    ocr: str


@dataclass(frozen=True, slots=True)
class ReminderLetter:
    agency_id: int
    organisation_number: str
    name: str
    address: tuple[str, ...]
    day: date
    lines: tuple[ReminderLine, ...]
    fee: Decimal

    @property
    def total(self) -> Decimal:
        return sum((line.open for line in self.lines), ZERO) + self.fee


def due_for_reminder(items: Iterable[OpenItem], day: date, days: int, interval: int,
                     last_reminded: Mapping[int, date]) -> list[OpenItem]:
    """The items owed, overdue by ``days`` or more on ``day``, and not reminded
    within ``interval`` days before it; by agency, due date and number."""
    chosen = []
    for item in items:
        if item.open <= 0 or item.days_overdue(day) < days:
            continue
        last = max((last_reminded[n] for n in item.chain if n in last_reminded), default=None)
        if last is not None and day - last < timedelta(days=interval):
            continue
        chosen.append(item)
    return sorted(chosen, key=lambda i: (i.document.agency_id, i.document.due_date, i.document.number))


def letters(items: Iterable[OpenItem], day: date, fee: Decimal,
            agencies: Mapping[int, tuple[str, str, tuple[str, ...]]]) -> list[ReminderLetter]:
    """One letter per agency; ``agencies``: id -> (organisation number, name, address lines)."""
    grouped: dict[int, list[OpenItem]] = {}
    for item in items:
        grouped.setdefault(item.document.agency_id, []).append(item)
    out = []
    for agency_id, owed in sorted(grouped.items()):
        number, name, address = agencies[agency_id]
        out.append(ReminderLetter(agency_id, number, name, address, day, tuple(
            ReminderLine(i.document.number, i.document.issue_date, i.document.due_date, i.days_overdue(day),
                         i.original, i.paid, i.open, ocr_reference(i.document.number)) for i in owed), fee))
    return out
