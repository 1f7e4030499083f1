"""The cost forecast of a price plan (TOML): direct costs per year and area,
common costs per year and how they are allocated, the target efficiency, and
the accumulated result the plan starts from. Read all or nothing."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field

from billing.domain.catalogue import ServiceArea
from billing.errors import ProblemCollector
from billing.files.fields import Amount, Frozen, NumberText
from billing.files.toml_source import locate, read_toml, validate
from billing.period import FIRST_YEAR, LAST_YEAR
from billing.planning.inputs import CostForecast, Efficiency, EfficiencyBasis

Year = Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR)]
Result = Annotated[Decimal, NumberText, Field(ge=Decimal("-1e12"), le=Decimal("1e12"), decimal_places=2)]
Change = Annotated[Decimal, NumberText, Field(gt=-100, le=100, decimal_places=2)]
Share = Annotated[Decimal, NumberText, Field(ge=0, le=Decimal("1e12"), decimal_places=6)]


class _Cost(Frozen):
    year: Year
    area: ServiceArea
    cost: Amount


class _Common(Frozen):
    year: Year
    cost: Amount


class _Efficiency(Frozen):
    basis: EfficiencyBasis = EfficiencyBasis.UNIT
    change_percent: Change = Decimal(0)
    by_area: dict[ServiceArea, Change] = {}


class _ForecastFile(Frozen):
    costs: tuple[_Cost, ...] = ()
    common: tuple[_Common, ...] = ()
    allocation: Literal["employees", "key"] = "employees"
    allocation_key: dict[ServiceArea, Share] = {}
    efficiency: _Efficiency = _Efficiency()
    opening: dict[ServiceArea, Result]


def read_cost_forecast(path: Path) -> CostForecast:
    data, text = read_toml(path)
    parsed = validate(_ForecastFile, data, path, text)
    assert isinstance(parsed, _ForecastFile)
    problems = ProblemCollector(str(path))

    def add(message: str, *loc: str | int) -> None:
        problems.add(message, line=locate(text, loc), field=".".join(str(p) for p in loc))

    direct: dict[tuple[int, ServiceArea], Decimal] = {}
    for index, row in enumerate(parsed.costs):
        if (row.year, row.area) in direct:
            add(f"a second cost for {row.area} in {row.year}", "costs", index, "area")
        direct[(row.year, row.area)] = row.cost
    common: dict[int, Decimal] = {}
    for index, row in enumerate(parsed.common):
        if row.year in common:
            add(f"a second common cost for {row.year}", "common", index, "year")
        common[row.year] = row.cost
    if not direct:
        add("no costs: give each area's cost at least for the first year of the plan", "costs")
    if parsed.allocation == "key":
        if not any(parsed.allocation_key.values()):
            add("allocation = \"key\" needs [allocation_key] with a share above zero", "allocation")
    elif parsed.allocation_key:
        add("[allocation_key] is used only with allocation = \"key\"", "allocation_key")
    for area in sorted({a for _, a in direct}, key=lambda a: a.order):
        if area not in parsed.opening:
            add(f"no opening result for {area} (the accumulated result before the plan)", "opening")
    problems.raise_if_any()
    return CostForecast(
        direct=direct, common=common,
        key=dict(parsed.allocation_key) if parsed.allocation == "key" else None,
        efficiency=Efficiency(parsed.efficiency.basis, parsed.efficiency.change_percent,
                              dict(parsed.efficiency.by_area)),
        opening=dict(parsed.opening))
