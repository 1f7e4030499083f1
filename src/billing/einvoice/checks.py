"""What keeps a document (or the seller) from being a conforming e-invoice:
checked for every document before any file is written, each problem naming
its document."""

from __future__ import annotations

from billing.domain.organisation import organisation_number_digits
from billing.domain.seller import Seller
from billing.einvoice.mapping import KIND_LABELS, SWEDISH_RATES, document_label, is_allowance, sign
from billing.errors import Problem
from billing.invoicing.document import DocumentKind, Invoice
from billing.invoicing.totals import compute_totals


def seller_problems(seller: Seller, source: str = "centre file") -> list[Problem]:
    problems = []
    if organisation_number_digits(seller.organisation_number) is None:
        problems.append(Problem(f"seller organisation number {seller.organisation_number!r} "
                                "is not a valid Swedish organisation number", file=source))
    vat = seller.vat_number
    if not (len(vat) == 14 and vat.startswith("SE") and vat[2:].isdigit()):
        problems.append(Problem(f"seller VAT number {vat!r} is not SE and 12 digits (SE-R-001, SE-R-002)",
                                file=source))
    digits = seller.bankgiro.replace("-", "")
    if not (digits.isdigit() and len(digits) in (7, 8)):
        problems.append(Problem(f"seller bankgiro {seller.bankgiro!r} is not 7 or 8 digits (SE-R-008, SE-R-009)",
                                file=source))
    for name in ("name", "street", "city", "postal_code", "country", "email"):
        if not getattr(seller, name).strip():
            problems.append(Problem(f"seller {name} is empty", file=source))
    return problems


def document_problems(invoice: Invoice) -> list[Problem]:
    """Everything in one document that the export cannot turn into a conforming
    e-invoice, each naming the document."""
    label = document_label(invoice)
    problems: list[str] = []
    if invoice.kind not in KIND_LABELS:
        problems.append(f"a document of kind {invoice.kind!r} has no e-invoice document type")
    if invoice.number is None or invoice.number < 1:
        problems.append("has no document number")
    if not invoice.buyer_reference.strip():
        problems.append("has no buyer reference (BT-10, PEPPOL-EN16931-R003): the agency's "
                        "agreement names none")
    if organisation_number_digits(invoice.organisation_number) is None:
        problems.append(f"buyer organisation number {invoice.organisation_number!r} is missing or "
                        "not a valid Swedish organisation number (scheme 0007)")
    if not invoice.agency_name.strip():
        problems.append("has no buyer name")
    # A credit note naming no invoice is a credit balance note: the month's
    # lines as rated (no quantity below zero), with the reason it was issued.
    if invoice.is_credit_balance and (any(line.quantity < 0 for line in invoice.lines)
                                      or not invoice.reason.strip()):
        problems.append("is a credit note that names no credited invoice, and not a credit balance "
                        "note (the month's lines as rated, with a reason)")
    if not invoice.lines:
        problems.append("has no lines")
    for number, line in enumerate(invoice.lines, start=1):
        where = f"line {number} ({line.description or 'no description'})"
        if not line.description.strip():
            problems.append(f"{where} has no description (item name, BT-153)")
        if not line.unit_code.strip():
            problems.append(f"{where} has no unit code")
        if line.vat_rate < 0:
            problems.append(f"{where} has a negative VAT rate {line.vat_rate}")
        elif line.vat_rate > 0 and line.vat_rate not in SWEDISH_RATES:
            problems.append(f"{where} has VAT rate {line.vat_rate} %: a Swedish seller's rates "
                            "are 25, 12 and 6 % (SE-R-006), or 0 % (exempt)")
        if is_allowance(invoice, line) and not (line.unit_price < 0 and sign(invoice) * line.quantity > 0):
            problems.append(f"{where} is a discount that is not a positive base at a negative rate")
    if invoice.lines and not problems:
        recomputed = compute_totals((line.amount, line.vat_rate) for line in invoice.lines)
        if recomputed != invoice.totals:
            problems.append("its totals do not add up from its lines")
    return [Problem(f"{label}: {message}") for message in problems]
