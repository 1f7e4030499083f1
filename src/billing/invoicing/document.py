"""An invoice as a document: header, rated lines and totals."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

from billing.domain.address import PostalAddress
from billing.domain.agency import Agency
from billing.domain.catalogue import ServiceArea
from billing.invoicing.totals import InvoiceTotals, compute_totals
from billing.period import Month
from billing.rating.lines import RatedLine

PAYMENT_TERMS_DAYS = 30


class DocumentKind(StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"

    @property
    def label(self) -> str:
        """The document's Swedish name, as its heading: Faktura, Kreditfaktura."""
        return _LABELS[self]

    @property
    def short_label(self) -> str:
        """The name in a narrow column of a list: Faktura, Kredit."""
        return _SHORT_LABELS[self]

    @property
    def number_label(self) -> str:
        """What its number is called: Fakturanummer, Kreditfakturanummer."""
        return f"{self.label}nummer"

    @property
    def file_stem(self) -> str:
        """The start of a file name for one document: faktura, kreditfaktura."""
        return self.label.lower()


_LABELS = {DocumentKind.INVOICE: "Faktura", DocumentKind.CREDIT_NOTE: "Kreditfaktura"}
_SHORT_LABELS = {DocumentKind.INVOICE: "Faktura", DocumentKind.CREDIT_NOTE: "Kredit"}


@dataclass(frozen=True, slots=True)
class Invoice:
    """An invoice, or a credit note (``kind``): both are documents of one series."""

    number: int | None  # assigned when issued, never before
    organisation_number: str
    agency_name: str
    buyer_reference: str
    period: Month
    issue_date: date
    due_date: date
    currency: str
    lines: tuple[RatedLine, ...]
    totals: InvoiceTotals
    kind: DocumentKind = DocumentKind.INVOICE
    # The document it reverses: a credit note's invoice, or the credit balance
    # note a reversing invoice mirrors (see reversal_of).
    credits: int | None = None
    replaces: int | None = None  # corrected document: the one it takes the place of
    reason: str = ""
    # The agency's address at issue; None on documents issued before addresses
    # were kept (migration 0005), and on a draft for an agency without one.
    buyer_address: PostalAddress | None = None

    @property
    def is_credit_balance(self) -> bool:
        """A credit note that reverses no invoice: an agency's month whose
        charges net to a credit, issued on purpose (invoicing/credit_balance.py)."""
        return self.kind is DocumentKind.CREDIT_NOTE and self.credits is None

    @property
    def is_reversal(self) -> bool:
        """A document that reverses another in full and charges nothing of its own:
        a credit note for an invoice, or an invoice for a credit balance note."""
        return self.credits is not None

    def lines_by_area(self) -> list[tuple[ServiceArea, list[RatedLine]]]:
        groups: dict[ServiceArea, list[RatedLine]] = {}
        for line in self.lines:
            groups.setdefault(line.area, []).append(line)
        return list(groups.items())

    @property
    def asks_payment(self) -> bool:
        """An invoice with an amount to pay. A credit note, an invoice whose
        payable amount is zero or negative, or an invoice reversing a credit
        balance note (set off against it) asks for nothing: its PDF and
        e-invoice carry no due date, payment reference or instructions to pay."""
        return self.kind is DocumentKind.INVOICE and self.totals.payable > 0 and not self.is_reversal


@dataclass(frozen=True, slots=True)
class AgencyDocument:
    """A document with the id of the stored agency it is for: what a run drafts,
    what is issued, and what the checks read back. One value, so the pair never
    travels in two orders."""

    agency_id: int
    document: Invoice


def draft_invoice(agency: Agency, period: Month, issue_date: date,
                  lines: tuple[RatedLine, ...], currency: str = "SEK") -> Invoice:
    """An unnumbered invoice; billed in arrears, due 30 days after the invoice date."""
    references = [a.buyer_reference for a in sorted(agency.agreements, key=lambda a: a.area.order)
                  if a.buyer_reference and a.in_force(period)]
    return Invoice(
        number=None, organisation_number=agency.organisation_number, agency_name=agency.name,
        buyer_reference=references[0] if references else "", period=period,
        issue_date=issue_date, due_date=issue_date + timedelta(days=PAYMENT_TERMS_DAYS),
        currency=currency, lines=lines,
        totals=compute_totals((line.amount, line.vat_rate) for line in lines),
        buyer_address=agency.address)


def credit_note_for(invoice: Invoice, issue_date: date, reason: str) -> Invoice:
    """A credit note reversing ``invoice`` in full, line by line.

    Each line keeps its unit price and basis and takes the opposite quantity
    and amount, so quantity x unit price = amount still holds and a reader sees
    exactly what is reversed. Because every rounding point rounds halves away
    from zero, the totals recomputed from the negated lines are exactly the
    negated totals of the invoice: the two documents add up to zero, to the öre.
    Nothing is due on a credit note, so its due date is its issue date.
    """
    assert invoice.kind is DocumentKind.INVOICE and invoice.number is not None
    lines = tuple(replace(line, quantity=-line.quantity, amount=-line.amount)
                  for line in invoice.lines)
    totals = compute_totals((line.amount, line.vat_rate) for line in lines)
    assert totals.payable == -invoice.totals.payable and totals.vat == -invoice.totals.vat
    return replace(invoice, number=None, kind=DocumentKind.CREDIT_NOTE, issue_date=issue_date,
                   due_date=issue_date, lines=lines, totals=totals, credits=invoice.number,
                   replaces=None, reason=reason)


def reversal_of(document: Invoice, issue_date: date, reason: str) -> Invoice:
    """The document that reverses ``document`` in full: a credit note for an
    invoice (``credit_note_for``); for a credit balance note, an invoice that
    mirrors it line by line and names it in ``credits``, as a credit note names
    its invoice. Like a credit note, the reversing invoice asks for nothing: it
    is settled against the note it reverses, so it is due on its issue date."""
    if document.kind is DocumentKind.INVOICE:
        return credit_note_for(document, issue_date, reason)
    assert document.is_credit_balance and document.number is not None
    lines = tuple(replace(line, quantity=-line.quantity, amount=-line.amount)
                  for line in document.lines)
    totals = compute_totals((line.amount, line.vat_rate) for line in lines)
    assert totals.payable == -document.totals.payable and totals.vat == -document.totals.vat
    return replace(document, number=None, kind=DocumentKind.INVOICE, issue_date=issue_date,
                   due_date=issue_date, lines=lines, totals=totals, credits=document.number,
                   replaces=None, reason=reason)


def charges(invoice: Invoice) -> list[tuple]:
    """What an invoice charges, line by line, without its links to the basis:
    a re-rated month that gives the same charges needs no correction, even when
    a volume record was replaced by one with the same quantity. Nor is where a
    price came from a charge, nor why a 0 % line is exempt: a line issued
    before they were recorded (None) is the same charge as its re-rating. Nor
    is the buyer's address: a new address alone is no reason to re-issue."""
    return sorted((str(l.area), str(l.part), l.service_code or "", l.description, l.quantity,
                   l.unit_price, l.amount, l.vat_rate, l.price_list_id or "") for l in invoice.lines)
