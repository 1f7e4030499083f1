"""Money rounding points, the billing month, invoice totals and the draft invoice."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from factories import D, FINANCE, PAYROLL, agency, agreement, rate, volume

from billing.invoicing.document import draft_invoice
from billing.invoicing.totals import VatSubtotal, compute_totals
from billing.money import format_sek, parse_decimal, round_line, round_payable, round_vat
from billing.period import Month


# --- rounding points ------------------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    ("12.345", "12.35"),     # half up (half-even would give 12.34)
    ("12.355", "12.36"),
    ("12.3449", "12.34"),
    ("-12.345", "-12.35"),   # half away from zero: a credit mirrors the debit
    ("7", "7.00"),
])
def test_round_line_to_ore_half_up(value, expected):
    assert round_line(D(value)) == D(expected)
    assert str(round_line(D(value))) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("0.125", "0.13"), ("0.0249", "0.02"), ("-0.125", "-0.13")])
def test_round_vat_to_ore_half_up(value, expected):
    assert round_vat(D(value)) == D(expected)


@pytest.mark.parametrize(("value", "expected"), [
    ("100.50", "101"), ("100.49", "100"), ("-100.50", "-101"), ("-100.49", "-100"), ("0.50", "1")])
def test_round_payable_to_whole_kronor_half_up(value, expected):
    assert round_payable(D(value)) == D(expected)


# --- parse_decimal --------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("62.00", "62.00"), (" 1 234.5 ", "1234.5"), ("1\u00a0000", "1000"),
    (42, "42"), (Decimal("0.1"), "0.1"), ("-3", "-3")])
def test_parse_decimal_reads_exactly(text, expected):
    value = parse_decimal(text)
    assert isinstance(value, Decimal)
    assert value == D(expected)


@pytest.mark.parametrize("bad", [0.1, 1.0, True, None, "abc", "12,5", "NaN", "Infinity", ""])
def test_parse_decimal_refuses_float_and_non_numbers(bad):
    with pytest.raises(ValueError):
        parse_decimal(bad)


def test_parse_decimal_error_says_float_is_not_exact():
    with pytest.raises(ValueError, match="not an exact number"):
        parse_decimal(0.1)


def test_format_sek():
    assert format_sek(D("1234567.5")) == "1 234 567,50"
    assert format_sek(D("-12.3")) == "-12,30"


# --- Month ----------------------------------------------------------------------

def test_month_parse():
    assert Month.parse("2012-11") == Month(2012, 11)
    assert str(Month.parse("2012-01")) == "2012-01"


@pytest.mark.parametrize("bad", ["2012-13", "2012-1", "2012-00", "12-11", "2012/11", "2012-11-01", ""])
def test_month_parse_refuses(bad):
    with pytest.raises(ValueError):
        Month.parse(bad)


def test_month_days_and_neighbours():
    assert Month(2012, 2).days == 29  # leap year
    assert Month(2013, 2).days == 28
    assert Month(2012, 12).next() == Month(2013, 1)
    assert Month(2013, 1).previous() == Month(2012, 12)
    assert Month(2012, 11).last_day == date(2012, 11, 30)


@pytest.mark.parametrize(("start", "end", "days"), [
    (date(2012, 11, 15), None, 16),               # 15..30 November
    (date(2012, 6, 1), date(2012, 11, 20), 20),   # 1..20 November
    (date(2012, 11, 15), date(2012, 11, 20), 6),  # 15..20
    (date(2012, 11, 30), None, 1),
    (date(2012, 1, 1), None, 30),                 # whole month
    (date(2012, 12, 1), None, 0),                 # starts after
    (date(2012, 1, 1), date(2012, 10, 31), 0),    # ended before
    (date(2012, 1, 1), date(2012, 11, 1), 1),     # ends on the first: end inclusive
])
def test_days_in_force(start, end, days):
    assert Month(2012, 11).days_in_force(start, end) == days


# --- totals ---------------------------------------------------------------------

def test_vat_per_rate_on_the_sum_of_that_rates_lines():
    # three lines of 0.02 at 25 %: per line 0.005 -> 0.01 each, 0.03 in all;
    # per rate 0.06 x 25 % = 0.015 -> 0.02. Per rate is the rule.
    totals = compute_totals([(D("0.02"), D("25"))] * 3)
    assert totals.vat == D("0.02")
    assert totals.vat_subtotals == (VatSubtotal(D("25.00"), D("0.06"), D("0.02")),)


def test_two_vat_rates_give_two_subtotals():
    totals = compute_totals([(D("1000.00"), D("25")), (D("333.33"), D("6")),
                             (D("166.67"), D("6.00")), (D("-200.00"), D("25"))])
    # 25 %: 1 000.00 - 200.00 = 800.00 -> VAT 200.00
    # 6 %: 333.33 + 166.67 = 500.00 -> VAT 30.00 (per line: 20.00 + 10.00 = 30.00 as well)
    assert totals.vat_subtotals == (VatSubtotal(D("25.00"), D("800.00"), D("200.00")),
                                    VatSubtotal(D("6.00"), D("500.00"), D("30.00")))
    # net 1 300.00, VAT 230.00, gross 1 530.00, payable 1 530, no rounding
    assert totals.net == D("1300.00")
    assert totals.vat == D("230.00")
    assert totals.gross == D("1530.00")
    assert totals.payable == D("1530")
    assert totals.rounding == D("0")


def test_six_percent_vat_rounded_on_the_rate_sum():
    # 6 %: 0.08 + 0.08 = 0.16 -> 0.0096 -> 0.01; per line 0.0048 -> 0.00 twice
    totals = compute_totals([(D("0.08"), D("6")), (D("0.08"), D("6"))])
    assert totals.vat == D("0.01")


@pytest.mark.parametrize(("net", "vat", "gross", "payable", "rounding"), [
    # 80.40 x 25 % = 20.10; gross 100.50 -> payable 101, rounding +0.50
    ("80.40", "20.10", "100.50", "101", "0.50"),
    # 80.39 x 25 % = 20.0975 -> 20.10; gross 100.49 -> payable 100, rounding -0.49
    ("80.39", "20.10", "100.49", "100", "-0.49"),
    # a credit: -80.40 x 25 % = -20.10; gross -100.50 -> payable -101 (half away from zero), -0.50
    ("-80.40", "-20.10", "-100.50", "-101", "-0.50"),
    # -80.39: VAT -20.0975 -> -20.10; gross -100.49 -> payable -100, rounding +0.49
    ("-80.39", "-20.10", "-100.49", "-100", "0.49"),
])
def test_payable_rounded_to_whole_kronor_with_the_rounding_shown(net, vat, gross, payable, rounding):
    totals = compute_totals([(D(net), D("25"))])
    assert totals.net == D(net)
    assert totals.vat == D(vat)
    assert totals.gross == D(gross)
    assert totals.payable == D(payable)
    assert totals.rounding == D(rounding)
    assert totals.gross + totals.rounding == totals.payable


def test_totals_of_no_lines():
    totals = compute_totals([])
    assert (totals.net, totals.vat, totals.payable, totals.vat_subtotals) == (D(0), D(0), D(0), ())


# --- the draft invoice ----------------------------------------------------------

def test_draft_invoice_due_30_days_after_the_issue_date():
    a = agency(agreement(PAYROLL, buyer_reference="KST 2091"), employees=10)
    lines = rate("2012-12", a, [volume("PAY-SLIP-DEV", 10, period="2012-12")])
    invoice = draft_invoice(a, Month(2012, 12), date(2013, 1, 5), lines)
    # 5 January + 30 days = 4 February
    assert invoice.due_date == date(2013, 2, 4)
    assert invoice.number is None
    assert invoice.buyer_reference == "KST 2091"
    # fixed 3 000.00 + 10 x 30.00 = 300.00 + 10 x 62.00 = 620.00 -> net 3 920.00
    # VAT 25 % = 980.00; gross 4 900.00
    assert invoice.totals.net == D("3920.00")
    assert invoice.totals.vat == D("980.00")
    assert invoice.totals.payable == D("4900")


def test_due_date_across_a_month_end():
    a = agency(agreement(PAYROLL))
    invoice = draft_invoice(a, Month(2013, 1), date(2013, 2, 1), rate("2013-01", a))
    # 1 February 2013 + 30 days = 3 March 2013 (February has 28 days)
    assert invoice.due_date == date(2013, 3, 3)


def test_buyer_reference_of_the_first_area_in_force():
    a = agency(agreement(FINANCE, buyer_reference="FIN-1"),
               agreement(PAYROLL, date(2013, 1, 1), buyer_reference="PAY-1"))
    # payroll comes first, but is not in force in December 2012
    assert draft_invoice(a, Month(2012, 12), date(2013, 1, 5), ()).buyer_reference == "FIN-1"
    assert draft_invoice(a, Month(2013, 1), date(2013, 2, 5), ()).buyer_reference == "PAY-1"
