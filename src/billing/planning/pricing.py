"""Draft price lists from a starting list: an area's unit prices and base fees
(and, if asked, its connection fee) times a factor, each rounded to the step."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date
from decimal import Decimal

from billing.domain.catalogue import Catalogue, ServiceArea
from billing.domain.tariff import (Band, BaseFee, GraduatedTiers, PerEmployee, PriceList, RateTier,
                                   SizeBands, VariableModel)
from billing.money import round_to_step

Change = Callable[[Decimal], Decimal]


def shared_rate_classes(catalogue: Catalogue) -> dict[str, frozenset[ServiceArea]]:
    """The areas whose special services use each hourly rate class."""
    areas: dict[str, set[ServiceArea]] = {}
    for service in catalogue.services:
        if service.rate_class:
            areas.setdefault(service.rate_class, set()).add(service.area)
    return {k: frozenset(v) for k, v in areas.items()}


def _changed(start: PriceList, catalogue: Catalogue, changes: Mapping[ServiceArea, Change],
             include_connection: bool, list_id: str, valid_from: date) -> PriceList:
    """The start list with every item of an area in ``changes`` changed by its
    function. An hourly rate class changes only when every area that uses it
    changes alike (a class shared by areas balanced apart keeps its rate)."""
    def area_of(code: str) -> ServiceArea:
        return catalogue[code].area

    base_fees = {area: BaseFee(changes[area](fee.fixed), _variable(fee.variable, changes[area]))
                 if area in changes else fee for area, fee in start.base_fees.items()}
    prices = {code: changes[area_of(code)](price) if code in catalogue and area_of(code) in changes
              else price for code, price in start.prices.items()}
    hourly = {}
    for rate_class, price in start.hourly_rates.items():
        users = shared_rate_classes(catalogue).get(rate_class, frozenset())
        functions = {id(changes[a]) for a in users if a in changes}
        alike = users and all(a in changes for a in users) and len(functions) == 1
        hourly[rate_class] = changes[next(iter(users))](price) if alike else price
    connection = {area: changes[area](fee) if include_connection and area in changes else fee
                  for area, fee in start.connection_fees.items()}
    return replace(start, id=list_id, valid_from=valid_from, base_fees=base_fees, prices=prices,
                   hourly_rates=hourly, connection_fees=connection)


def _variable(model: VariableModel, change: Change) -> VariableModel:
    if isinstance(model, PerEmployee):
        return PerEmployee(change(model.rate))
    if isinstance(model, SizeBands):
        return SizeBands(tuple(Band(b.up_to, change(b.amount)) for b in model.bands))
    assert isinstance(model, GraduatedTiers)
    return GraduatedTiers(tuple(RateTier(t.up_to, change(t.rate)) for t in model.tiers))


def scaled(start: PriceList, catalogue: Catalogue, factors: Mapping[ServiceArea, Decimal],
           step: Decimal, include_connection: bool, list_id: str, valid_from: date,
           together: bool = False) -> PriceList:
    """Each area's items times its factor, rounded to the step. ``together``
    (the centre balanced as a whole: one factor) changes the areas as one, so
    the rate classes they share change with them; apart, a shared class keeps
    its rate, since no one area's factor is its own."""
    def change(factor: Decimal) -> Change:
        return lambda price: round_to_step(price * factor, step)

    if together:
        common = change(next(iter(factors.values()))) if factors else None
        changes = dict.fromkeys(factors, common)
    else:
        changes = {area: change(factor) for area, factor in factors.items()}
    return _changed(start, catalogue, changes, include_connection, list_id, valid_from)


def one_step_lower(plan: PriceList, catalogue: Catalogue, areas: frozenset[ServiceArea],
                   step: Decimal, include_connection: bool, together: bool = False) -> PriceList:
    """Every item the plan sets in ``areas`` one step lower (none below zero),
    the items ``scaled`` changes with the same ``together``."""
    def lower() -> Change:
        return lambda price: max(price - step, Decimal(0))

    common = lower()
    changes = {area: common if together else lower() for area in areas}
    return _changed(plan, catalogue, changes, include_connection, plan.id, plan.valid_from)


def largest_price(start: PriceList, catalogue: Catalogue, areas: frozenset[ServiceArea],
                  include_connection: bool) -> Decimal:
    """The largest item a factor on ``areas`` changes: how fine the factor must be."""
    items: list[Decimal] = []
    for area in areas:
        fee = start.base_fees.get(area)
        if fee is not None:
            items.append(fee.fixed)
            variable = fee.variable
            items += ([variable.rate] if isinstance(variable, PerEmployee) else
                      [b.amount for b in variable.bands] if isinstance(variable, SizeBands) else
                      [t.rate for t in variable.tiers])
        items += [p for c, p in start.prices.items() if c in catalogue and catalogue[c].area is area]
        if include_connection and area in start.connection_fees:
            items.append(start.connection_fees[area])
    items += list(start.hourly_rates.values())
    return max(items, default=Decimal(1))
