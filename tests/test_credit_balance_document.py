"""A month that nets to a credit (invoicing/credit_balance.py), without a
database: when it is one, the credit balance note and the invoice that
reverses it, the in-force rule over them, and their Peppol documents.

The month used throughout (payroll, all at 25 %):

    Grundavgift fast del            1 x 3000.00          =   3000.00
    Rabatt 20 % på grundavgift   3000.00 x -0.20         =   -600.00
    Återbetalning Palasso           1 x -10000.00        = -10000.00
                                                   net   =  -7600.00
    VAT 25 % of -7600.00 = -1900.00; gross -9500.00; payable -9500 (no rounding).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from billing.domain.agency import FeePart
from billing.einvoice.checks import document_problems
from billing.einvoice.mapping import ubl_allowances, ubl_lines
from billing.einvoice.ubl import build_document
from billing.invoicing.credit_balance import (credit_balance_note, held_back_message, nets_to_credit,
                                              split_credit_balances)
from billing.invoicing.document import DocumentKind, Invoice, reversal_of
from billing.invoicing.in_force import (chain_of, credit_balances_in_force, credited_alone, documents_in_force,
                                        in_force_by_agency_month, invoices_in_force)
from billing.invoicing.totals import compute_totals
from factories import M, head, issued
from test_einvoice import NS, SELLER, _line, check_rules, num, texts

D = Decimal
NOTE = DocumentKind.CREDIT_NOTE
NOTE_DATE = date(2012, 12, 20)


def month_draft() -> Invoice:
    lines = (
        _line(FeePart.BASE_FIXED, "Grundavgift fast del", "1", "MON", "3000.00", "25"),
        _line(FeePart.DISCOUNT, "Rabatt 20 % på grundavgift", "3000.00", "C62", "-0.20", "25"),
        _line(FeePart.PASS_THROUGH, "Återbetalning Palasso", "1", "C62", "-10000.00", "25"),
    )
    return Invoice(number=None, organisation_number="202100-0001", agency_name="Alfaverket",
                   buyer_reference="A-100", period=M("2012-11"), issue_date=date(2012, 12, 5),
                   due_date=date(2013, 1, 4), currency="SEK", lines=lines,
                   totals=compute_totals((l.amount, l.vat_rate) for l in lines))


def note() -> Invoice:
    return replace(credit_balance_note(month_draft(), NOTE_DATE, "Återbetalning överstiger avgifterna"),
                   number=9)


# --- when a month is a credit ------------------------------------------------------------

def test_a_month_is_a_credit_when_its_net_or_its_payable_is_negative():
    assert nets_to_credit(month_draft().totals)
    assert not nets_to_credit(compute_totals([(D("0.00"), D(25))]))  # zero: an invoice of nothing to pay
    assert nets_to_credit(compute_totals([(D("-0.01"), D(25))]))  # net -0.01, payable 0: still a credit
    # Net positive, payable negative: +10.00 at 0 % and -9.00 at 25 %: net 1.00,
    # VAT -2.25, gross -1.25, payable -1 (half away from zero).
    mixed = compute_totals([(D("10.00"), D(0)), (D("-9.00"), D(25))])
    assert (mixed.net, mixed.payable) == (D("1.00"), D("-1")) and nets_to_credit(mixed)


def test_the_run_holds_back_only_the_months_that_are_credits():
    credit, normal = issued(month_draft(), agency_id=1), issued(replace(month_draft(), lines=month_draft().lines[:1],
                                                                          totals=compute_totals([(D("3000.00"), D(25))])), 2)
    assert split_credit_balances([credit, normal]) == ([normal], [credit])
    assert held_back_message(month_draft()) == (
        "held back: 202100-0001 Alfaverket: 2012-11 nets to a credit (net -7 600,00, VAT -1 900,00, "
        "payable -9 500,00 SEK); no invoice is issued for a negative amount. To issue it as a credit "
        "note: billing credit-balance 2012-11 --agency 202100-0001 --reason TEXT")


# --- the note and its reversal --------------------------------------------------------------

def test_the_credit_balance_note_keeps_the_lines_as_rated():
    draft, cb = month_draft(), note()
    assert (cb.kind, cb.credits, cb.replaces, cb.is_credit_balance, cb.is_reversal) == (NOTE, None, None, True, False)
    assert cb.lines == draft.lines and cb.totals == draft.totals
    assert (cb.totals.net, cb.totals.vat, cb.totals.payable) == (D("-7600.00"), D("-1900.00"), D("-9500"))
    assert (cb.issue_date, cb.due_date, cb.reason) == (NOTE_DATE, NOTE_DATE, "Återbetalning överstiger avgifterna")
    with pytest.raises(AssertionError):  # a month that is no credit is never a credit note
        credit_balance_note(replace(draft, totals=compute_totals([(D("1.00"), D(25))])), NOTE_DATE, "x")


def test_the_invoice_reversing_a_note_mirrors_it():
    cb = note()
    reversal = reversal_of(cb, date(2012, 12, 28), "Rättade volymer")
    assert (reversal.kind, reversal.credits, reversal.is_reversal) == (DocumentKind.INVOICE, 9, True)
    assert [(l.quantity, l.unit_price, l.amount) for l in reversal.lines] == [
        (D("-1"), D("3000.00"), D("-3000.00")), (D("-3000.00"), D("-0.20"), D("600.00")),
        (D("-1"), D("-10000.00"), D("10000.00"))]
    # 9500 + (-9500) = 0: the two cancel to the öre; nothing is due on the reversal.
    assert (reversal.totals.payable, reversal.due_date) == (D("9500"), date(2012, 12, 28))


# --- in force -------------------------------------------------------------------------------

def story():
    """Agency 1: invoice 1, then credit balance note 3 for the month (credit note 2
    credits 1, 3 replaces 1); corrected: invoice 4 reverses 3, invoice 5 replaces 3.
    Agency 2: credit balance note 6 only."""
    return [head(1), head(2, kind=NOTE, credits=1), head(3, kind=NOTE, replaces=1, payable="-9500"),
            head(4, credits=3, payable="9500"), head(5, replaces=3),
            head(6, kind=NOTE, agency_id=2, payable="-200")]


def test_a_credit_balance_note_stands_for_its_month_until_reversed():
    heads = story()
    assert [h.number for h in invoices_in_force(heads)] == [5]  # 4 is a reversal, not a charge
    assert [h.number for h in credit_balances_in_force(heads)] == [6]  # 3 is reversed by 4
    assert [h.number for h in documents_in_force(heads)] == [5, 6]
    assert [h.number for h in credit_balances_in_force(heads[:3])] == [3]  # before the correction
    chain = chain_of(heads)
    assert dict(chain.credited_by) == {1: 2, 3: 4}
    assert chain.in_force_now(1) == 5 and chain.in_force_now(3) == 5
    assert credited_alone(heads) == []  # 1 was replaced by the note, not credited on purpose


def test_an_invoice_beside_a_credit_balance_note_is_two_documents_in_force():
    heads = [head(1), head(2, kind=NOTE, payable="-200")]
    assert [[h.number for h in group] for group in in_force_by_agency_month(heads).values()] == [[1, 2]]


# --- Peppol -----------------------------------------------------------------------------------

def test_the_note_is_a_peppol_credit_note_of_positive_credit():
    cb = note()
    assert document_problems(cb) == []
    # Shown negated: the fee is a negative credited line; the discount adds to
    # the credit, so it is a line (3000.00 x 0.20 = 600.00), not an allowance;
    # the refund a positive line. 600.00 + 10000.00 - 3000.00 = 7600.00 = net.
    assert ubl_allowances(cb) == []
    assert [(l.quantity, l.price, l.net) for l in ubl_lines(cb)] == [
        (D("-1"), D("3000.00"), D("-3000.00")), (D("3000.00"), D("0.20"), D("600.00")),
        (D("1"), D("10000.00"), D("10000.00"))]
    root = build_document(cb, SELLER)
    check_rules(root)
    assert root.tag.endswith("CreditNote")
    totals = root.find("cac:LegalMonetaryTotal", NS)
    assert [num(totals, f"cbc:{name}") for name in ("LineExtensionAmount", "TaxExclusiveAmount",
                                                    "TaxInclusiveAmount", "PayableAmount")] == [
        D("7600.00"), D("7600.00"), D("9500.00"), D("9500.00")]
    assert root.find("cac:BillingReference", NS) is None  # it credits no invoice
    assert texts(root, "cbc:Note") == ["Kreditfaktura för 2012-11, till er förmån: "
                                       "Återbetalning överstiger avgifterna"]


def test_the_reversing_invoice_is_a_peppol_invoice_that_refers_to_the_note():
    reversal = replace(reversal_of(note(), date(2012, 12, 28), "Rättade volymer"), number=10)
    assert document_problems(reversal) == []
    root = build_document(reversal, SELLER)
    check_rules(root)
    assert root.tag.endswith("Invoice")
    assert texts(root, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID") == ["9"]
    assert root.find("cac:PaymentMeans", NS) is None  # set off against the note, nothing to pay
    assert num(root.find("cac:LegalMonetaryTotal", NS), "cbc:PayableAmount") == D("9500.00")
    assert texts(root, "cbc:Note") == ["Återför kreditfaktura 9: Rättade volymer"]


def test_a_credit_note_naming_no_invoice_must_have_the_months_lines_and_a_reason():
    label = "credit note 9 (Alfaverket, 202100-0001): is a credit note that names no credited invoice"
    for broken in (replace(note(), reason=""),
                   replace(note(), lines=tuple(replace(l, quantity=-l.quantity, amount=-l.amount)
                                               for l in note().lines),
                           totals=compute_totals((-l.amount, l.vat_rate) for l in note().lines))):
        assert any(str(p).startswith(label) for p in document_problems(broken))
