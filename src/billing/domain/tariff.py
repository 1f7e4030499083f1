"""Price lists: one immutable version of the prices, in force from a month on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import MappingProxyType

from billing.domain.catalogue import ServiceArea
from billing.domain.vat_exemption import VatExemption

STANDARD_SERIES = "standard"
DEFAULT_VAT_RATE = Decimal("25")


@dataclass(frozen=True, slots=True)
class PerEmployee:
    """Variable base fee: an amount per employee."""

    rate: Decimal


@dataclass(frozen=True, slots=True)
class Band:
    up_to: int | None  # inclusive upper size; None for the open last band
    amount: Decimal


@dataclass(frozen=True, slots=True)
class SizeBands:
    """Variable base fee: the whole agency pays the amount of the band its size falls in."""

    bands: tuple[Band, ...]


@dataclass(frozen=True, slots=True)
class RateTier:
    up_to: int | None  # inclusive upper employee number; None for the open last tier
    rate: Decimal


@dataclass(frozen=True, slots=True)
class GraduatedTiers:
    """Variable base fee: each employee priced at the rate of the tier it falls in."""

    tiers: tuple[RateTier, ...]


VariableModel = PerEmployee | SizeBands | GraduatedTiers


@dataclass(frozen=True, slots=True)
class BaseFee:
    fixed: Decimal
    variable: VariableModel


@dataclass(frozen=True, slots=True)
class PriceList:
    id: str
    series: str
    currency: str
    valid_from: date
    base_fees: Mapping[ServiceArea, BaseFee]
    prices: Mapping[str, Decimal]  # per_unit and subscription services, by service code
    hourly_rates: Mapping[str, Decimal]  # by rate class
    connection_fees: Mapping[ServiceArea, Decimal]
    default_vat_rate: Decimal = DEFAULT_VAT_RATE
    vat_rates: Mapping[str, Decimal] = field(default_factory=dict)  # code or "base_fee" -> percent
    # Why an item at 0 % carries no VAT, by the same items as vat_rates.
    vat_exemptions: Mapping[str, VatExemption] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Read-only views: a price list version never changes once made.
        for name in ("base_fees", "prices", "hourly_rates", "connection_fees", "vat_rates",
                     "vat_exemptions"):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))

    def vat_rate(self, item: str) -> Decimal:
        return self.vat_rates.get(item, self.default_vat_rate)

    def vat_exemption(self, item: str) -> VatExemption | None:
        """The exemption of an item priced at 0 %; None for a taxed item."""
        return self.vat_exemptions.get(item) if self.vat_rate(item) == 0 else None


def version_in_force(price_lists: list[PriceList] | tuple[PriceList, ...], series: str,
                     first_day: date) -> PriceList | None:
    """The latest version of a series whose valid_from is not after the month's first day."""
    candidates = [p for p in price_lists if p.series == series and p.valid_from <= first_day]
    return max(candidates, key=lambda p: p.valid_from, default=None)
