"""One issued document as data for a script: `billing invoice show --format json`
(the whole document) and `--format csv` (a row per line).

Amounts stay Decimals (exact decimal text in JSON and CSV); the payment
details are those the PDF prints: the OCR reference of an invoice, and the
centre's bankgiro when there is something to pay.
"""

from __future__ import annotations

from billing.domain.seller import Seller
from billing.invoicing.document import DocumentKind, Invoice
from billing.payments.ocr import ocr_reference

# The kinds as the command line names them (`--kind invoice|credit-note`) and scripts read them.
KIND_NAMES = {DocumentKind.INVOICE: "invoice", DocumentKind.CREDIT_NOTE: "credit-note"}

LINE_FIELDS = ("number", "line", "area", "part", "service", "description", "detail", "quantity", "unit",
               "unit_price", "amount", "vat_rate", "price_list", "volume_records", "pass_through")


def payment_details(document: Invoice, seller: Seller | None) -> dict[str, str]:
    """What to pay to, as the PDF prints it: the OCR reference and the bankgiro
    of an issued invoice that asks for payment (Invoice.asks_payment); nothing
    for a credit note, an invoice with nothing to pay or one reversing a credit
    balance note."""
    if not document.asks_payment or document.number is None:
        return {}
    details = {"ocr_reference": ocr_reference(document.number)}
    if seller is not None:
        details["bankgiro"] = seller.bankgiro
    return details


def line_rows(document: Invoice) -> list[dict[str, object]]:
    """Every line of the document, in its order, with the document's number."""
    return [{"number": document.number, "line": index, "area": str(line.area), "part": str(line.part),
             "service": line.service_code or "", "description": line.description, "detail": line.detail,
             "quantity": line.quantity, "unit": line.unit, "unit_price": line.unit_price,
             "amount": line.amount, "vat_rate": line.vat_rate, "price_list": line.price_list_id or "",
             "volume_records": " ".join(map(str, line.volume_record_ids)),
             "pass_through": " ".join(map(str, line.pass_through_ids))}
            for index, line in enumerate(document.lines, start=1)]


def document_data(document: Invoice, seller: Seller | None) -> dict[str, object]:
    """The whole document: header, payment details, lines, VAT per rate, totals."""
    totals = document.totals
    lines = []
    for row, line in zip(line_rows(document), document.lines):
        lines.append({**{k: v for k, v in row.items() if k != "number"},
                      "volume_records": list(line.volume_record_ids),
                      "pass_through": list(line.pass_through_ids),
                      "proration": ({"days": line.proration.days, "of_days": line.proration.of_days}
                                    if line.proration else None)})
    return {
        "number": document.number, "kind": KIND_NAMES[document.kind],
        "issue_date": document.issue_date.isoformat(),
        "due_date": document.due_date.isoformat(), "period": str(document.period),
        "organisation_number": document.organisation_number, "agency": document.agency_name,
        "buyer_reference": document.buyer_reference, "currency": document.currency,
        "credits": document.credits, "replaces": document.replaces, "reason": document.reason,
        **payment_details(document, seller),
        "lines": lines,
        "vat": [{"rate": s.rate, "taxable": s.taxable, "vat": s.vat} for s in totals.vat_subtotals],
        "net": totals.net, "vat_total": totals.vat, "rounding": totals.rounding, "payable": totals.payable,
    }
