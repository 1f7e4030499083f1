"""The cost each area must recover each year: its direct costs and its share
of the common costs, the years the forecast leaves out carried on from the
last year it gives by the target efficiency."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from billing.domain.catalogue import ServiceArea
from billing.errors import DataError, Problem
from billing.money import HUNDRED, round_forecast
from billing.planning.inputs import ConnectionPlan, CostForecast, EfficiencyBasis
from billing.rating.allocation import allocate

AreaCosts = dict[tuple[int, ServiceArea], Decimal]


def area_costs(forecast: CostForecast, plan: ConnectionPlan, years: Sequence[int]) -> AreaCosts:
    """Cost per year and area after allocation, to öre."""
    problems = [Problem(f"a cost for {year}, outside the plan's years {years[0]}-{years[-1]}",
                        field="costs")
                for year in sorted({y for y, _ in forecast.direct} | set(forecast.common))
                if year not in years]
    for area in plan.areas:
        if (years[0], area) not in forecast.direct:
            problems.append(Problem(f"no cost for {area} in {years[0]}: the forecast starts with "
                                    "the first year of the plan, later years may be left to the "
                                    "target efficiency", field="costs"))
    for area in sorted({a for _, a in forecast.direct} - set(plan.areas), key=lambda a: a.order):
        problems.append(Problem(f"costs for {area}, which the connection plan has no agencies "
                                "for", field="costs"))
    if problems:
        raise DataError(problems)

    def employees(year: int, area: ServiceArea | None) -> Decimal:
        areas = plan.areas if area is None else (area,)
        return Decimal(sum(p.employees for a in areas if (p := plan.get(year, a)) is not None))

    def carried(previous: Decimal, year: int, area: ServiceArea | None) -> Decimal:
        factor = 1 + forecast.efficiency.change(area) / HUNDRED
        before, now = employees(year - 1, area), employees(year, area)
        if forecast.efficiency.basis is EfficiencyBasis.UNIT and before:
            return round_forecast(previous / before * now * factor)
        return round_forecast(previous * factor)

    direct: AreaCosts = {}
    common: dict[int, Decimal] = {}
    for year in years:
        for area in plan.areas:
            given = forecast.direct.get((year, area))
            direct[(year, area)] = given if given is not None else \
                carried(direct[(year - 1, area)], year, area)
        given_common = forecast.common.get(year)
        if given_common is not None:
            common[year] = given_common
        elif year - 1 in common:
            common[year] = carried(common[year - 1], year, None)
        else:
            common[year] = Decimal(0)
    costs: AreaCosts = dict(direct)
    for year in years:
        if not common[year]:
            continue
        weights = ({str(a): forecast.key.get(a, Decimal(0)) for a in plan.areas}
                   if forecast.key is not None
                   else {str(a): employees(year, a) for a in plan.areas})
        if not any(weights.values()):
            raise DataError.single(f"the common costs of {year} have no area to go to: the key (or "
                                   "the employees served) is zero for every planned area", field="costs")
        for area, share in allocate(round_forecast(common[year]), weights).items():
            costs[(year, ServiceArea(area))] += share
    return costs
