"""Discounts: a percentage off named parts, in an area, for a range of months."""

from __future__ import annotations

from datetime import date

from factories import (D, FINANCE, PAYROLL, M, agency, agreement, discount, lines_of, price_list,
                       rate, volume)

from billing.domain.agency import FeePart
from billing.rating.discounts import discount_lines

BASE_PARTS = (FeePart.BASE_FIXED, FeePart.BASE_VARIABLE)


def own_system_agency(*, employees: int = 120, **kw):
    """Finance and payroll; 20 % off the finance base fee June-December 2012."""
    return agency(agreement(PAYROLL), agreement(FINANCE), employees=employees,
                  discounts=[discount("20", BASE_PARTS, "2012-06", "2012-12", FINANCE)], **kw)


def test_one_negative_line_per_discounted_part():
    lines = rate("2012-11", own_system_agency(), [volume("FIN-CUSTINV", 10)])
    found = lines_of(lines, FeePart.DISCOUNT)
    assert len(found) == 2
    by_base = {line.quantity: line for line in found}
    # finance fixed 8 000.00 x 20 % = 1 600.00
    # finance variable (120 employees) 100 x 120.00 + 20 x 70.00 = 13 400.00; x 20 % = 2 680.00
    assert by_base[D("8000.00")].amount == D("-1600.00")
    assert by_base[D("13400.00")].amount == D("-2680.00")
    for line in found:
        assert line.area == FINANCE
        assert line.unit_price == D("-0.2")
        assert line.price_list_id == "standard-2012-06"
        assert line.detail == "eget system"
    # nothing off the finance transaction fees or payroll's base fee
    assert sum(line.amount for line in found) == D("-4280.00")


def test_discount_line_placed_after_the_lines_of_its_area():
    lines = rate("2012-11", own_system_agency())
    assert [(line.area, line.part) for line in lines][-2:] == [(FINANCE, FeePart.DISCOUNT)] * 2


def test_not_applied_outside_its_months():
    before = agency(agreement(FINANCE, date(2012, 5, 1)),
                    discounts=[discount("20", BASE_PARTS, "2012-06", "2012-12", FINANCE)])
    assert lines_of(rate("2012-05", before, price_lists=[
        price_list(valid_from=date(2012, 5, 1))]), FeePart.DISCOUNT) == []
    assert lines_of(rate("2013-01", own_system_agency()), FeePart.DISCOUNT) == []
    # first and last month of the range are included
    assert len(lines_of(rate("2012-06", own_system_agency()), FeePart.DISCOUNT)) == 2
    assert len(lines_of(rate("2012-12", own_system_agency()), FeePart.DISCOUNT)) == 2


def test_discount_for_all_areas_when_no_area_is_named():
    a = agency(agreement(PAYROLL), agreement(FINANCE), employees=120,
               discounts=[discount("10", [FeePart.BASE_FIXED], "2012-06", "2012-12")])
    found = lines_of(rate("2012-11", a), FeePart.DISCOUNT)
    # payroll fixed 3 000.00 x 10 % = 300.00; finance fixed 8 000.00 x 10 % = 800.00
    assert {line.area: line.amount for line in found} == {
        PAYROLL: D("-300.00"), FINANCE: D("-800.00")}
    assert len(found) == 2


def test_discount_on_transaction_fees_per_vat_rate():
    pl = price_list(vat_rates={"PAY-SLIP-ATT": "6"})
    a = agency(agreement(PAYROLL),
               discounts=[discount("10", [FeePart.TRANSACTION], "2012-11", "2012-11", PAYROLL)])
    records = [volume("PAY-SLIP-DEV", 10), volume("PAY-ADD-DEDUCT", 10), volume("PAY-SLIP-ATT", 5)]
    found = lines_of(rate("2012-11", a, records, price_lists=[pl]), FeePart.DISCOUNT)
    # at 25 %: PAY-SLIP-DEV 10 x 62.00 = 620.00 -> 10 % = 62.00
    # at 6 %:  PAY-SLIP-ATT 5 x 68.00 = 340.00 -> 10 % = 34.00
    # PAY-ADD-DEDUCT is an additional service, not a transaction fee: not discounted
    assert sorted((line.vat_rate, line.quantity, line.amount) for line in found) == [
        (D("6"), D("340.00"), D("-34.00")), (D("25"), D("620.00"), D("-62.00"))]


def test_discount_rounded_once_on_the_sum_of_the_lines():
    pl = price_list(prices={"PAY-SLIP-DEV": "0.05", "PAY-SLIP-ATT": "0.05"})
    a = agency(agreement(PAYROLL),
               discounts=[discount("10", [FeePart.TRANSACTION], "2012-11", "2012-11")])
    found = lines_of(rate("2012-11", a, [volume("PAY-SLIP-DEV", 1), volume("PAY-SLIP-ATT", 1)],
                          price_lists=[pl]), FeePart.DISCOUNT)
    # base 0.05 + 0.05 = 0.10; 10 % = 0.01.
    # Rounded per line it would be 0.005 -> 0.01 twice = 0.02.
    assert [(line.quantity, line.amount) for line in found] == [(D("0.10"), D("-0.01"))]


def test_discount_rounding_half_away_from_zero():
    pl = price_list(prices={"PAY-SLIP-DEV": "0.25"})
    a = agency(agreement(PAYROLL),
               discounts=[discount("10", [FeePart.TRANSACTION], "2012-11", "2012-11")])
    [line] = lines_of(rate("2012-11", a, [volume("PAY-SLIP-DEV", 1)], price_lists=[pl]),
                      FeePart.DISCOUNT)
    # 0.25 x 10 % = 0.025 -> -0.03 (half up, away from zero; half-even would give -0.02)
    assert line.amount == D("-0.03")


def test_discount_of_a_prorated_base_fee_uses_the_rounded_line():
    a = agency(agreement(PAYROLL, date(2012, 11, 15)),
               discounts=[discount("50", [FeePart.BASE_FIXED], "2012-11", "2012-11")])
    lines = rate("2012-11", a, price_lists=[price_list(connection_fees={})])
    [line] = lines_of(lines, FeePart.DISCOUNT)
    # fixed 3 000.00 x 16/30 = 1 600.00; 50 % = 800.00
    assert line.quantity == D("1600.00")
    assert line.amount == D("-800.00")


def test_no_discount_line_when_no_named_part_is_on_the_invoice():
    # a connection discount in a month without a connection: nothing to discount
    lines = rate("2012-11", agency(agreement(PAYROLL)), [volume("PAY-SLIP-DEV", 1)])
    d = discount("20", [FeePart.CONNECTION], "2012-01", "2012-12")
    assert discount_lines([d], M("2012-11"), lines) == []
