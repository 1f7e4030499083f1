"""Which price list version is in force for a month, and which series an agreement follows."""

from __future__ import annotations

from datetime import date

import pytest
from factories import (D, OTHER_ORG, PAYROLL, agency, agreement, base_fee, one_line, per_employee,
                       price_list, rate, volume)

from billing.domain.agency import FeePart
from billing.domain.tariff import version_in_force
from billing.errors import DataError

STD_2012 = price_list("standard-2012-06", valid_from=date(2012, 6, 1),
                      prices={"PAY-SLIP-DEV": "62.00"})
STD_2013 = price_list("standard-2013-01", valid_from=date(2013, 1, 1),
                      prices={"PAY-SLIP-DEV": "63.50"})
KAMMARKOLLEGIET = price_list("kammarkollegiet-2012-01", series="kammarkollegiet",
                             valid_from=date(2012, 1, 1), prices={"PAY-SLIP-DEV": "70.00"},
                             base_fees={PAYROLL: base_fee("0.00", per_employee("95.00"))})
ALL = [STD_2013, KAMMARKOLLEGIET, STD_2012]  # order must not matter


def test_version_in_force_is_the_latest_not_after_the_first_day():
    assert version_in_force(ALL, "standard", date(2012, 12, 1)) is STD_2012
    assert version_in_force(ALL, "standard", date(2013, 1, 1)) is STD_2013
    assert version_in_force(ALL, "standard", date(2013, 6, 1)) is STD_2013
    assert version_in_force(ALL, "standard", date(2012, 5, 1)) is None
    assert version_in_force(ALL, "kammarkollegiet", date(2013, 6, 1)) is KAMMARKOLLEGIET


@pytest.mark.parametrize(("month", "price_list_id", "amount"), [
    # 10 payslips x 62.00 = 620.00 in December, x 63.50 = 635.00 from January
    ("2012-12", "standard-2012-06", "620.00"),
    ("2013-01", "standard-2013-01", "635.00"),
])
def test_months_on_both_sides_of_a_price_change(month, price_list_id, amount):
    lines = rate(month, agency(agreement(PAYROLL)), [volume("PAY-SLIP-DEV", 10, period=month)],
                 price_lists=ALL)
    assert {line.price_list_id for line in lines} == {price_list_id}
    assert one_line(lines, FeePart.TRANSACTION).amount == D(amount)


def old_agreement():
    return agency(agreement(PAYROLL, date(2012, 10, 1), price_series="kammarkollegiet",
                            transformed_on=date(2013, 1, 1), connection_fee=False), employees=10)


def test_old_agreement_uses_its_own_series_until_transformed():
    lines = rate("2012-12", old_agreement(), [volume("PAY-SLIP-DEV", 10, period="2012-12")],
                 price_lists=ALL)
    assert {line.price_list_id for line in lines} == {"kammarkollegiet-2012-01"}
    # old list: no fixed part (so no fixed line) + 10 x 95.00 = 950.00;
    # 10 payslips x 70.00 = 700.00
    assert not [line for line in lines if line.part is FeePart.BASE_FIXED]
    assert one_line(lines, FeePart.BASE_VARIABLE).amount == D("950.00")
    assert one_line(lines, FeePart.TRANSACTION).amount == D("700.00")


def test_old_agreement_uses_standard_from_transformed_on():
    lines = rate("2013-01", old_agreement(), [volume("PAY-SLIP-DEV", 10, period="2013-01")],
                 price_lists=ALL)
    assert {line.price_list_id for line in lines} == {"standard-2013-01"}
    # standard: fixed 3 000.00 + 10 x 30.00 = 300.00; 10 x 63.50 = 635.00
    assert one_line(lines, FeePart.BASE_FIXED).amount == D("3000.00")
    assert one_line(lines, FeePart.BASE_VARIABLE).amount == D("300.00")
    assert one_line(lines, FeePart.TRANSACTION).amount == D("635.00")


def test_no_version_in_force_is_an_error():
    a = agency(agreement(PAYROLL, date(2012, 5, 1)), org=OTHER_ORG, name="Arbetsdomstolen")
    with pytest.raises(DataError) as excinfo:
        rate("2012-05", a, price_lists=ALL)
    [problem] = excinfo.value.problems
    assert "no price list" in problem.message and "'standard'" in problem.message
    assert "2012-05" in problem.message and "Arbetsdomstolen" in problem.message


def test_no_version_of_an_old_series_is_an_error():
    a = agency(agreement(PAYROLL, price_series="gammal-serie"))
    with pytest.raises(DataError, match="gammal-serie"):
        rate("2012-11", a, price_lists=ALL)
