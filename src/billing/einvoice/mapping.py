"""What a document becomes in a Peppol e-invoice, as plain values: lines with
the signs of the document type and no negative price, discounts as
document-level allowances, VAT categories. The XML is made from these in
``ubl``; the reasons for each choice are in the package docstring."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from billing.domain.agency import FeePart
from billing.domain.vat_exemption import VatExemption
from billing.invoicing.document import DocumentKind, Invoice
from billing.money import HUNDRED
from billing.rating.lines import RatedLine

STANDARD_RATE = "S"
EXEMPT = "E"
# A 0 % line names its own exemption (from the price list or the pass-through
# file) since migration 0005. A line issued before has none recorded; it is
# exported as it was then, when every 0 % line was postage re-invoiced at cost.
LEGACY_EXEMPTION = VatExemption("VATEX-EU-132-1A",
                                "Undantaget från skatteplikt: posttjänster (vidarefakturerat porto)")
# SE-R-006: a Swedish seller's standard-rated lines are at 25, 12 or 6 %.
SWEDISH_RATES = frozenset({Decimal(25), Decimal(12), Decimal(6)})
DAY = "DAY"  # UN/ECE rec. 20: the unit of a line prorated by days

KIND_LABELS = {DocumentKind.INVOICE: "invoice", DocumentKind.CREDIT_NOTE: "credit note"}


@dataclass(frozen=True, slots=True)
class UblLine:
    """An invoice line as exported: signs per document type, price never negative."""

    id: str
    note: str
    quantity: Decimal
    unit_code: str
    net: Decimal
    name: str
    seller_item_id: str | None
    category: str
    rate: Decimal
    price: Decimal
    base_quantity: Decimal | None
    properties: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class UblAllowance:
    """A discount line as a document-level allowance (positive amount)."""

    amount: Decimal
    base: Decimal
    percent: Decimal
    reason: str
    category: str
    rate: Decimal


def sign(invoice: Invoice) -> int:
    """+1 for an invoice, -1 for a credit note: a CreditNote shows what it
    credits as positive quantities and amounts, our credit notes store them
    negated."""
    return -1 if invoice.kind is DocumentKind.CREDIT_NOTE else 1


def vat_category(rate: Decimal) -> str:
    return STANDARD_RATE if rate > 0 else EXEMPT


def zero_rate_exemption(invoice: Invoice) -> tuple[str | None, str]:
    """(TaxExemptionReasonCode, TaxExemptionReason) of the document's 0 % VAT
    breakdown. EN 16931 has one breakdown per category and rate, so lines with
    different exemptions share it: then it carries no code and names every
    reason with its code (BR-E-10 asks for a code or a text)."""
    exemptions = list(dict.fromkeys(line.vat_exemption or LEGACY_EXEMPTION
                                    for line in invoice.lines if line.vat_rate == 0))
    if len(exemptions) == 1:
        return exemptions[0].code, exemptions[0].reason
    return None, "; ".join(e.label for e in exemptions)


def is_discount(line: RatedLine) -> bool:
    return line.part is FeePart.DISCOUNT


def is_allowance(invoice: Invoice, line: RatedLine) -> bool:
    """A discount that reduces the document as shown: a document-level
    allowance. Every discount of an invoice and of its credit note does; in a
    credit balance note (and the invoice reversing one) the fees themselves
    are shown negative, so their discount adds to the document and is shown
    as a line like any other negative price."""
    return is_discount(line) and sign(invoice) * line.amount <= 0


def ubl_lines(invoice: Invoice) -> list[UblLine]:
    """Every line but the allowances; IDs are the line numbers as issued."""
    s = sign(invoice)
    result = []
    for number, line in enumerate(invoice.lines, start=1):
        if is_allowance(invoice, line):
            continue
        quantity, price = s * line.quantity, line.unit_price
        if price < 0:  # BR-27: same amount, positive price
            quantity, price = -quantity, -price
        unit_code, base_quantity = line.unit_code, None
        notes = [line.detail] if line.detail else []
        if line.proration is not None and not line.proration.is_whole:
            quantity *= line.proration.days
            unit_code, base_quantity = DAY, Decimal(line.proration.of_days)
            notes.append(f"{line.proration.days} av {line.proration.of_days} dagar: "
                         f"{plain_number(s * line.quantity)} {line.unit} x {line.proration.days} dagar")
        properties = [("Tjänsteområde", line.area.label)]
        if line.price_list_id:
            properties.append(("Prislista", line.price_list_id))
        result.append(UblLine(
            id=str(number), note="; ".join(notes), quantity=quantity, unit_code=unit_code,
            net=s * line.amount, name=line.description, seller_item_id=line.service_code,
            category=vat_category(line.vat_rate), rate=line.vat_rate, price=price,
            base_quantity=base_quantity, properties=tuple(properties)))
    return result


def ubl_allowances(invoice: Invoice) -> list[UblAllowance]:
    s = sign(invoice)
    return [UblAllowance(amount=-s * line.amount, base=s * line.quantity,
                         percent=-line.unit_price * HUNDRED,
                         reason=_discount_reason(line),
                         category=vat_category(line.vat_rate), rate=line.vat_rate)
            for line in invoice.lines if is_allowance(invoice, line)]


def _discount_reason(line: RatedLine) -> str:
    reason = f"{line.description} ({line.area.label.lower()})"
    return f"{reason}: {line.detail}" if line.detail else reason


def document_label(invoice: Invoice) -> str:
    kind = KIND_LABELS.get(invoice.kind, str(invoice.kind))
    buyer = ", ".join(part for part in (invoice.agency_name, invoice.organisation_number) if part.strip())
    return f"{kind} {invoice.number} ({buyer})"


def plain_number(value: Decimal) -> str:
    """A quantity, rate or percentage without exponent or trailing zeros."""
    return f"{value.normalize():f}" if value else "0"
