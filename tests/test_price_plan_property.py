"""Property of the price plan (issue 16): for random costs and plans, the
plan's prices meet the target, and the same prices one step lower (per area
balanced, or all together for the centre) do not."""

from __future__ import annotations

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from billing.planning.inputs import Balance, ConnectionPlan, Efficiency, EfficiencyBasis, PlannedYear, Target, VolumeRate
from billing.planning.pricing import one_step_lower
from billing.planning.projection import rate_groups
from billing.planning.solver import accumulated, lists_of_year
from planning_helpers import FIN, PAY, D, forecast, plan_for, price_list

money = st.integers(min_value=0, max_value=2000).map(D)


@st.composite
def cases(draw):
    areas = draw(st.sampled_from([(PAY,), (FIN,), (PAY, FIN)]))
    last = 2012 + draw(st.integers(min_value=1, max_value=2))
    years = []
    for area in areas:
        for year in range(2012, last + 1):
            agencies = draw(st.integers(min_value=1, max_value=3))
            years.append(PlannedYear(year, area, agencies, draw(st.integers(agencies, agencies * 40))))
    start = price_list(fixed=str(draw(money)), per_employee=str(draw(st.integers(0, 50))),
                       slip=str(draw(st.integers(1, 100))), invoice=str(draw(st.integers(1, 100))))
    rates = {code: VolumeRate(code, D(draw(st.integers(1, 300))) / 100, "angivet")
             for code in ("PAY-SLIP-DEV", "FIN-CUSTINV")}
    costs = forecast({(2013, area): str(draw(st.integers(1000, 400_000))) for area in areas},
                     {area: str(-draw(st.integers(0, 100_000))) for area in areas},
                     efficiency=Efficiency(draw(st.sampled_from(list(EfficiencyBasis))),
                                           D(draw(st.integers(-20, 20)))))
    target = Target(last, draw(st.sampled_from(list(Balance))), step=draw(st.sampled_from([D(1), D("0.50")])))
    return start, ConnectionPlan(years=tuple(years)), costs, target, rates


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_the_plans_prices_meet_the_target_and_one_step_lower_does_not(case):
    start, plan, costs, target, rates = case
    result = plan_for(start, plan, costs, target, rates)
    setup, solution = result.setup, result.solution
    assume(all(solution.met.values()))
    draft, = result.price_lists
    together = target.balance is Balance.CENTRE
    for unit in setup.units:
        assume(solution.parameters[unit] > 0)  # zero prices met it: nothing lower to try
        areas = setup.areas_of(unit)
        revenue = rate_groups(setup.groups, setup.catalogue, lists_of_year((draft,)), areas)
        assert accumulated(setup, revenue, unit, target.year) >= 0
        lower = one_step_lower(draft, setup.catalogue, areas, target.step, False, together)
        revenue = rate_groups(setup.groups, setup.catalogue, lists_of_year((lower,)), areas)
        assert accumulated(setup, revenue, unit, target.year) < 0
