"""Where each rated line's unit price came from (PriceSource), recorded by the
rater as data: the price list, an agreed price, an agreed connection item, a
discount or a pass-through amount.

Prices of factories.price_list(): payroll 3 000.00 fixed + 30.00 per employee,
PAY-SLIP-DEV 62.00, PAY-ADD-DEDUCT 25.00, FIN-ADD-ACCESS 2 500.00, hourly
rate handlaggare 750.00, payroll connection fee 75 000.00; the agency has 100
employees.
"""

from __future__ import annotations

from datetime import date

from factories import (D, FINANCE, PAYROLL, agency, agreement, connection_item, discount, lines_of,
                       one_line, pass_through, rate, subscription, volume)

from billing.domain.agency import FeePart
from billing.rating.lines import PriceSource


def test_prices_of_the_list_say_so():
    a = agency(agreement(PAYROLL, date(2012, 11, 1)),
               agreement(FINANCE, date(2012, 6, 1),
                         subscriptions=[subscription("FIN-ADD-ACCESS", date(2012, 6, 1))]))
    lines = rate("2012-11", a, [volume("PAY-SLIP-DEV", 4), volume("PAY-SPEC-CONSULT", "1.5")])

    payroll = {line.part: line for line in lines_of(lines, area=PAYROLL)}
    # fixed 3 000.00; variable 100 x 30.00 = 3 000.00; 4 x 62.00 = 248.00;
    # 1.5 h x 750.00 = 1 125.00; connected on the 1st: the whole fee 75 000.00
    assert {part: (line.amount, line.price_source) for part, line in payroll.items()} == {
        FeePart.BASE_FIXED: (D("3000.00"), PriceSource.PRICE_LIST),
        FeePart.BASE_VARIABLE: (D("3000.00"), PriceSource.PRICE_LIST),
        FeePart.TRANSACTION: (D("248.00"), PriceSource.PRICE_LIST),
        FeePart.SPECIAL: (D("1125.00"), PriceSource.PRICE_LIST),
        FeePart.CONNECTION: (D("75000.00"), PriceSource.PRICE_LIST),
    }
    access = one_line(lines, service_code="FIN-ADD-ACCESS")
    # a subscription of the whole month at the list's 2 500.00
    assert (access.amount, access.price_source) == (D("2500.00"), PriceSource.PRICE_LIST)


def test_an_agreed_price_says_so_and_the_other_services_keep_the_list():
    a = agency(agreement(PAYROLL, date(2012, 6, 1),
                         agreed_prices={"PAY-ADD-DEDUCT": "8.00", "PAY-SPEC-CONSULT": "600.00"}),
               agreement(FINANCE, date(2012, 6, 1), agreed_prices={"FIN-ADD-ACCESS": "2000.00"},
                         subscriptions=[subscription("FIN-ADD-ACCESS", date(2012, 6, 1))]))
    lines = rate("2012-11", a, [volume("PAY-ADD-DEDUCT", 3), volume("PAY-SLIP-DEV", 2),
                                volume("PAY-SPEC-CONSULT", 2)])

    found = {line.service_code: (line.unit_price, line.amount, line.price_source)
             for line in lines if line.service_code}
    assert found == {
        "PAY-ADD-DEDUCT": (D("8.00"), D("24.00"), PriceSource.AGREED_PRICE),  # 3 x 8.00, not 25.00
        "PAY-SPEC-CONSULT": (D("600.00"), D("1200.00"), PriceSource.AGREED_PRICE),  # 2 h x 600.00
        "FIN-ADD-ACCESS": (D("2000.00"), D("2000.00"), PriceSource.AGREED_PRICE),  # whole month
        "PAY-SLIP-DEV": (D("62.00"), D("124.00"), PriceSource.PRICE_LIST),  # 2 x 62.00
    }


def test_an_agreed_connection_item_says_so_beside_the_list_fee():
    item = connection_item("Integration mot ekonomisystem", "45000.00")
    a = agency(agreement(PAYROLL, date(2012, 11, 1), connection_items=[item]))

    lines = lines_of(rate("2012-11", a), FeePart.CONNECTION)

    assert {(line.description, line.amount, line.price_source) for line in lines} == {
        ("Anslutningsavgift lönerelaterade tjänster", D("75000.00"), PriceSource.PRICE_LIST),
        ("Integration mot ekonomisystem", D("45000.00"), PriceSource.CONNECTION_ITEM),
    }


def test_a_discount_line_says_so():
    a = agency(agreement(PAYROLL, date(2012, 6, 1)),
               discounts=[discount("10", [FeePart.BASE_FIXED], "2012-11", "2012-11", PAYROLL)])

    line = one_line(rate("2012-11", a), FeePart.DISCOUNT)

    # 10 % of the payroll fixed part 3 000.00
    assert (line.amount, line.price_source) == (D("-300.00"), PriceSource.DISCOUNT)


def test_a_pass_through_line_says_so():
    a = agency(agreement(PAYROLL, date(2012, 6, 1)))

    line = one_line(rate("2012-11", a, charges=[pass_through("123.45")]), FeePart.PASS_THROUGH)

    assert (line.amount, line.price_source) == (D("123.45"), PriceSource.PASS_THROUGH)


def test_every_rated_line_has_a_source():
    item = connection_item("Integration", "1000.00")
    a = agency(agreement(PAYROLL, date(2012, 11, 10), agreed_prices={"PAY-ADD-DEDUCT": "8.00"},
                         connection_items=[item]),
               discounts=[discount("5", [FeePart.TRANSACTION], "2012-11", "2012-11")])
    lines = rate("2012-11", a, [volume("PAY-SLIP-DEV", 1), volume("PAY-ADD-DEDUCT", 1)],
                 [pass_through("10.00")])
    assert {line.part for line in lines} >= {FeePart.BASE_FIXED, FeePart.CONNECTION, FeePart.DISCOUNT,
                                             FeePart.PASS_THROUGH, FeePart.ADDITIONAL}
    assert all(line.price_source is not None for line in lines)
