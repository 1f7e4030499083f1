"""The connection plan of a price plan (TOML): agencies and employees per year
and area, named prospective agencies, the size profile and the monthly volumes
per employee that override the history. Read all or nothing."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated

from pydantic import Field

from billing.domain.catalogue import Catalogue, ServiceArea
from billing.errors import ProblemCollector
from billing.files.fields import MAX_EMPLOYEES, Day, Frozen, NumberText
from billing.files.toml_source import NonEmpty, locate, read_toml, validate
from billing.period import FIRST_YEAR, LAST_YEAR
from billing.planning.inputs import DEFAULT_SIZE_PROFILE, ConnectionPlan, NamedAgency, PlannedYear

Year = Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR)]
Count = Annotated[int, Field(ge=0, le=MAX_EMPLOYEES * 10)]
# A monthly quantity per employee, or a relative size: four decimals at most.
Ratio = Annotated[Decimal, NumberText, Field(ge=0, le=Decimal("1e6"), decimal_places=4)]
Weight = Annotated[Decimal, NumberText, Field(gt=0, le=Decimal("1e6"), decimal_places=4)]


class _Year(Frozen):
    year: Year
    area: ServiceArea
    agencies: Count
    employees: Count


class _Named(Frozen):
    name: str = Field(min_length=1, max_length=200)
    employees: Annotated[int, Field(ge=1, le=MAX_EMPLOYEES)]
    areas: Annotated[tuple[ServiceArea, ...], NonEmpty]
    connects: Day


class _PlanFile(Frozen):
    plan: Annotated[tuple[_Year, ...], NonEmpty]
    named: tuple[_Named, ...] = ()
    size_profile: Annotated[tuple[Weight, ...], NonEmpty] = DEFAULT_SIZE_PROFILE
    volumes: dict[str, Ratio] = {}


def read_connection_plan(path: Path, catalogue: Catalogue) -> ConnectionPlan:
    data, text = read_toml(path)
    parsed = validate(_PlanFile, data, path, text)
    assert isinstance(parsed, _PlanFile)
    problems = ProblemCollector(str(path))

    def add(message: str, *loc: str | int) -> None:
        problems.add(message, line=locate(text, loc), field=".".join(str(p) for p in loc))

    seen: set[tuple[int, ServiceArea]] = set()
    for index, row in enumerate(parsed.plan):
        if (row.year, row.area) in seen:
            add(f"a second row for {row.area} in {row.year}", "plan", index, "area")
        seen.add((row.year, row.area))
        if row.employees < row.agencies:
            add(f"{row.agencies} agencies need at least as many employees, not {row.employees}",
                "plan", index, "employees")
    years = sorted({y for y, _ in seen})
    if len(years) < 2:
        add("the plan needs its base year (the outcome) and at least one year after it", "plan")
    for area in {a for _, a in seen}:
        for year in range(years[0], years[-1] + 1):
            if (year, area) not in seen:
                add(f"no row for {area} in {year}: every area needs every year from {years[0]} "
                    f"to {years[-1]}", "plan")
    for index, named in enumerate(parsed.named):
        if len(set(named.areas)) != len(named.areas):
            add("an area is named twice", "named", index, "areas")
        if not years[0] <= named.connects.year <= years[-1]:
            add(f"connects {named.connects.isoformat()}, outside the plan's years "
                f"{years[0]}-{years[-1]}", "named", index, "connects")
        for area in named.areas:
            if (years[0], area) not in seen:
                add(f"{area} is not in the plan", "named", index, "areas")
    for code in parsed.volumes:
        service = catalogue.get(code)
        if service is None:
            add(f"unknown service {code}", "volumes", code)
        elif not service.takes_volumes:
            add(f"{code} is a subscription: it has no volume", "volumes", code)
    problems.raise_if_any()
    return ConnectionPlan(
        years=tuple(PlannedYear(r.year, r.area, r.agencies, r.employees) for r in parsed.plan),
        named=tuple(NamedAgency(n.name, n.employees, n.areas, n.connects) for n in parsed.named),
        size_profile=parsed.size_profile, volumes=dict(parsed.volumes))
