"""Customer agencies, their sizes, agreements and discounts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from billing.domain.address import PostalAddress
from billing.domain.catalogue import ServiceArea
from billing.domain.tariff import STANDARD_SERIES
from billing.period import Month


class FeePart(StrEnum):
    """The parts of the price model a line belongs to, and a discount can name."""

    BASE_FIXED = "base_fixed"
    BASE_VARIABLE = "base_variable"
    TRANSACTION = "transaction"
    ADDITIONAL = "additional"
    SPECIAL = "special"
    CONNECTION = "connection"
    PASS_THROUGH = "pass_through"
    DISCOUNT = "discount"

    @property
    def label(self) -> str:
        """The part's Swedish name, as the reports show it."""
        return _PART_LABELS[self][0]

    @property
    def short_label(self) -> str:
        """The name a narrow column gives the part."""
        return _PART_LABELS[self][1]


_PART_LABELS = {
    FeePart.BASE_FIXED: ("Grundavgift, fast del", "Grund, fast"),
    FeePart.BASE_VARIABLE: ("Grundavgift, rörlig del", "Grund, rörlig"),
    FeePart.TRANSACTION: ("Transaktionsavgifter", "Transaktioner"),
    FeePart.ADDITIONAL: ("Tilläggstjänster", "Tillägg"),
    FeePart.SPECIAL: ("Specialtjänster", "Special"),
    FeePart.CONNECTION: ("Anslutning", "Anslutning"),
    FeePart.PASS_THROUGH: ("Vidarefakturering", "Vidarefakt."),
    FeePart.DISCOUNT: ("Rabatt", "Rabatt"),
}


DISCOUNTABLE_PARTS = frozenset(FeePart) - {FeePart.PASS_THROUGH, FeePart.DISCOUNT}


@dataclass(frozen=True, slots=True)
class SizeChange:
    effective: date
    employees: int


@dataclass(frozen=True, slots=True)
class Subscription:
    service: str
    start: date
    end: date | None = None  # last day included


@dataclass(frozen=True, slots=True)
class ConnectionItem:
    description: str
    amount: Decimal
    on: date | None = None  # None: the agreement's connection date


@dataclass(frozen=True, slots=True)
class Agreement:
    area: ServiceArea
    connected_on: date
    ends_on: date | None = None  # last day served
    buyer_reference: str = ""
    price_series: str = STANDARD_SERIES
    transformed_on: date | None = None  # from this day on, the standard series
    services: tuple[str, ...] | None = None  # None: every service of the area
    agreed_prices: tuple[tuple[str, Decimal], ...] = ()
    subscriptions: tuple[Subscription, ...] = ()
    connection_items: tuple[ConnectionItem, ...] = ()
    # False for agencies taken over by government decision (from a predecessor's
    # service) rather than joining: they pay no standard connection fee.
    connection_fee: bool = True

    def active_days(self, month: Month) -> int:
        """Days of the month the agreement is in force."""
        return month.days_in_force(self.connected_on, self.ends_on)

    def in_force(self, month: Month) -> bool:
        """In force on at least one day of the month."""
        return self.active_days(month) > 0

    def series_for(self, month: Month) -> str:
        if self.transformed_on is not None and month.first_day >= self.transformed_on:
            return STANDARD_SERIES
        return self.price_series

    def covers(self, service_code: str) -> bool:
        return self.services is None or service_code in self.services

    def agreed_price(self, service_code: str) -> Decimal | None:
        return dict(self.agreed_prices).get(service_code)


@dataclass(frozen=True, slots=True)
class Discount:
    percent: Decimal
    parts: frozenset[FeePart]
    start: Month
    end: Month
    area: ServiceArea | None = None  # None: every area
    reason: str = ""

    def applies(self, month: Month, area: ServiceArea, part: FeePart) -> bool:
        return (self.start <= month <= self.end and part in self.parts
                and (self.area is None or self.area is area))


@dataclass(frozen=True, slots=True)
class Agency:
    organisation_number: str  # normalised NNNNNN-NNNN
    name: str
    sizes: tuple[SizeChange, ...]
    agreements: tuple[Agreement, ...]
    discounts: tuple[Discount, ...] = ()
    address: PostalAddress | None = None  # None: stored before addresses were (migration 0005)

    def __post_init__(self) -> None:
        # One canonical order, whatever order a file or the database gave: two
        # values of the same agency compare equal.
        object.__setattr__(self, "sizes", tuple(sorted(self.sizes, key=lambda s: s.effective)))
        object.__setattr__(self, "agreements", tuple(sorted(
            self.agreements, key=lambda a: (a.connected_on, a.area.order))))

    def size_for(self, month: Month) -> int | None:
        """The size in force on the month's first day; for an agency that starts
        later in the month, its first size of that month."""
        in_force = [s for s in self.sizes if s.effective <= month.first_day]
        if in_force:
            return in_force[-1].employees
        within = [s for s in self.sizes if s.effective <= month.last_day]
        return within[0].employees if within else None

    def has_agreement_in(self, month: Month) -> bool:
        """Whether any agreement, of any area, is in force on some day of the month:
        then the agency is billed for the month, volumes or not."""
        return any(a.in_force(month) for a in self.agreements)

    def agreements_in_force(self, area: ServiceArea, month: Month) -> list[Agreement]:
        """An area's agreements in force during the month, oldest first: two when
        an agency leaves and joins again within one month."""
        return [a for a in self.agreements if a.area is area and a.in_force(month)]

    def agreement_for(self, area: ServiceArea, month: Month) -> Agreement | None:
        """The agreement that governs the month's volumes: the latest one in force."""
        in_force = self.agreements_in_force(area, month)
        return in_force[-1] if in_force else None
