"""One-off connection fees: the standard fee per area and items agreed per agreement."""

from __future__ import annotations

from datetime import date

import pytest

from factories import (D, FINANCE, PAYROLL, agency, agreement, connection_item, lines_of,
                       one_line, price_list, rate)

from billing.domain.agency import FeePart


def connection_lines(month: str, the_agency, **kw):
    return lines_of(rate(month, the_agency, **kw), FeePart.CONNECTION)


def test_connection_fee_on_the_invoice_of_the_connection_month():
    a = agency(agreement(PAYROLL, date(2012, 11, 15)))
    line = one_line(rate("2012-11", a), FeePart.CONNECTION)
    # payroll connection fee 75 000.00, whole: a one-off fee is not prorated
    assert line.amount == D("75000.00")
    assert line.proration is None
    assert line.price_list_id == "standard-2012-06"
    assert "2012-11-15" in line.detail


def test_connection_fee_not_in_the_month_after():
    a = agency(agreement(PAYROLL, date(2012, 11, 15)))
    assert connection_lines("2012-12", a) == []


def test_connection_fee_per_area():
    a = agency(agreement(PAYROLL, date(2012, 11, 1)), agreement(FINANCE, date(2012, 10, 1)))
    lines = connection_lines("2012-11", a)
    # only payroll connected in November: 75 000.00
    assert [(line.area, line.amount) for line in lines] == [(PAYROLL, D("75000.00"))]


def test_no_connection_fee_for_an_agreement_taken_over():
    a = agency(agreement(PAYROLL, date(2012, 11, 1), connection_fee=False))
    assert connection_lines("2012-11", a) == []


def test_connection_fee_vat_rate():
    pl = price_list(vat_rates={"connection": "0"})
    a = agency(agreement(PAYROLL, date(2012, 11, 1)))
    assert one_line(rate("2012-11", a, price_lists=[pl]), FeePart.CONNECTION).vat_rate == D("0")


def test_agreement_connection_item_in_the_month_of_its_date():
    item = connection_item("Integration mot ekonomisystem", "45000.00", date(2012, 12, 10))
    a = agency(agreement(FINANCE, date(2012, 6, 1), connection_items=[item]))
    assert connection_lines("2012-11", a) == []
    [line] = connection_lines("2012-12", a)
    assert line.amount == D("45000.00")
    assert line.description == "Integration mot ekonomisystem"
    assert connection_lines("2013-01", a) == []


def test_agreement_connection_item_without_date_falls_on_connected_on():
    item = connection_item("Konvertering av lönedata", "12500.50")
    a = agency(agreement(PAYROLL, date(2012, 11, 15), connection_items=[item]))
    lines = connection_lines("2012-11", a)
    # the standard fee 75 000.00 and the item 12 500.50
    assert sorted(line.amount for line in lines) == [D("12500.50"), D("75000.00")]
    assert connection_lines("2012-12", a) == []


def test_connection_item_billed_even_without_the_standard_fee():
    item = connection_item("Överföring från Kammarkollegiet", "5000.00")
    a = agency(agreement(PAYROLL, date(2012, 10, 1), connection_fee=False, connection_items=[item]))
    [line] = connection_lines("2012-10", a)
    assert line.amount == D("5000.00")


# An agency may leave an area and join it again: the agencies file accepts several
# agreements per area as long as they do not overlap.
LEFT_AND_REJOINED = agency(agreement(PAYROLL, date(2012, 6, 1), ends_on=date(2012, 11, 10)),
                           agreement(PAYROLL, date(2012, 11, 20)))


def test_connection_fee_of_an_agreement_rejoining_in_the_month_another_ended():
    # the new agreement connects 2012-11-20: its connection fee belongs on November's invoice
    amounts = [line.amount for line in connection_lines("2012-11", LEFT_AND_REJOINED)]
    assert amounts == [D("75000.00")]


def test_base_fee_of_both_agreements_in_the_month_one_ended_and_another_connected():
    fixed = lines_of(rate("2012-11", LEFT_AND_REJOINED), FeePart.BASE_FIXED)
    # 1-10 November: 3 000.00 x 10/30 = 1 000.00; 20-30 November: 3 000.00 x 11/30 = 1 100.00
    assert sum(line.amount for line in fixed) == D("2100.00")


def test_rejoined_agreement_billed_whole_the_month_after():
    # December: only the second agreement, a whole month, no connection fee any more
    lines = rate("2012-12", LEFT_AND_REJOINED)
    assert one_line(lines, FeePart.BASE_FIXED).amount == D("3000.00")
    assert lines_of(lines, FeePart.CONNECTION) == []
