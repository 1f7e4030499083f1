"""A credit note as a document (invoicing/document.credit_note_for), without a
database: every line of the invoice negated, the totals its mirror to the öre,
pointing to the invoice it reverses.

The invoice, by hand (issued 2012-12-05 as number 7):

    3 x 66.00 = 198.00 at 25 %, payslips on volume records 11 and 12
    2 x 50.20 = 100.40 at 25 %
    1 x 12.25 =  12.25 at 0 %  (postage)
    net 310.65; VAT 25 % of 298.40 = 74.60, 0 % of 12.25 = 0.00; gross 385.25;
    payable 385 (rounded half up to whole kronor), rounding -0.25
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from billing.invoicing.document import DocumentKind, credit_note_for
from billing.invoicing.totals import VatSubtotal
from factories import D, document, document_line

INVOICE = document(document_line(3, "66.00", volume_record_ids=(11, 12)),
                   document_line(2, "50.20", service_code="PAY-ADD-DEDUCT"),
                   document_line(1, "12.25", service_code="POSTAGE", vat_rate="0"), number=7)
CREDITED_ON = date(2012, 12, 20)


def test_the_hand_worked_invoice():
    t = INVOICE.totals
    assert (t.net, t.vat, t.gross, t.payable, t.rounding) == (
        D("310.65"), D("74.60"), D("385.25"), D("385"), D("-0.25"))


def test_every_line_reversed_with_its_unit_price_and_basis():
    note = credit_note_for(INVOICE, CREDITED_ON, "Fel mottagare")
    assert [(l.quantity, l.unit_price, l.amount, l.vat_rate, l.volume_record_ids) for l in note.lines] == [
        (D("-3"), D("66.00"), D("-198.00"), D("25"), (11, 12)),
        (D("-2"), D("50.20"), D("-100.40"), D("25"), ()),
        (D("-1"), D("12.25"), D("-12.25"), D("0"), ())]
    # quantity x unit price = amount still holds on every line.
    assert all(l.quantity * l.unit_price == l.amount for l in note.lines)


def test_the_totals_mirror_the_invoice_to_the_ore():
    note = credit_note_for(INVOICE, CREDITED_ON, "Fel mottagare")
    t = note.totals
    # -385.25 rounds half away from zero to -385 as 385.25 did to 385: rounding +0.25.
    assert (t.net, t.vat, t.gross, t.payable, t.rounding) == (
        D("-310.65"), D("-74.60"), D("-385.25"), D("-385"), D("0.25"))
    assert t.vat_subtotals == (VatSubtotal(D("25"), D("-298.40"), D("-74.60")),
                               VatSubtotal(D("0"), D("-12.25"), D("0.00")))
    assert INVOICE.totals.payable + t.payable == 0


def test_a_tie_rounds_away_from_zero_both_ways():
    # 2 x 50.20 = 100.40 at 25 %: VAT 25.10, gross 125.50, payable 126 (+0.50);
    # its credit note -125.50 -> -126 (-0.50), not -125.
    invoice = document(document_line(2, "50.20"), number=3)
    assert (invoice.totals.payable, invoice.totals.rounding) == (D("126"), D("0.50"))
    note = credit_note_for(invoice, CREDITED_ON, "x")
    assert (note.totals.payable, note.totals.rounding) == (D("-126"), D("-0.50"))


def test_the_header_points_to_the_invoice_and_asks_for_nothing():
    note = credit_note_for(replace(INVOICE, replaces=4, reason="Rättelse"), CREDITED_ON, "Fel mottagare")
    assert note.kind is DocumentKind.CREDIT_NOTE and note.number is None
    assert (note.credits, note.replaces, note.reason) == (7, None, "Fel mottagare")
    assert note.issue_date == note.due_date == CREDITED_ON  # nothing is due on a credit note
    assert (note.period, note.organisation_number, note.agency_name) == (
        INVOICE.period, INVOICE.organisation_number, INVOICE.agency_name)


def test_only_an_issued_invoice_is_credited():
    note = replace(credit_note_for(INVOICE, CREDITED_ON, "x"), number=8)
    with pytest.raises(AssertionError):
        credit_note_for(note, CREDITED_ON, "a credit note is not credited")
    with pytest.raises(AssertionError):
        credit_note_for(replace(INVOICE, number=None), CREDITED_ON, "a draft has nothing to credit")
