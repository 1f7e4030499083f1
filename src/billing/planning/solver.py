"""The smallest prices that meet the target.

Revenue grows with every price, so the accumulated result at the end of the
target year grows with the multiplier (or the yearly index): bisection finds
the smallest parameter whose rounded prices meet the target. The search works
on the rounded prices themselves, so rounding can never leave the target
unmet. For a multiplier it stops when the parameter is fine enough that
lowering it any further moves no price by more than one step, so the plan's
prices one step lower (per area balanced, or all of them for the centre)
miss the target; a yearly index is found to a millionth.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from billing.domain.catalogue import Catalogue, ServiceArea
from billing.domain.tariff import STANDARD_SERIES, PriceList
from billing.planning.costs import AreaCosts
from billing.planning.inputs import Balance, Method, Target
from billing.planning.pricing import largest_price, scaled
from billing.planning.projection import MonthGroup, Revenue, rate_groups

INDEX_FLOOR = Decimal("-0.5")  # prices may fall by half a year at most
INDEX_PRECISION = Decimal("0.000001")


@dataclass(frozen=True, slots=True)
class Setup:
    """What does not change with the prices."""

    catalogue: Catalogue
    start: PriceList
    groups: tuple[MonthGroup, ...]
    years: tuple[int, ...]  # the projected years, the first after the plan's base year
    areas: tuple[ServiceArea, ...]
    costs: AreaCosts
    opening: Mapping[ServiceArea, Decimal]
    target: Target
    list_id: str

    @property
    def units(self) -> tuple[ServiceArea | None, ...]:
        """What balances: each area, or the centre (None)."""
        return self.areas if self.target.balance is Balance.AREA else (None,)

    def areas_of(self, unit: ServiceArea | None) -> frozenset[ServiceArea]:
        return frozenset(self.areas) if unit is None else frozenset((unit,))


@dataclass(frozen=True, slots=True)
class Solution:
    parameters: Mapping[ServiceArea | None, Decimal]  # the multiplier, or the yearly index
    met: Mapping[ServiceArea | None, bool]  # False: the best within the limits, short of the target
    price_lists: tuple[PriceList, ...]  # one, or one per year


def price_lists(setup: Setup, parameters: Mapping[ServiceArea | None, Decimal]) -> tuple[PriceList, ...]:
    """The draft lists: one from the first projected year (multiplier), or one
    for each year with the index applied once more each year."""
    target = setup.target
    together = target.balance is Balance.CENTRE

    def factors(power: int) -> dict[ServiceArea, Decimal]:
        result = {}
        for area in setup.areas:
            value = parameters[None if together else area]
            result[area] = value if target.method is Method.MULTIPLIER else (1 + value) ** power
        return result

    if target.method is Method.MULTIPLIER:
        return (scaled(setup.start, setup.catalogue, factors(1), target.step,
                       target.include_connection, setup.list_id, date(setup.years[0], 1, 1), together),)
    return tuple(scaled(setup.start, setup.catalogue, factors(k + 1), target.step,
                        target.include_connection, f"{setup.list_id}-{year}", date(year, 1, 1), together)
                 for k, year in enumerate(setup.years))


def lists_of_year(lists: Sequence[PriceList]) -> Callable[[int], tuple[PriceList, ...]]:
    """The list in force in a year, in the series the projected agreements follow."""
    rated = tuple(replace(p, series=STANDARD_SERIES) for p in lists)

    def of_year(year: int) -> tuple[PriceList, ...]:
        return tuple(p for p in rated if p.valid_from.year <= year) or rated[:1]
    return of_year


def accumulated(setup: Setup, revenue: Revenue, unit: ServiceArea | None, until: int) -> Decimal:
    """The unit's accumulated result at the end of ``until``."""
    areas = setup.areas_of(unit)
    total = sum((setup.opening.get(a, Decimal(0)) for a in areas), Decimal(0))
    for (year, area, _), amount in revenue.items():
        if area in areas and year <= until:
            total += amount
    for (year, area), cost in setup.costs.items():
        if area in areas and year <= until:
            total -= cost
    return total


def solve(setup: Setup) -> Solution:
    parameters: dict[ServiceArea | None, Decimal] = {}
    met: dict[ServiceArea | None, bool] = {}
    groups = tuple(g for g in setup.groups if g.month.year <= setup.target.year)
    for unit in setup.units:
        areas = setup.areas_of(unit)
        unit_groups = tuple(g for g in groups if g.areas & areas)

        def gap(value: Decimal, unit=unit, areas=areas, unit_groups=unit_groups) -> Decimal:
            trial = dict.fromkeys(setup.units, value)
            revenue = rate_groups(unit_groups, setup.catalogue,
                                  lists_of_year(price_lists(setup, trial)), areas)
            return accumulated(setup, revenue, unit, setup.target.year)

        search = _multiplier if setup.target.method is Method.MULTIPLIER else _index
        parameters[unit], met[unit] = search(setup, areas, gap)
    return Solution(parameters, met, price_lists(setup, parameters))


def _multiplier(setup: Setup, areas: frozenset[ServiceArea],
                gap: Callable[[Decimal], Decimal]) -> tuple[Decimal, bool]:
    target = setup.target
    cap = target.max_multiplier
    if gap(cap) < 0:
        return cap, False
    at_zero, at_one = gap(Decimal(0)), gap(Decimal(1))
    if at_zero >= 0:
        return Decimal(0), True
    # Revenue is nearly proportional to the multiplier: start close to where
    # the line through 0 and 1 crosses zero, and widen if that misses.
    guess = -at_zero / (at_one - at_zero) if at_one > at_zero else Decimal(1)
    low, high = max(Decimal(0), guess * Decimal("0.99")), min(cap, guess * Decimal("1.01"))
    if gap(low) >= 0:
        low, high = Decimal(0), low
    elif gap(high) < 0:
        low, high = high, cap
    precision = target.step / largest_price(setup.start, setup.catalogue, areas,
                                            target.include_connection)
    return _bisect(gap, low, high, precision), True


def _index(setup: Setup, areas: frozenset[ServiceArea],
           gap: Callable[[Decimal], Decimal]) -> tuple[Decimal, bool]:
    ceiling = setup.target.max_multiplier - 1
    if gap(ceiling) < 0:
        return ceiling, False
    if gap(INDEX_FLOOR) >= 0:
        return INDEX_FLOOR, True
    return _bisect(gap, INDEX_FLOOR, ceiling, INDEX_PRECISION), True


def _bisect(gap: Callable[[Decimal], Decimal], low: Decimal, high: Decimal,
            precision: Decimal) -> Decimal:
    """The smallest value found that meets the target: ``low`` misses it and
    ``high`` meets it throughout."""
    while high - low > precision:
        middle = (low + high) / 2
        if gap(middle) >= 0:
            high = middle
        else:
            low = middle
    return high
