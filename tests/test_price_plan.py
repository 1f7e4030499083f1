"""The price plan (issue 16), pure: hand-worked multipliers, rounding to the
step, the infeasible case, balance by area against the centre, and the
projection re-rated agency-month by agency-month with the draft list."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date

import pytest

from billing.domain.agency import FeePart
from billing.domain.tariff import STANDARD_SERIES
from billing.errors import DataError
from billing.files.tariff_file import load_price_list
from billing.files.tariff_toml import price_list_toml
from billing.planning.cohorts import _sizes, projected_agencies
from billing.planning.costs import area_costs
from billing.planning.inputs import (Balance, ConnectionPlan, Efficiency, EfficiencyBasis, Method,
                                     NamedAgency, PlannedYear, Target, VolumeRate)
from billing.planning.projection import every_agency_month
from billing.rating.rater import RatingContext, rate_agency_month
from db_helpers import TARIFFS
from planning_helpers import (CATALOGUE, FIN, PAY, D, forecast, one_agency_plan, plan_for,
                              price_list, row)


def test_an_exact_multiplier_is_found_and_balances_to_the_ore():
    # One payroll agency of 100 employees, 100 payslips a month (1 per employee).
    # Start: 1000 fixed + 100 x 10 variable + 100 x 50 slips = 7000 a month,
    # 84 000 a year, 168 000 in 2013-2014. Costs 126 000 a year, opening 0:
    # 252 000 needed = 168 000 x 1.5. At 1.5: 1500 + 100 x 15 + 100 x 75 =
    # 10 500 a month, 126 000 a year: exactly the cost.
    start = price_list(fixed="1000", per_employee="10", slip="50")
    result = plan_for(start, one_agency_plan(), forecast({(2013, PAY): "126000", (2014, PAY): "126000"}),
                      Target(2014))
    draft, = result.price_lists
    assert (draft.base_fees[PAY].fixed, draft.base_fees[PAY].variable.rate,
            draft.prices["PAY-SLIP-DEV"]) == (D(1500), D(15), D(75))
    assert result.solution.met[PAY]
    assert row(result, 2013, PAY).total_revenue == D("126000.00")
    assert row(result, 2014, PAY).accumulated == D("0.00")
    assert row(result, 2014, PAY).recovery_percent == D("100.0")
    # The revenue by fee part: 12 x 1500, 12 x 1500, 12 x 7500.
    assert row(result, 2013, PAY).revenue == {FeePart.BASE_FIXED: D("18000.00"),
                                             FeePart.BASE_VARIABLE: D("18000.00"),
                                             FeePart.TRANSACTION: D("90000.00")}
    # Finance is not planned: its prices stay as they were.
    assert draft.prices["FIN-CUSTINV"] == D(10)


@pytest.mark.parametrize("step, price, accumulated", [
    # 100 slips a month at 10: 24 000 in two years; 24 500 needed, so 10.2083...
    # Whole kronor: 10 leaves 24 000 - 24 500 = -500, so one step up: 11,
    # 26 400 - 24 500 = 1 900. Steps of 0.50: 10.50, 25 200 - 24 500 = 700.
    ("1", "11", "1900.00"),
    ("0.50", "10.50", "700.00"),
])
def test_rounding_to_the_step_never_leaves_the_target_unmet(step, price, accumulated):
    start = price_list(slip="10")
    result = plan_for(start, one_agency_plan(), forecast({(2013, PAY): "12250", (2014, PAY): "12250"}),
                      Target(2014, step=D(step)))
    assert result.price_lists[0].prices["PAY-SLIP-DEV"] == D(price)
    assert row(result, 2014, PAY).accumulated == D(accumulated)
    # 2013 alone: 12 x 100 x price - 12 250.
    assert row(result, 2013, PAY).result == 1200 * D(price) - D(12250)


def test_the_infeasible_target_is_said_and_the_best_is_shown():
    # 1 000 000 a year against 12 000 a year at the starting prices: 83 times
    # the prices would be needed, and the limit is 10: the best is 100 a slip,
    # 120 000 a year, 240 000 - 2 000 000 = -1 760 000 at the end of 2014.
    start = price_list(slip="10")
    result = plan_for(start, one_agency_plan(),
                      forecast({(2013, PAY): "1000000", (2014, PAY): "1000000"}), Target(2014))
    assert result.solution.met == {PAY: False}
    assert result.solution.parameters[PAY] == D(10)
    assert result.price_lists[0].prices["PAY-SLIP-DEV"] == D(100)
    assert row(result, 2014, PAY).accumulated == D("-1760000.00")


def test_balance_by_area_keeps_each_areas_customers_to_their_own_costs():
    # Payroll and finance each 100 units a month at 10: 12 000 a year each.
    # Payroll costs 6 000 a year, finance 18 000. By area: payroll at 0.5 (5),
    # finance at 1.5 (15). As a centre: 24 000 against 24 000, one multiplier 1.
    plan = one_agency_plan(areas=(PAY, FIN))
    costs = forecast({(2013, PAY): "6000", (2014, PAY): "6000", (2013, FIN): "18000", (2014, FIN): "18000"})
    by_area = plan_for(price_list(), plan, costs, Target(2014, Balance.AREA))
    assert (by_area.price_lists[0].prices["PAY-SLIP-DEV"], by_area.price_lists[0].prices["FIN-CUSTINV"]) \
        == (D(5), D(15))
    assert row(by_area, 2014, PAY).accumulated == row(by_area, 2014, FIN).accumulated == D("0.00")
    centre = plan_for(price_list(), plan, costs, Target(2014, Balance.CENTRE))
    # Any multiplier from 0.95 rounds 10 to 10; the step of 1 on a price of 10
    # makes 0.1 the finest that matters.
    assert D("0.95") <= centre.solution.parameters[None] < D("1.05")
    assert (centre.price_lists[0].prices["PAY-SLIP-DEV"], centre.price_lists[0].prices["FIN-CUSTINV"]) \
        == (D(10), D(10))
    # The centre balances; payroll's surplus carries finance: +12 000 and -12 000.
    assert row(centre, 2014, None).accumulated == D("0.00")
    assert (row(centre, 2014, PAY).accumulated, row(centre, 2014, FIN).accumulated) \
        == (D("12000.00"), D("-12000.00"))


def test_a_yearly_index_gives_a_list_per_year_that_meets_the_target():
    # 12 000 a year at 10 a slip; costs 12 000 and 14 400: the index x must
    # give 1200 x (round(10(1+x)) + round(10(1+x)^2)) >= 26 400, i.e. prices
    # adding up to 22: 11 and 11 (x = 5 %: 10.5 -> 11, 11.025 -> 11).
    result = plan_for(price_list(), one_agency_plan(),
                      forecast({(2013, PAY): "12000", (2014, PAY): "14400"}), Target(2014, method=Method.INDEX),
                      list_id="plan")
    lists = result.price_lists
    assert [(p.id, p.valid_from) for p in lists] == [("plan-2013", date(2013, 1, 1)),
                                                     ("plan-2014", date(2014, 1, 1))]
    assert [p.prices["PAY-SLIP-DEV"] for p in lists] == [D(11), D(11)]
    assert row(result, 2014, PAY).accumulated == D("0.00")
    assert D("0.05") <= result.solution.parameters[PAY] < D("0.0501")


def test_the_projection_is_the_sum_of_its_agency_months_rated_with_the_draft_file(tmp_path):
    # Agencies join (connection fees), one leaves, a named agency connects
    # mid-month (prorated base fee): every month re-rated on its own with the
    # draft as written to a file gives the projection's revenue to the öre.
    start = load_price_list(TARIFFS / "standard-2013-01.toml", CATALOGUE)
    plan = ConnectionPlan(
        years=(PlannedYear(2012, PAY, 3, 900), PlannedYear(2013, PAY, 6, 2500), PlannedYear(2014, PAY, 5, 2600),
               PlannedYear(2012, FIN, 2, 300), PlannedYear(2013, FIN, 3, 700), PlannedYear(2014, FIN, 4, 900)),
        named=(NamedAgency("Nya verket", 400, (PAY, FIN), date(2013, 3, 17)),))
    rates = {"PAY-SLIP-DEV": VolumeRate("PAY-SLIP-DEV", D("0.83"), "angivet"),
             "PAY-EXPENSE": VolumeRate("PAY-EXPENSE", D("0.2139"), "angivet"),
             "FIN-CUSTINV": VolumeRate("FIN-CUSTINV", D("0.31"), "angivet")}
    costs = forecast({(2013, PAY): "9000000", (2013, FIN): "4000000"}, {PAY: "-1000000", FIN: "-500000"},
                     efficiency=Efficiency(EfficiencyBasis.UNIT, D("-3")))
    result = plan_for(start, plan, costs, Target(2014, step=D("0.50"), include_connection=True), rates)
    path = tmp_path / "plan-2013.toml"
    path.write_text(price_list_toml(result.price_lists[0], ["utkast"]), encoding="utf-8")
    draft = load_price_list(path, CATALOGUE)
    assert draft == result.price_lists[0]

    rerated = defaultdict(D)
    months = 0
    for agency, month, volumes in every_agency_month(projected_agencies(plan), (2013, 2014), CATALOGUE, rates):
        months += 1
        for line in rate_agency_month(RatingContext(month, CATALOGUE, (replace(draft, series=STANDARD_SERIES),)),
                                      agency, volumes):
            rerated[(month.year, line.area)] += line.amount
    assert months > 100
    for year in (2013, 2014):
        for area in (PAY, FIN):
            assert row(result, year, area).total_revenue == rerated[(year, area)]
        assert row(result, year, None).total_revenue == rerated[(year, PAY)] + rerated[(year, FIN)]
    assert row(result, 2013, PAY).connection > 0


def test_projected_agencies_follow_the_plan_and_the_size_profile():
    plan = ConnectionPlan(years=(PlannedYear(2012, PAY, 2, 10), PlannedYear(2013, PAY, 3, 16),
                                 PlannedYear(2014, PAY, 2, 12)),
                          named=(NamedAgency("Nya verket", 4, (PAY,), date(2013, 6, 1)),),
                          size_profile=(D(1), D(3)))
    agencies = [p.agency for p in projected_agencies(plan)]
    assert [a.name for a in agencies] == ["Nya verket", "Planerad kund Lön 1", "Planerad kund Lön 2"]
    first, second = agencies[1], agencies[2]
    # 2012: 2 agencies, 10 employees: 1 each and 8 by 1:3 -> 2 and 6: 3 and 7.
    # 2013: the named agency's 4 aside, 2 agencies, 12 employees: 1 each and
    # 10 by 1:3 -> 2.5 and 7.5, floored 2 and 7, the one left to the equal
    # remainder of the lower index: 3 and 7, so 4 and 8.
    # 2014: 1 generated agency (2 less the named) with 8 employees.
    assert [(s.effective.year, s.employees) for s in first.sizes] == [(2012, 3), (2013, 4), (2014, 8)]
    assert [(s.effective.year, s.employees) for s in second.sizes] == [(2012, 7), (2013, 8)]
    assert second.agreements[0].ends_on == date(2013, 12, 31)
    assert first.agreements[0].ends_on is None
    # Largest remainder: 7 spare over weights 1, 1, 1 -> 2.33 each, floored 2,
    # the one left over to the lower index of equal remainders: 1 + 3, 1 + 2, 1 + 2.
    assert _sizes(3, 10, (D(1),)) == [4, 3, 3]


def test_a_plan_that_leaves_no_employees_for_its_agencies_is_refused():
    plan = ConnectionPlan(years=(PlannedYear(2012, PAY, 2, 10), PlannedYear(2013, PAY, 3, 5)),
                          named=(NamedAgency("Stora verket", 4, (PAY,), date(2013, 1, 1)),))
    with pytest.raises(DataError, match="leave 2 agencies with 1 employees"):
        projected_agencies(plan)


def test_costs_carry_on_with_the_target_efficiency_and_common_costs_follow_the_employees():
    plan = ConnectionPlan(years=(PlannedYear(2012, PAY, 1, 100), PlannedYear(2013, PAY, 1, 100),
                                 PlannedYear(2014, PAY, 1, 150), PlannedYear(2012, FIN, 1, 100),
                                 PlannedYear(2013, FIN, 1, 300), PlannedYear(2014, FIN, 1, 300)))
    costs = forecast({(2013, PAY): "1000", (2013, FIN): "2000"}, common={2013: D("100.00")},
                     efficiency=Efficiency(EfficiencyBasis.UNIT, D("-10")))
    result = area_costs(costs, plan, (2013, 2014))
    # 2013: common 100 by employees 100:300 -> 25 and 75.
    assert result[(2013, PAY)] == D("1025.00") and result[(2013, FIN)] == D("2075.00")
    # 2014 payroll: 1000 / 100 x 150 x 0.9 = 1350; finance 2000 / 300 x 300 x 0.9 = 1800;
    # common 100 / 400 x 450 x 0.9 = 101.25 by 150:300 -> 33.75 and 67.50.
    assert result[(2014, PAY)] == D("1350") + D("33.75")
    assert result[(2014, FIN)] == D("1800") + D("67.50")
    by_area = replace(costs, efficiency=Efficiency(EfficiencyBasis.AREA, D("-10")),
                      key={PAY: D(1), FIN: D(3)})
    again = area_costs(by_area, plan, (2013, 2014))
    # Area basis: 1000 x 0.9 = 900, common 100 x 0.9 = 90 by the key 1:3 -> 22.50.
    assert again[(2014, PAY)] == D("900") + D("22.50")


def test_a_target_year_outside_the_plan_and_a_bad_step_are_refused():
    with pytest.raises(DataError) as caught:
        plan_for(price_list(), one_agency_plan(), forecast({(2013, PAY): "1"}), Target(2019, step=D("0.001")))
    fields = {p.field for p in caught.value.problems}
    assert fields == {"target_year", "step"}


def test_common_costs_with_nowhere_to_go_are_refused():
    plan = one_agency_plan()
    costs = forecast({(2013, PAY): "1000"}, common={2013: D("100.00")}, key={FIN: D(1)})
    with pytest.raises(DataError, match="the common costs of 2013 have no area to go to"):
        area_costs(costs, plan, (2013, 2014))
