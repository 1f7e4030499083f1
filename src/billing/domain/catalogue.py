"""The service catalogue: what can be sold, independent of its price."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from enum import StrEnum


class ServiceArea(StrEnum):
    PAYROLL = "payroll"
    FINANCE = "finance"
    EPROCUREMENT = "eprocurement"

    @property
    def label(self) -> str:
        return _AREA_LABELS[self]

    @property
    def short_label(self) -> str:
        """The name a chart or a narrow column gives the area."""
        return _AREA_SHORT_LABELS[self]

    @property
    def order(self) -> int:
        """Areas are always listed payroll, finance, e-procurement."""
        return _AREA_ORDER[self]


# Looked up, not searched for: invoice lines are sorted by it many times over.
_AREA_ORDER = {area: index for index, area in enumerate(ServiceArea)}
_AREA_LABELS = {
    ServiceArea.PAYROLL: "Lönerelaterade tjänster",
    ServiceArea.FINANCE: "Ekonomiadministrativa tjänster",
    ServiceArea.EPROCUREMENT: "E-handelstjänster",
}
_AREA_SHORT_LABELS = {
    ServiceArea.PAYROLL: "Lön",
    ServiceArea.FINANCE: "Ekonomi",
    ServiceArea.EPROCUREMENT: "E-handel",
}


class Tier(StrEnum):
    BASIC = "basic"
    ADDITIONAL = "additional"
    SPECIAL = "special"


class Charge(StrEnum):
    PER_UNIT = "per_unit"
    SUBSCRIPTION = "subscription"
    HOURLY = "hourly"


class Measure(StrEnum):
    FLOW = "flow"  # counted during the month
    STOCK = "stock"  # counted at month end: one record per agency and month


@dataclass(frozen=True, slots=True)
class Service:
    code: str
    area: ServiceArea
    tier: Tier
    charge: Charge
    name: str
    unit: str
    unit_code: str
    measure: Measure = Measure.FLOW
    rate_class: str | None = None
    requires_any: tuple[str, ...] = ()

    @property
    def takes_volumes(self) -> bool:
        """Subscriptions come from agreements; everything else from volume records."""
        return self.charge is not Charge.SUBSCRIPTION


@dataclass(frozen=True, slots=True)
class Catalogue:
    services: tuple[Service, ...]
    by_code: Mapping[str, Service] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_code", MappingProxyType({s.code: s for s in self.services}))

    def get(self, code: str) -> Service | None:
        return self.by_code.get(code)

    def __getitem__(self, code: str) -> Service:
        return self.by_code[code]

    def __contains__(self, code: object) -> bool:
        return code in self.by_code

