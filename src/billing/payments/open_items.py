"""Open items: what each agency still owes, document by document, on a day.

Documents that point to one another (a credit note to the invoice it
reverses, a corrected invoice to the one it replaces, an invoice to the
credit balance note it reverses) form one chain, and a chain is one item:
its amount is the sum of its documents (a credit note reduces what is owed;
a chain corrected in full nets to its newest invoice, one credited on its own
to nothing), and every payment put on any of its documents counts for it.
So a payment to an invoice later credited and replaced pays the replacement,
and a payment to one credited on its own leaves the item open below zero:
money the agency has to its credit. The item is shown as its document in
force (invoicing/in_force.py), or its newest document when none is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from billing.invoicing.in_force import DocumentHead, documents_in_force
from billing.payments.ledger import ZERO, Application


@dataclass(frozen=True, slots=True)
class OpenItem:
    document: DocumentHead  # the chain's document in force, or its newest
    original: Decimal  # the sum of the chain's documents
    paid: Decimal  # the sum of the applications on them
    chain: tuple[int, ...]  # every document number of the chain

    @property
    def open(self) -> Decimal:
        return self.original - self.paid

    def days_overdue(self, day: date) -> int:
        """Days past the due date on ``day``, for an item still owed; else 0."""
        return max(0, (day - self.document.due_date).days) if self.open > 0 else 0


def chain_roots(heads: Iterable[DocumentHead]) -> dict[int, int]:
    """Every document number -> the first document of its chain."""
    by_number = {h.number: h for h in heads}
    roots: dict[int, int] = {}
    for number in sorted(by_number):
        current, seen = number, set()
        while current not in roots and current not in seen:
            seen.add(current)
            head = by_number.get(current)
            target = None if head is None else (head.credits if head.credits is not None else head.replaces)
            if target is None or target not in by_number:
                break
            current = target
        root = roots.get(current, current)
        for member in seen:
            roots[member] = root
    return roots


def open_items(heads: Sequence[DocumentHead], applications: Iterable[Application],
               day: date | None = None) -> list[OpenItem]:
    """Every chain of ``heads`` issued on or before ``day`` (all when None) as an
    item, with the applications effective by then; by agency, then due date and number.
    Items with nothing open are included: the caller chooses what to show."""
    heads = [h for h in heads if day is None or h.issue_date <= day]
    roots = chain_roots(heads)
    chains: dict[int, list[DocumentHead]] = {}
    for head in heads:
        chains.setdefault(roots[head.number], []).append(head)
    paid: dict[int, Decimal] = {}
    for a in applications:
        if a.document is not None and a.document in roots and (day is None or a.effective_on <= day):
            paid[roots[a.document]] = paid.get(roots[a.document], ZERO) + a.amount
    items = []
    for root, members in chains.items():
        in_force = documents_in_force(members)
        shown = in_force[-1] if in_force else max(members, key=lambda h: h.number)
        items.append(OpenItem(shown, sum((h.payable for h in members), ZERO), paid.get(root, ZERO),
                              tuple(sorted(h.number for h in members))))
    return sorted(items, key=lambda i: (i.document.agency_id, i.document.due_date, i.document.number))


def item_of_document(items: Iterable[OpenItem]) -> dict[int, OpenItem]:
    """Every document number -> the item its chain is."""
    return {number: item for item in items for number in item.chain}
