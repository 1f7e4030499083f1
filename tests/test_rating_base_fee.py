"""Base fee lines (fixed + variable per area), the size that counts, and proration by days."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from factories import (D, FINANCE, EPROCUREMENT, PAYROLL, agency, agreement, base_fee, lines_of,
                       one_line, per_employee, price_list, rate, subscription, volume)

from billing.domain.agency import FeePart
from billing.errors import DataError
from billing.period import Month
from billing.rating.lines import Proration
from billing.rating.proration import line_amount, proration_for


# --- fixed + variable, per area -----------------------------------------------

def test_one_fixed_and_one_variable_line_per_area_with_the_price_list_id():
    lines = rate("2012-11", agency(agreement(PAYROLL), agreement(FINANCE), agreement(EPROCUREMENT),
                                   employees=120))
    for area in (PAYROLL, FINANCE, EPROCUREMENT):
        assert len(lines_of(lines, FeePart.BASE_FIXED, area=area)) == 1
        assert len(lines_of(lines, FeePart.BASE_VARIABLE, area=area)) == 1
    assert {line.price_list_id for line in lines} == {"standard-2012-06"}
    # factory prices, 120 employees:
    # payroll: fixed 3 000.00; variable 120 x 30.00 = 3 600.00
    assert one_line(lines, FeePart.BASE_FIXED, area=PAYROLL).amount == D("3000.00")
    assert one_line(lines, FeePart.BASE_VARIABLE, area=PAYROLL).amount == D("3600.00")
    # finance: fixed 8 000.00; variable 100 x 120.00 + 20 x 70.00 = 13 400.00
    assert one_line(lines, FeePart.BASE_FIXED, area=FINANCE).amount == D("8000.00")
    assert one_line(lines, FeePart.BASE_VARIABLE, area=FINANCE).amount == D("13400.00")
    # eprocurement: fixed 1 500.00; band 50-199 -> 1 500.00
    assert one_line(lines, FeePart.BASE_FIXED, area=EPROCUREMENT).amount == D("1500.00")
    assert one_line(lines, FeePart.BASE_VARIABLE, area=EPROCUREMENT).amount == D("1500.00")


def test_no_lines_for_an_area_without_agreement():
    lines = rate("2012-11", agency(agreement(PAYROLL)))
    assert {line.area for line in lines} == {PAYROLL}


def test_base_fee_vat_rate_from_the_price_list():
    pl = price_list(vat_rates={"base_fee": "6"})
    lines = rate("2012-11", agency(agreement(PAYROLL)), price_lists=[pl])
    assert {line.vat_rate for line in lines_of(lines, FeePart.BASE_FIXED)} == {D("6")}
    assert {line.vat_rate for line in lines_of(lines, FeePart.BASE_VARIABLE)} == {D("6")}


# --- the size that counts --------------------------------------------------------

def variable_amount(month: str, the_agency) -> Decimal:
    return one_line(rate(month, the_agency), FeePart.BASE_VARIABLE).amount


def test_size_change_on_the_15th_counts_from_the_next_month():
    a = agency(agreement(PAYROLL), sizes=[(date(2012, 6, 1), 100), (date(2012, 11, 15), 150)])
    # November: the size on 1 November is 100 -> 100 x 30.00 = 3 000.00
    assert variable_amount("2012-11", a) == D("3000.00")
    # December: 150 -> 150 x 30.00 = 4 500.00
    assert variable_amount("2012-12", a) == D("4500.00")


def test_size_change_on_the_first_counts_in_that_month():
    a = agency(agreement(PAYROLL), sizes=[(date(2012, 6, 1), 100), (date(2012, 11, 1), 150)])
    # in force on 1 November: 150 x 30.00 = 4 500.00
    assert variable_amount("2012-11", a) == D("4500.00")


def test_agency_connecting_mid_month_uses_its_first_size_of_the_month():
    a = agency(agreement(PAYROLL, date(2012, 11, 15)),
               sizes=[(date(2012, 11, 15), 40), (date(2012, 11, 20), 60)])
    assert a.size_for(Month(2012, 11)) == 40
    line = one_line(rate("2012-11", a), FeePart.BASE_VARIABLE)
    assert line.quantity == D(40)
    # 40 x 30.00 x 16/30 = 1 200.00 x 16 / 30 = 640.00
    assert line.amount == D("640.00")


def test_no_size_in_force_is_an_error():
    a = agency(agreement(PAYROLL), sizes=[(date(2013, 2, 1), 40)])
    with pytest.raises(DataError, match="no size"):
        rate("2012-11", a)


# --- proration -------------------------------------------------------------------

def test_connected_mid_month_prorates_base_fees_by_days():
    # connected 2012-11-15: 15..30 November = 16 of 30 days
    a = agency(agreement(PAYROLL, date(2012, 11, 15)), employees=45)
    lines = rate("2012-11", a)
    fixed = one_line(lines, FeePart.BASE_FIXED)
    variable = one_line(lines, FeePart.BASE_VARIABLE)
    assert fixed.proration == Proration(16, 30)
    # 3 000.00 x 16/30 = 1 600.00
    assert fixed.amount == D("1600.00")
    # 45 x 30.00 = 1 350.00; x 16/30 = 720.00
    assert variable.amount == D("720.00")
    assert variable.proration == Proration(16, 30)


def test_ending_mid_month_prorates_base_fees_by_days():
    # ends 2012-11-20 (last day served): 1..20 November = 20 of 30 days
    a = agency(agreement(PAYROLL, ends_on=date(2012, 11, 20)), employees=45)
    lines = rate("2012-11", a)
    assert one_line(lines, FeePart.BASE_FIXED).proration == Proration(20, 30)
    # 3 000.00 x 20/30 = 2 000.00
    assert one_line(lines, FeePart.BASE_FIXED).amount == D("2000.00")
    # 1 350.00 x 20/30 = 900.00
    assert one_line(lines, FeePart.BASE_VARIABLE).amount == D("900.00")


def test_ended_agreement_gives_no_lines_the_month_after():
    a = agency(agreement(PAYROLL, ends_on=date(2012, 11, 20)))
    assert rate("2012-12", a) == ()


def test_whole_month_shows_no_proration():
    lines = rate("2012-11", agency(agreement(PAYROLL, date(2012, 11, 1))))
    assert one_line(lines, FeePart.BASE_FIXED).proration is None
    assert proration_for(Month(2012, 11), 30) is None
    assert proration_for(Month(2012, 12), 30) == Proration(30, 31)


def test_prorated_amount_rounded_once_half_up():
    # fixed 370.35, connected on the last day of November: 1 of 30 days
    # 370.35 / 30 = 12.345 exactly -> half up -> 12.35 (half-even would give 12.34)
    pl = price_list(base_fees={PAYROLL: base_fee("370.35", per_employee("0.00"))})
    a = agency(agreement(PAYROLL, date(2012, 11, 30)))
    line = one_line(rate("2012-11", a, price_lists=[pl]), FeePart.BASE_FIXED)
    assert line.proration == Proration(1, 30)
    assert line.amount == D("12.35")


def test_prorated_amount_not_rounded_twice():
    # 370.34 / 30 = 12.344666...: rounded once -> 12.34;
    # rounded to 3 decimals first (12.345) and then to öre it would wrongly be 12.35
    assert line_amount(D(1), D("370.34"), Proration(1, 30)) == D("12.34")
    # 1 000.00 x 16/30 = 533.333... -> 533.33 (a rounded factor 0.53 would give 530.00)
    assert line_amount(D(1), D("1000.00"), Proration(16, 30)) == D("533.33")
    # 7 x 35.50 x 16/31 = 248.50 x 16 / 31 = 3 976 / 31 = 128.258... -> 128.26
    assert line_amount(D(7), D("35.50"), Proration(16, 31)) == D("128.26")


def test_prorated_negative_amount_rounds_half_away_from_zero():
    # -370.35 / 30 = -12.345 -> -12.35 (same magnitude as the debit)
    assert line_amount(D(1), D("-370.35"), Proration(1, 30)) == D("-12.35")


def test_transaction_fees_are_never_prorated():
    a = agency(agreement(PAYROLL, date(2012, 11, 15)))
    lines = rate("2012-11", a, [volume("PAY-SLIP-DEV", 10, id=1)])
    line = one_line(lines, FeePart.TRANSACTION)
    assert line.proration is None
    # 10 x 62.00 = 620.00, whole, although only 16 of 30 days were in force
    assert line.amount == D("620.00")


def test_subscription_prorated_when_the_agreement_connects_mid_month():
    a = agency(agreement(FINANCE, date(2012, 11, 15),
                         subscriptions=[subscription("FIN-ADD-ACCESS", date(2012, 6, 1))]))
    line = one_line(rate("2012-11", a), FeePart.ADDITIONAL, service_code="FIN-ADD-ACCESS")
    assert line.proration == Proration(16, 30)
    # 2 500.00 x 16/30 = 1 333.333... -> 1 333.33
    assert line.amount == D("1333.33")


def test_subscription_prorated_by_its_own_dates():
    # subscription 2012-12-10 .. 2012-12-20 within a whole-month agreement: 11 of 31 days
    a = agency(agreement(FINANCE, subscriptions=[
        subscription("FIN-ADD-ACCESS", date(2012, 12, 10), date(2012, 12, 20))]))
    line = one_line(rate("2012-12", a), FeePart.ADDITIONAL, service_code="FIN-ADD-ACCESS")
    assert line.proration == Proration(11, 31)
    # 2 500.00 x 11/31 = 27 500 / 31 = 887.096... -> 887.10
    assert line.amount == D("887.10")
    assert line.price_list_id == "standard-2012-06"
    # not yet started in November, ended by January
    assert lines_of(rate("2012-11", a), FeePart.ADDITIONAL) == []
    assert lines_of(rate("2013-01", a), FeePart.ADDITIONAL) == []


def test_subscription_whole_month():
    a = agency(agreement(FINANCE, subscriptions=[subscription("FIN-ADD-ACCESS", date(2012, 6, 1))]))
    line = one_line(rate("2012-11", a), FeePart.ADDITIONAL, service_code="FIN-ADD-ACCESS")
    assert line.proration is None
    assert line.amount == D("2500.00")
