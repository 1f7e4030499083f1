"""Which documents are in force: the one rule, over document headers.

An invoice is in force until a credit note reverses it; a credit note credits
one invoice, and an invoice is credited at most once. A correction issues a
credit note for the invoice in force and a new invoice that replaces it; an
invoice credited with nothing replacing it was credited on its own. A credit
note and a corrected invoice have the period of the invoice they point to, so
the rule can be applied to the documents of any set of months.

A month that nets to a credit is a credit balance note: a credit note that
credits no invoice (invoicing/credit_balance.py). It is its agency's document
in force for the month until an invoice that mirrors it reverses it (that
invoice names it in ``credits``, as a credit note names its invoice, and is a
reversal, not a charge in force). ``credited_by`` therefore maps any reversed
document to the document reversing it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from billing.invoicing.document import AgencyDocument, DocumentKind
from billing.period import Month


@dataclass(frozen=True, slots=True)
class DocumentHead:
    """An issued document's header: what deciding, matching and listing need,
    without its lines."""

    number: int
    kind: DocumentKind
    agency_id: int
    organisation_number: str
    agency_name: str
    period: Month
    issue_date: date
    due_date: date
    payable: Decimal
    credits: int | None = None  # the document it reverses (see Invoice.credits)
    replaces: int | None = None  # the document it takes the place of

    @classmethod
    def of(cls, issued: AgencyDocument) -> DocumentHead:
        d = issued.document
        assert d.number is not None, "only an issued document has a header"
        return cls(d.number, d.kind, issued.agency_id, d.organisation_number, d.agency_name, d.period,
                   d.issue_date, d.due_date, d.totals.payable, d.credits, d.replaces)


@dataclass(frozen=True, slots=True)
class Chain:
    """Who points to whom: the credit note reversing an invoice, and the
    corrected invoice issued in its place."""

    credited_by: Mapping[int, int]  # reversed document -> the document reversing it
    replaced_by: Mapping[int, int]  # document -> the document taking its place

    def in_force_now(self, number: int) -> int | None:
        """The invoice in force in the place of invoice ``number``: itself when
        no credit note reverses it, else its replacement, followed as far as it
        was corrected again; None when the last of them was credited on its own."""
        seen = set()
        while number in self.credited_by:
            if number in seen:  # a loop only altered data can make
                return None
            seen.add(number)
            replacement = self.replaced_by.get(number)
            if replacement is None:
                return None
            number = replacement
        return number


def chain_of(heads: Iterable[DocumentHead]) -> Chain:
    """The links among ``heads``; by number, so that of two documents pointing
    to the same invoice (possible only in altered data) the later counts."""
    ordered = sorted(heads, key=lambda h: h.number)
    return Chain({h.credits: h.number for h in ordered if h.credits is not None},
                 {h.replaces: h.number for h in ordered if h.replaces is not None})


def invoices_in_force(heads: Iterable[DocumentHead]) -> list[DocumentHead]:
    """The invoices among ``heads`` that no credit note among them reverses, by
    number; an invoice reversing a credit balance note is not one of them."""
    heads = list(heads)
    credited = chain_of(heads).credited_by
    return sorted((h for h in heads if h.kind is DocumentKind.INVOICE and h.credits is None
                   and h.number not in credited), key=lambda h: h.number)


def credit_balances_in_force(heads: Iterable[DocumentHead]) -> list[DocumentHead]:
    """The credit balance notes among ``heads`` (credit notes crediting no
    invoice) that no invoice among them reverses, by number."""
    heads = list(heads)
    reversed_ = chain_of(heads).credited_by
    return sorted((h for h in heads if h.kind is DocumentKind.CREDIT_NOTE and h.credits is None
                   and h.number not in reversed_), key=lambda h: h.number)


def documents_in_force(heads: Iterable[DocumentHead]) -> list[DocumentHead]:
    """What stands for each agency's month: its invoice in force, or its
    credit balance note in force, by number."""
    heads = list(heads)
    return sorted(invoices_in_force(heads) + credit_balances_in_force(heads), key=lambda h: h.number)


def in_force_by_agency_month(heads: Iterable[DocumentHead]) -> dict[tuple[int, Month], list[DocumentHead]]:
    """The documents in force, per agency and month: one each, unless the data
    was altered (a deleted credit note puts its invoice back beside the new one)."""
    grouped: dict[tuple[int, Month], list[DocumentHead]] = {}
    for head in documents_in_force(heads):
        grouped.setdefault((head.agency_id, head.period), []).append(head)
    return grouped


def credited_alone(heads: Iterable[DocumentHead]) -> list[DocumentHead]:
    """The invoices among ``heads`` that a credit note reversed with no invoice
    replacing them (credited on purpose, not corrected), by number."""
    heads = list(heads)
    chain = chain_of(heads)
    return sorted((h for h in heads if h.kind is DocumentKind.INVOICE and h.credits is None
                   and h.number in chain.credited_by and h.number not in chain.replaced_by),
                  key=lambda h: h.number)


class InvoiceStatus(StrEnum):
    """Where a document stands. What stands for a month (a charging invoice or
    a credit balance note) is in force, credited (reversed) on its own, or
    replaced by a corrected document; an invoice reversing a credit balance
    note is a reversal. A credit note reversing an invoice has no status."""

    IN_FORCE = "in-force"
    CREDITED = "credited"
    REPLACED = "replaced"
    REVERSED = "reversed"  # a credit balance note an invoice reversed, nothing in its place
    REVERSAL = "reversal"  # an invoice reversing a credit balance note

    @property
    def label(self) -> str:
        """In Swedish, as a list shows it."""
        return _STATUS_LABELS[self]


_STATUS_LABELS = {InvoiceStatus.IN_FORCE: "gällande", InvoiceStatus.CREDITED: "krediterad",
                  InvoiceStatus.REPLACED: "ersatt", InvoiceStatus.REVERSED: "återförd",
                  InvoiceStatus.REVERSAL: "återföring"}


def invoice_statuses(heads: Iterable[DocumentHead]) -> dict[int, InvoiceStatus]:
    """The status of every invoice and credit balance note among ``heads``, by
    number (a credit note reversing an invoice has none). The documents pointing
    to a document bill its month, so the heads of any set of whole months, or of
    one agency, are enough to decide."""
    heads = list(heads)
    chain = chain_of(heads)
    statuses: dict[int, InvoiceStatus] = {}
    for h in heads:
        if h.kind is DocumentKind.INVOICE and h.credits is not None:
            statuses[h.number] = InvoiceStatus.REVERSAL
        elif h.kind is DocumentKind.INVOICE or h.credits is None:
            statuses[h.number] = (InvoiceStatus.IN_FORCE if h.number not in chain.credited_by
                                  else InvoiceStatus.REPLACED if h.number in chain.replaced_by
                                  else InvoiceStatus.CREDITED if h.kind is DocumentKind.INVOICE
                                  else InvoiceStatus.REVERSED)
    return statuses
