"""A rated line: an amount and everything it came from."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from billing.domain.agency import FeePart
from billing.domain.catalogue import ServiceArea
from billing.domain.vat_exemption import VatExemption


@dataclass(frozen=True, slots=True)
class TierStep:
    """One step of a graduated base fee: employees first..last at a rate."""

    first: int
    last: int
    rate: Decimal

    @property
    def employees(self) -> int:
        return self.last - self.first + 1

    @property
    def amount(self) -> Decimal:
        return self.rate * self.employees


@dataclass(frozen=True, slots=True)
class Proration:
    """Days of the month charged out of the days in the month."""

    days: int
    of_days: int

    @property
    def is_whole(self) -> bool:
        return self.days == self.of_days


class PriceSource(StrEnum):
    """Where a line's unit price came from, recorded by the rater as data (so a
    trace never has to guess it from the wording of a line)."""

    PRICE_LIST = "price_list"  # an item of the price list in force: base fee, price, hourly rate, connection fee
    AGREED_PRICE = "agreed_price"  # the agreement's agreed price for the service, in place of the list's
    CONNECTION_ITEM = "connection_item"  # a one-off item of the agreement, at its agreed amount
    DISCOUNT = "discount"  # minus the agency's discount percentage, of the lines it covers
    PASS_THROUGH = "pass_through"  # a sub-supplier's amount, re-invoiced as it stands


@dataclass(frozen=True, slots=True)
class RatedLine:
    """One invoice line before it is issued.

    ``amount`` is ``quantity * unit_price``, times ``proration`` when there is
    one, rounded once to öre (``money.round_line``); that identity holds for
    every line, so any line can be re-computed from what it shows.

    ``price_source`` is None only for lines issued before it was recorded;
    ``vat_exemption`` is set on every 0 % line rated since migration 0005 and
    on no other.
    """

    area: ServiceArea
    part: FeePart
    description: str
    quantity: Decimal
    unit: str
    unit_code: str
    unit_price: Decimal
    amount: Decimal
    vat_rate: Decimal
    price_list_id: str | None
    service_code: str | None = None
    detail: str = ""
    proration: Proration | None = None
    tier_steps: tuple[TierStep, ...] = ()
    volume_record_ids: tuple[int, ...] = ()
    pass_through_ids: tuple[int, ...] = ()
    price_source: PriceSource | None = None
    vat_exemption: VatExemption | None = None


PART_ORDER = {part: index for index, part in enumerate(FeePart)}


def invoice_order(line: RatedLine) -> tuple[int, int, str]:
    """Lines grouped by service area, then by fee part, then by service code."""
    return (line.area.order, PART_ORDER[line.part], line.service_code or "")
