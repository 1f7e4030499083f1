"""A document that asks for no payment (a credit note, an invoice whose payable
amount is zero or negative) tells nobody to pay: its PDF has no due date, OCR
reference, bankgiro instruction or payment terms, and its e-invoice no due
date, payment means or terms telling the buyer to pay.

The documents, worked by hand (lines of test_einvoice's helpers, 25 % VAT):

- zero: 1 x 66,00 and -1 x 66,00 (a refund): net 0,00, VAT 0,00, payable 0;
- negative: -3 x 66,00 = -198,00: VAT -49,50, gross -247,50, payable -248
  (halves away from zero), rounding -0,50;
- the credit note of test_einvoice.small_invoice (payable -3 678).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from pypdf import PdfReader

from billing.domain.agency import FeePart
from billing.einvoice.ubl import build_document
from billing.invoicing.document import DocumentKind, Invoice
from billing.invoicing.totals import compute_totals
from billing.payments.ocr import ocr_reference
from billing.pdf import render_invoice
from test_einvoice import (NS, SELLER, _line, assert_all_in_schema_order, check_rules, small_credit_note,
                           small_invoice)

D = Decimal
PAYMENT_WORDS = ("Förfallodatum", "OCR-nummer", "Betalningsinformation", "Betalningsvillkor",
                 "Att betala", "Betala till", "förfallodag")


def with_lines(*lines) -> Invoice:
    return replace(small_invoice(), lines=lines,
                   totals=compute_totals((l.amount, l.vat_rate) for l in lines))


def zero_invoice() -> Invoice:
    return with_lines(_line(FeePart.TRANSACTION, "Lönespecifikation", "1", "H87", "66.00", "25"),
                      _line(FeePart.TRANSACTION, "Lönespecifikation, återbetald", "-1", "H87", "66.00",
                            "25"))


def negative_invoice() -> Invoice:
    return with_lines(_line(FeePart.TRANSACTION, "Lönespecifikation, rättad", "-3", "H87", "66.00", "25"))


def pdf_text(document: Invoice) -> str:
    reader = PdfReader(BytesIO(render_invoice(document, SELLER)))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_the_documents_as_worked_by_hand():
    zero, negative, credit = zero_invoice().totals, negative_invoice().totals, small_credit_note().totals
    assert (zero.net, zero.vat, zero.payable) == (D("0.00"), D("0.00"), D("0"))
    assert (negative.net, negative.vat, negative.rounding, negative.payable) == \
        (D("-198.00"), D("-49.50"), D("-0.50"), D("-248"))
    assert credit.payable == D("-3678")
    assert not any(d.asks_payment for d in (zero_invoice(), negative_invoice(), small_credit_note()))
    assert small_invoice().asks_payment


def test_an_invoice_with_something_to_pay_says_how():
    """The words the other tests look for, where they belong."""
    text = pdf_text(small_invoice())
    for expected in ("Förfallodatum 2013-01-04", "OCR-nummer 737", "Betalningsinformation",
                     "Betalningsvillkor 30 dagar netto", "Att betala (SEK) 3 678,00"):
        assert expected in text, expected
    root = build_document(small_invoice(), SELLER)
    assert root.findtext("cbc:DueDate", namespaces=NS) == "2013-01-04"
    assert root.find("cac:PaymentMeans", NS) is not None
    assert "Betala till bankgiro 5050-1055" in root.findtext("cac:PaymentTerms/cbc:Note", namespaces=NS)


@pytest.mark.parametrize("document, amount, note", [
    (zero_invoice, "0,00", "Inget att betala för denna faktura."),
    (negative_invoice, "-248,00", "Inget att betala för denna faktura: beloppet 248,00 SEK är till er fördel."),
])
def test_pdf_of_an_invoice_of_nothing_or_less_asks_no_payment(document, amount, note):
    text = pdf_text(document())
    assert "Fakturadatum 2012-12-05" in text and f"Belopp (SEK) {amount}" in text
    assert note in text
    for absent in (*PAYMENT_WORDS, "737"):  # 737: invoice 7's OCR reference
        assert absent not in text, absent
    assert "Kontakt fakturering@statenssc.se Bankgiro 5050-1055" in text  # the centre's details stay


def test_pdf_of_a_credit_note_asks_no_payment():
    text = pdf_text(small_credit_note())
    assert "Kreditfakturadatum 2012-12-12" in text and "Kreditbelopp (SEK) -3 678,00" in text
    for absent in (*PAYMENT_WORDS, "Fakturadatum", ocr_reference(7), ocr_reference(8)):
        assert absent not in text, absent


@pytest.mark.parametrize("document", [zero_invoice, negative_invoice, small_credit_note])
def test_e_invoice_of_a_document_that_asks_no_payment(document):
    doc = document()
    root = build_document(doc, SELLER, {7: small_invoice().issue_date})
    assert root.find("cbc:DueDate", NS) is None
    assert root.find("cac:PaymentMeans", NS) is None
    assert root.find(".//cbc:PaymentID", NS) is None
    terms = root.findall("cac:PaymentTerms/cbc:Note", NS)
    assert len(terms) == 1 and terms[0].text.startswith("Inget att betala")
    for absent in ("Betala", "bankgiro", "5050", "OCR", "förfallodag", "dagar netto"):
        assert absent not in terms[0].text, absent
    check_rules(root)
    assert_all_in_schema_order(root)
    if doc.kind is DocumentKind.INVOICE:  # still an invoice, with its (signed) amount due
        payable = root.findtext("cac:LegalMonetaryTotal/cbc:PayableAmount", namespaces=NS)
        assert payable == {D("0"): "0.00", D("-248"): "-248.00"}[doc.totals.payable]
