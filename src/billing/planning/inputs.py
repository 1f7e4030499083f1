"""What a price plan is computed from: the connection plan, the cost forecast,
the volume assumptions and the target, as small immutable values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType

from billing.domain.catalogue import ServiceArea

# Sizes of the agencies a year's plan generates, relative to each other: many
# small agencies and a few large ones, as in the report ("from a handful of
# employees to more than 13,000"; 377 agencies, 239,086 employees in all).
DEFAULT_SIZE_PROFILE = (Decimal("0.1"), Decimal("0.25"), Decimal("0.5"), Decimal("1"),
                        Decimal("2"), Decimal("5"))


class Balance(StrEnum):
    """Who must reach balance: every area on its own, or the centre as a whole."""

    AREA = "area"
    CENTRE = "centre"


class Method(StrEnum):
    """One multiplier on the starting prices, or a yearly index (a list per year)."""

    MULTIPLIER = "multiplier"
    INDEX = "index"


class EfficiencyBasis(StrEnum):
    """What the target efficiency changes each year: the cost per employee
    served (unit), or the area's cost as a whole (area)."""

    UNIT = "unit"
    AREA = "area"


@dataclass(frozen=True, slots=True)
class PlannedYear:
    """An area's connected agencies and employees in a year (the report's
    "Anslutningsplan"); the first year of the plan is the outcome before it."""

    year: int
    area: ServiceArea
    agencies: int
    employees: int


@dataclass(frozen=True, slots=True)
class NamedAgency:
    """A prospective agency the plan names, with its size and connection day."""

    name: str
    employees: int
    areas: tuple[ServiceArea, ...]
    connects: date


@dataclass(frozen=True, slots=True)
class ConnectionPlan:
    years: tuple[PlannedYear, ...]
    named: tuple[NamedAgency, ...] = ()
    size_profile: tuple[Decimal, ...] = DEFAULT_SIZE_PROFILE
    # Monthly quantity per employee, by service code: overrides the history.
    volumes: Mapping[str, Decimal] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "volumes", MappingProxyType(dict(self.volumes)))

    @property
    def base_year(self) -> int:
        return min(y.year for y in self.years)

    @property
    def last_year(self) -> int:
        return max(y.year for y in self.years)

    @property
    def areas(self) -> tuple[ServiceArea, ...]:
        present = {y.area for y in self.years}
        return tuple(a for a in ServiceArea if a in present)

    def get(self, year: int, area: ServiceArea) -> PlannedYear | None:
        return next((y for y in self.years if y.year == year and y.area is area), None)


@dataclass(frozen=True, slots=True)
class Efficiency:
    """The yearly change in cost, in per cent (negative: cheaper), applied to
    the years the forecast leaves out, from the last year it gives."""

    basis: EfficiencyBasis = EfficiencyBasis.UNIT
    change_percent: Decimal = Decimal(0)
    by_area: Mapping[ServiceArea, Decimal] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_area", MappingProxyType(dict(self.by_area)))

    def change(self, area: ServiceArea | None) -> Decimal:
        """The change of an area (None: the common costs), in per cent."""
        return self.by_area.get(area, self.change_percent) if area else self.change_percent


@dataclass(frozen=True, slots=True)
class CostForecast:
    direct: Mapping[tuple[int, ServiceArea], Decimal]  # by year and area
    common: Mapping[int, Decimal] = field(default_factory=dict)  # by year
    # None: common costs by employees served per area that year (the report's key).
    key: Mapping[ServiceArea, Decimal] | None = None
    efficiency: Efficiency = Efficiency()
    # The accumulated result at the end of the plan's base year, by area.
    opening: Mapping[ServiceArea, Decimal] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("direct", "common", "opening"):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))
        if self.key is not None:
            object.__setattr__(self, "key", MappingProxyType(dict(self.key)))


@dataclass(frozen=True, slots=True)
class VolumeRate:
    """A service's monthly quantity per employee, and where it came from."""

    service: str
    per_employee: Decimal
    source: str  # Swedish, for the report: "historik: ... (spridning ...)" or "angivet"


@dataclass(frozen=True, slots=True)
class Target:
    year: int  # the accumulated result must be at least zero at the end of it
    balance: Balance = Balance.AREA
    method: Method = Method.MULTIPLIER
    step: Decimal = Decimal("1")  # unit prices are rounded to it
    include_connection: bool = False  # connection fees scaled too
    max_multiplier: Decimal = Decimal("10")  # no price more than ten-fold: beyond is "cannot"
