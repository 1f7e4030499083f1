"""A price plan from its inputs: the setup every candidate price list is
rated against, the solution, and what a given price list gives."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from billing.domain.catalogue import Catalogue
from billing.domain.tariff import PriceList
from billing.errors import DataError, Problem
from billing.planning.cohorts import projected_agencies
from billing.planning.costs import area_costs
from billing.planning.inputs import ConnectionPlan, CostForecast, Target, VolumeRate
from billing.planning.outcome import YearOutcome, outcomes
from billing.planning.projection import month_groups, rate_groups
from billing.planning.solver import Setup, Solution, lists_of_year, solve


@dataclass(frozen=True, slots=True)
class PricePlan:
    setup: Setup
    connection_plan: ConnectionPlan
    forecast: CostForecast
    rates: Mapping[str, VolumeRate]
    solution: Solution | None  # None: a given list checked, nothing solved
    price_lists: tuple[PriceList, ...]  # the plan's drafts, or the list checked
    rows: tuple[YearOutcome, ...]


def prepare(catalogue: Catalogue, start: PriceList, plan: ConnectionPlan, forecast: CostForecast,
            rates: Mapping[str, VolumeRate], target: Target, list_id: str) -> Setup:
    years = tuple(range(plan.base_year + 1, plan.last_year + 1))
    problems = []
    if target.year not in years:
        problems.append(Problem(f"the target year {target.year} is not one of the plan's years "
                                f"{years[0]}-{years[-1]}", field="target_year"))
    if target.step <= 0 or target.step != target.step.quantize(target.step) \
            or -target.step.as_tuple().exponent > 2:
        problems.append(Problem(f"the step must be above zero, in whole öre: {target.step}", field="step"))
    missing = [a for a in plan.areas if a not in start.base_fees]
    if missing:
        problems.append(Problem(f"the starting list {start.id} has no base fee for "
                                f"{', '.join(str(a) for a in missing)}", field="start"))
    if problems:
        raise DataError(problems)
    groups = month_groups(projected_agencies(plan), years, catalogue, rates)
    opening = {area: forecast.opening.get(area) for area in plan.areas}
    if any(v is None for v in opening.values()):
        raise DataError.single("the cost forecast gives no opening result for "
                               + ", ".join(str(a) for a, v in opening.items() if v is None),
                               field="costs")
    return Setup(catalogue, start, groups, years, plan.areas, area_costs(forecast, plan, years),
                 opening, target, list_id)  # type: ignore[arg-type]


def planned(setup: Setup, plan: ConnectionPlan, forecast: CostForecast,
            rates: Mapping[str, VolumeRate]) -> PricePlan:
    """The smallest prices that meet the target, and what they give."""
    solution = solve(setup)
    return PricePlan(setup, plan, forecast, rates, solution, solution.price_lists,
                     tuple(_rows(setup, solution.price_lists)))


def checked(setup: Setup, plan: ConnectionPlan, forecast: CostForecast,
            rates: Mapping[str, VolumeRate], price_list: PriceList) -> PricePlan:
    """What a given price list gives, every projected year priced by it."""
    every_year = replace(price_list, valid_from=date(setup.years[0], 1, 1))
    return PricePlan(setup, plan, forecast, rates, None, (price_list,), tuple(_rows(setup, (every_year,))))


def _rows(setup: Setup, lists: Sequence[PriceList]) -> list[YearOutcome]:
    return outcomes(setup, rate_groups(setup.groups, setup.catalogue, lists_of_year(lists)))
