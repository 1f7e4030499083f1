"""The variable part of the base fee: per employee, size bands, graduated tiers."""

from __future__ import annotations

import pytest
from factories import (D, FINANCE, EPROCUREMENT, PAYROLL, agency, agreement, bands, base_fee,
                       one_line, per_employee, price_list, rate, tiers)

from billing.domain.agency import FeePart
from billing.rating.lines import TierStep
from billing.rating.variable_fee import variable_charge


# --- per employee -------------------------------------------------------------

def test_per_employee_is_employees_times_rate():
    charge = variable_charge(per_employee("38.00"), 214)
    assert (charge.quantity, charge.unit_price) == (D(214), D("38.00"))
    # 214 x 38.00 = 8 132.00
    assert charge.quantity * charge.unit_price == D("8132.00")


def test_per_employee_line_on_the_invoice():
    lines = rate("2012-11", agency(agreement(PAYROLL), employees=214))
    line = one_line(lines, FeePart.BASE_VARIABLE)
    # default payroll price: 30.00 per employee; 214 x 30.00 = 6 420.00
    assert line.quantity == D(214)
    assert line.unit_price == D("30.00")
    assert line.amount == D("6420.00")
    assert line.proration is None


# --- size bands ----------------------------------------------------------------

BANDS = bands((49, "1000.00"), (199, "3000.00"), (None, "9000.00"))


@pytest.mark.parametrize(("employees", "expected"), [
    (1, "1000.00"),     # the smallest agency: first band
    (49, "1000.00"),    # exactly at up_to 49: still the first band
    (50, "3000.00"),    # up_to + 1: the second band
    (199, "3000.00"),   # exactly at the second up_to
    (200, "9000.00"),   # one more: the open last band
    (13000, "9000.00"),
])
def test_band_the_whole_agency_pays_its_bands_amount(employees, expected):
    charge = variable_charge(BANDS, employees)
    # one amount for the whole agency, not per employee
    assert charge.quantity == D(1)
    assert charge.unit_price == D(expected)


def test_band_line_on_the_invoice_at_the_boundary():
    pl = price_list(base_fees={EPROCUREMENT: base_fee("1500.00", BANDS)})
    at_limit = rate("2012-11", agency(agreement(EPROCUREMENT), employees=49), price_lists=[pl])
    above = rate("2012-11", agency(agreement(EPROCUREMENT), employees=50), price_lists=[pl])
    # 49 employees: band 1-49 -> 1 000.00; 50 employees: band 50-199 -> 3 000.00
    assert one_line(at_limit, FeePart.BASE_VARIABLE).amount == D("1000.00")
    assert one_line(above, FeePart.BASE_VARIABLE).amount == D("3000.00")
    assert "50-199" in one_line(above, FeePart.BASE_VARIABLE).detail


# --- graduated tiers -----------------------------------------------------------

TIERS = tiers((100, "120.00"), (1000, "70.00"), (None, "45.00"))


@pytest.mark.parametrize(("employees", "expected"), [
    (1, "120.00"),        # 1 x 120.00
    (100, "12000.00"),    # exactly at up_to: 100 x 120.00
    (101, "12070.00"),    # up_to + 1: 100 x 120.00 + 1 x 70.00
    (150, "15500.00"),    # 100 x 120.00 + 50 x 70.00 = 12 000.00 + 3 500.00
    (1000, "75000.00"),   # 100 x 120.00 + 900 x 70.00 = 12 000.00 + 63 000.00
    (1001, "75045.00"),   # + 1 x 45.00
    (2500, "142500.00"),  # 12 000.00 + 63 000.00 + 1 500 x 45.00 (67 500.00)
])
def test_tiers_each_employee_at_its_tiers_rate(employees, expected):
    charge = variable_charge(TIERS, employees)
    assert charge.quantity == D(1)
    assert charge.unit_price == D(expected)


def test_tier_steps_are_recorded_on_the_line():
    pl = price_list(base_fees={FINANCE: base_fee("8000.00", TIERS)})
    lines = rate("2012-11", agency(agreement(FINANCE), employees=1001), price_lists=[pl])
    line = one_line(lines, FeePart.BASE_VARIABLE)
    assert line.tier_steps == (
        TierStep(1, 100, D("120.00")),
        TierStep(101, 1000, D("70.00")),
        TierStep(1001, 1001, D("45.00")),
    )
    assert [s.employees for s in line.tier_steps] == [100, 900, 1]
    # 100 x 120.00 + 900 x 70.00 + 1 x 45.00 = 12 000.00 + 63 000.00 + 45.00 = 75 045.00
    assert line.amount == D("75045.00")
    assert line.detail == "1001 anställda: 1-100 à 120.00, 101-1000 à 70.00, 1001-1001 à 45.00"


def test_tier_steps_stop_at_the_agencys_size():
    # exactly 100 employees: only the first tier is used, no empty second step
    steps = variable_charge(TIERS, 100).tier_steps
    assert steps == (TierStep(1, 100, D("120.00")),)


def test_single_open_tier_is_per_employee():
    steps = variable_charge(tiers((None, "55.00")), 7).tier_steps
    # 7 x 55.00 = 385.00
    assert steps == (TierStep(1, 7, D("55.00")),)
    assert steps[0].amount == D("385.00")
