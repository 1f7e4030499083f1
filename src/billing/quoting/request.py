"""A prospective agency's request for a quote."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from billing.domain.agency import ConnectionItem
from billing.domain.catalogue import Catalogue, Charge, ServiceArea
from billing.errors import DataError, Problem
from billing.period import Month


MAX_VOLUME = Decimal("1e12")


@dataclass(frozen=True, slots=True)
class VolumeBasis:
    """Where a quoted monthly volume came from, so a quote says it."""

    quantity: Decimal
    source: str  # "given" or a description of the estimate


@dataclass(frozen=True, slots=True)
class QuoteRequest:
    name: str
    employees: int
    areas: tuple[ServiceArea, ...]
    start: Month  # the first month of service; the agency connects on its first day
    months: int  # the span: 12 for one year
    volumes: Mapping[str, VolumeBasis] = field(default_factory=dict)  # per month, by service
    subscriptions: tuple[str, ...] = ()
    connection_items: tuple[ConnectionItem, ...] = ()
    price_list_id: str | None = None  # a named version for every month, else the one in force
    connection_fee: bool = True

    def check(self, catalogue: Catalogue) -> None:
        """Every problem of the request at once, before anything is priced."""
        problems = []
        if self.employees < 1:
            problems.append(Problem(f"the size must be at least 1 employee, not {self.employees}",
                                    field="employees"))
        if not self.areas:
            problems.append(Problem("name at least one service area", field="areas"))
        if self.months < 1:
            problems.append(Problem("the span must be at least one month", field="months"))
        for code, basis in self.volumes.items():
            service = catalogue.get(code)
            if service is None:
                problems.append(Problem(f"unknown service {code}", field="volumes"))
            elif service.area not in self.areas:
                problems.append(Problem(f"{code} belongs to {service.area}, which is not requested",
                                        field="volumes"))
            elif not service.takes_volumes:
                problems.append(Problem(f"{code} is a subscription: use --subscription", field="volumes"))
            elif not basis.quantity.is_finite() or abs(basis.quantity) >= MAX_VOLUME:
                problems.append(Problem(f"volume for {code} is not a number in range: {basis.quantity}",
                                        field="volumes"))
            elif basis.quantity < 0:
                problems.append(Problem(f"negative volume for {code}: {basis.quantity}", field="volumes"))
            elif service.charge is Charge.PER_UNIT and basis.quantity != basis.quantity.to_integral_value():
                problems.append(Problem(f"{code} is counted in whole units: {basis.quantity}",
                                        field="volumes"))
        for item in self.connection_items:
            if not item.description.strip():
                problems.append(Problem("a connection item needs a description", field="connection_items"))
            if not item.amount.is_finite() or not 0 <= item.amount < MAX_VOLUME \
                    or item.amount != item.amount.quantize(Decimal("0.01")):
                problems.append(Problem(f"connection item {item.description!r}: the amount must be "
                                        f"kronor and öre, 0 or more, not {item.amount}",
                                        field="connection_items"))
        if len(set(self.subscriptions)) != len(self.subscriptions):
            problems.append(Problem("a subscription is named twice", field="subscriptions"))
        for code in self.subscriptions:
            service = catalogue.get(code)
            if service is None or service.charge is not Charge.SUBSCRIPTION:
                problems.append(Problem(f"{code} is not a subscription service", field="subscriptions"))
            elif service.area not in self.areas:
                problems.append(Problem(f"{code} belongs to {service.area}, which is not requested",
                                        field="subscriptions"))
        if problems:
            raise DataError(problems)
