"""The agencies a connection plan projects: for every area and year, the
planned number of agencies with the planned employees, spread by the size
profile; named prospective agencies as the plan gives them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_FLOOR, Decimal, localcontext

from billing.domain.agency import Agency, Agreement, SizeChange
from billing.domain.catalogue import ServiceArea
from billing.errors import DataError, Problem
from billing.planning.inputs import ConnectionPlan


@dataclass(frozen=True, slots=True)
class ProjectedAgency:
    agency: Agency
    named: bool  # named in the plan, or generated from its numbers


def projected_agencies(plan: ConnectionPlan) -> tuple[ProjectedAgency, ...]:
    """Every agency of the plan: generated ones connect on 1 January of the
    first year they are counted in (the base year's are connected already) and
    leave on 31 December of the last; their sizes follow each year's plan."""
    problems: list[Problem] = []
    named = [ProjectedAgency(Agency(
        organisation_number=f"named-{index + 1:03d}", name=n.name,
        sizes=(SizeChange(n.connects, n.employees),),
        agreements=tuple(Agreement(area=area, connected_on=n.connects) for area in n.areas)), True)
        for index, n in enumerate(plan.named)]
    generated: list[ProjectedAgency] = []
    years = range(plan.base_year, plan.last_year + 1)
    for area in plan.areas:
        counts: dict[int, tuple[int, int]] = {}
        for year in years:
            planned = plan.get(year, area)
            if planned is None:
                problems.append(Problem(f"no plan for {area} in {year}: give every year from "
                                        f"{plan.base_year} to {plan.last_year}", field="plan"))
                continue
            own = [n for n in plan.named if area in n.areas and n.connects.year <= year]
            agencies = planned.agencies - len(own)
            employees = planned.employees - sum(n.employees for n in own)
            if agencies < 0 or employees < agencies or (agencies == 0 and employees > 0):
                problems.append(Problem(
                    f"{area} {year}: {planned.agencies} agencies with {planned.employees} employees "
                    f"leave {agencies} agencies with {employees} employees beside the {len(own)} "
                    "named: every agency needs at least one employee", field="plan"))
                continue
            counts[year] = (agencies, employees)
        if not problems:
            generated += _cohort(area, counts, plan.size_profile)
    if problems:
        raise DataError(problems)
    return (*named, *generated)


def _cohort(area: ServiceArea, counts: dict[int, tuple[int, int]],
            profile: Sequence[Decimal]) -> list[ProjectedAgency]:
    most = max((n for n, _ in counts.values()), default=0)
    result = []
    sizes_by_year = {year: _sizes(n, e, profile) for year, (n, e) in counts.items()}
    for index in range(most):
        present = [year for year in sorted(counts) if index < counts[year][0]]
        agreements, sizes = [], []
        run_start = None
        for year in present:
            if run_start is None or year - 1 not in present:
                run_start = year
            sizes.append(SizeChange(date(year, 1, 1), sizes_by_year[year][index]))
            if year + 1 not in present:
                last = max(counts)
                agreements.append(Agreement(area=area, connected_on=date(run_start, 1, 1),
                                            ends_on=None if year == last else date(year, 12, 31),
                                            connection_fee=run_start != min(counts)))
        result.append(ProjectedAgency(Agency(
            organisation_number=f"plan-{area}-{index + 1:04d}",
            name=f"Planerad kund {area.short_label} {index + 1}",
            sizes=tuple(sizes), agreements=tuple(agreements)), False))
    return result


def _sizes(agencies: int, employees: int, profile: Sequence[Decimal]) -> list[int]:
    """``employees`` over ``agencies`` by the profile's weights, each at least
    one, in whole employees by largest remainder (ties to the lower index)."""
    if agencies == 0:
        return []
    weights = [profile[i % len(profile)] for i in range(agencies)]
    spare = employees - agencies
    total = sum(weights, Decimal(0))
    with localcontext() as ctx:
        ctx.prec = 50
        exact = [spare * w / total for w in weights]
    whole = [int(x.to_integral_value(ROUND_FLOOR)) for x in exact]
    left = spare - sum(whole)
    for i in sorted(range(agencies), key=lambda i: (-(exact[i] - whole[i]), i))[:left]:
        whole[i] += 1
    return [1 + w for w in whole]
