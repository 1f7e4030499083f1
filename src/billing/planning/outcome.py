"""What a set of prices gives each year and area: volumes, revenue per fee
part, cost, result, accumulated result and cost recovery."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from billing.domain.agency import FeePart
from billing.domain.catalogue import ServiceArea
from billing.money import round_percent
from billing.planning.projection import Revenue, projected_volumes
from billing.planning.solver import Setup, accumulated


@dataclass(frozen=True, slots=True)
class YearOutcome:
    year: int
    area: ServiceArea | None  # None: the centre
    volumes: Mapping[str, Decimal]
    revenue: Mapping[FeePart, Decimal]
    cost: Decimal
    accumulated: Decimal  # at the end of the year, from the opening result

    @property
    def total_revenue(self) -> Decimal:
        return sum(self.revenue.values(), Decimal(0))

    @property
    def connection(self) -> Decimal:
        return self.revenue.get(FeePart.CONNECTION, Decimal(0))

    @property
    def result(self) -> Decimal:
        return self.total_revenue - self.cost

    @property
    def recovery_percent(self) -> Decimal | None:
        """Revenue in per cent of cost, to one decimal; None without cost."""
        return round_percent(self.total_revenue, self.cost)


def outcomes(setup: Setup, revenue: Revenue) -> list[YearOutcome]:
    """One row per year and area, then the centre's row for the year."""
    volumes = projected_volumes(setup.groups, setup.catalogue)
    rows = []
    for year in setup.years:
        for unit in (*setup.areas, None):
            areas = setup.areas_of(unit)
            parts: dict[FeePart, Decimal] = {}
            for (y, area, part), amount in sorted(revenue.items(), key=lambda i: (i[0][0], i[0][2])):
                if y == year and area in areas:
                    parts[part] = parts.get(part, Decimal(0)) + amount
            quantities: dict[str, Decimal] = {}
            for area in areas:
                for code, quantity in volumes.get((year, area), {}).items():
                    quantities[code] = quantities.get(code, Decimal(0)) + quantity
            cost = sum((setup.costs.get((year, a), Decimal(0)) for a in areas), Decimal(0))
            rows.append(YearOutcome(year, unit, dict(sorted(quantities.items())), parts, cost,
                                    accumulated(setup, revenue, unit, year)))
    return rows


def first_balance(rows: list[YearOutcome], area: ServiceArea | None) -> int | None:
    """The first year the area's (or the centre's) accumulated result is at least zero."""
    return next((r.year for r in rows if r.area is area and r.accumulated >= 0), None)
