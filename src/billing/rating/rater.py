"""Rate one agency's month: its agreements, size, volumes and pass-through
amounts in; rated lines out."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from billing.domain.agency import Agency, Agreement, FeePart
from billing.domain.catalogue import Catalogue, Charge, ServiceArea, Tier
from billing.domain.tariff import PriceList, version_in_force
from billing.domain.volume import PassThroughCharge, VolumeRecord
from billing.errors import DataError, Problem
from billing.period import Month
from billing.rating.discounts import discount_lines
from billing.rating.lines import PriceSource, RatedLine, invoice_order
from billing.rating.proration import line_amount, proration_for
from billing.rating.variable_fee import variable_charge

_PART_OF_TIER = {Tier.BASIC: FeePart.TRANSACTION, Tier.ADDITIONAL: FeePart.ADDITIONAL,
                 Tier.SPECIAL: FeePart.SPECIAL}


@dataclass(frozen=True, slots=True)
class RatingContext:
    """What every agency of a month is rated against."""

    month: Month
    catalogue: Catalogue
    price_lists: tuple[PriceList, ...]
    # Base-fee lines already made, for work that rates many months against the
    # same price-list objects (the what-if): a base fee is the same value for the
    # same list, area, size and proration. None: nothing is kept.
    base_fees: dict | None = field(default=None, compare=False, repr=False)


def rate_agency_month(ctx: RatingContext, agency: Agency, volumes: Sequence[VolumeRecord],
                      pass_through: Sequence[PassThroughCharge] = ()) -> tuple[RatedLine, ...]:
    """All lines of one agency's invoice for the month, in invoice order.

    Raises ``DataError`` naming the agency when something needed is missing (no
    price list in force, an unpriced service, no size): an agency is never
    billed from a guess.
    """
    problems: list[Problem] = []
    by_area: dict[ServiceArea, list[VolumeRecord]] = defaultdict(list)
    for record in volumes:
        service = ctx.catalogue.get(record.service)
        if service is None:
            problems.append(_problem(agency, f"unknown service {record.service}"))
        else:
            by_area[service.area].append(record)
    charges_by_area: dict[ServiceArea, list[PassThroughCharge]] = defaultdict(list)
    for charge in pass_through:
        charges_by_area[charge.area].append(charge)

    lines: list[RatedLine] = []
    for area in ServiceArea:
        agreements = agency.agreements_in_force(area, ctx.month)
        if not agreements:
            if by_area[area] or charges_by_area[area]:
                problems.append(_problem(agency, f"has volumes or pass-through amounts in {area} "
                                                 f"but no agreement in force in {ctx.month}"))
            continue
        # Each agreement in force brings its own base fees, subscriptions and
        # connection; the month's volumes are billed once, under the latest one.
        for agreement in agreements[:-1]:
            lines += _AreaRater(ctx, agency, agreement, problems).rate([], [])
        lines += _AreaRater(ctx, agency, agreements[-1], problems).rate(
            by_area[area], charges_by_area[area])
    if problems:
        raise DataError(problems)
    lines += discount_lines(agency.discounts, ctx.month, lines)
    return tuple(sorted(lines, key=invoice_order))


def _problem(agency: Agency, message: str) -> Problem:
    return Problem(f"{agency.organisation_number} {agency.name}: {message}")


class _AreaRater:
    """The lines of one agreement (one service area) in one month."""

    def __init__(self, ctx: RatingContext, agency: Agency, agreement: Agreement,
                 problems: list[Problem]):
        self.ctx, self.agency, self.agreement, self.problems = ctx, agency, agreement, problems
        self.area = agreement.area
        self.month = ctx.month
        series = agreement.series_for(self.month)
        self.price_list = version_in_force(ctx.price_lists, series, self.month.first_day)
        if self.price_list is None:
            self._fail(f"no price list of series {series!r} in force in {self.month}")

    def _fail(self, message: str) -> None:
        self.problems.append(_problem(self.agency, f"{self.area}: {message}"))

    def rate(self, volumes: list[VolumeRecord], charges: list[PassThroughCharge]) -> list[RatedLine]:
        if self.price_list is None:
            return []
        return [*self._base_fee(), *self._usage(volumes), *self._subscriptions(),
                *self._connection(), *self._pass_through(charges)]

    def _line(self, part: FeePart, description: str, quantity: Decimal, unit: str,
              unit_code: str, unit_price: Decimal, vat_item: str, source: PriceSource,
              **extra) -> RatedLine:
        assert self.price_list is not None
        # A 0 % item of a list stored before exemptions were required has none:
        # the line is rated (an old month re-rates as issued), and a new invoice
        # with it is refused at issue (invoicing.issue_rules).
        return RatedLine(
            area=self.area, part=part, description=description, quantity=quantity, unit=unit,
            unit_code=unit_code, unit_price=unit_price,
            amount=line_amount(quantity, unit_price, extra.get("proration")),
            vat_rate=self.price_list.vat_rate(vat_item), price_list_id=self.price_list.id,
            price_source=source, vat_exemption=self.price_list.vat_exemption(vat_item), **extra)

    def _base_fee(self) -> list[RatedLine]:
        assert self.price_list is not None
        fee = self.price_list.base_fees.get(self.area)
        if fee is None:
            self._fail(f"price list {self.price_list.id} has no base fee")
            return []
        employees = self.agency.size_for(self.month)
        if employees is None:
            self._fail(f"no size (employees) in force in {self.month}")
            return []
        # Base fees follow the days the agreement is in force (connection or end mid-month).
        proration = proration_for(self.month, self.agreement.active_days(self.month))
        memo = self.ctx.base_fees
        if memo is None:
            return self._base_fee_lines(fee, employees, proration)
        # The list object itself is in the key: its id is stable while the caller holds the lists.
        key = (id(self.price_list), self.area, employees, proration)
        if key not in memo:
            memo[key] = self._base_fee_lines(fee, employees, proration)
        return memo[key]

    def _base_fee_lines(self, fee, employees: int, proration) -> list[RatedLine]:
        variable = variable_charge(fee.variable, employees)
        label = f"Grundavgift {self.area.label.lower()}"
        # An old agreement's list may have no fixed part: no line of nothing.
        fixed = [] if fee.fixed == 0 else [
            self._line(FeePart.BASE_FIXED, f"{label}, fast del", Decimal(1), "mån", "MON",
                       fee.fixed, "base_fee", PriceSource.PRICE_LIST, proration=proration)]
        return [
            *fixed,
            self._line(FeePart.BASE_VARIABLE, f"{label}, rörlig del", variable.quantity,
                       variable.unit, "MON" if variable.unit == "mån" else "C62",
                       variable.unit_price, "base_fee", PriceSource.PRICE_LIST, proration=proration,
                       detail=variable.detail, tier_steps=variable.tier_steps),
        ]

    def _usage(self, volumes: list[VolumeRecord]) -> list[RatedLine]:
        """Transaction fees, per-unit additional services and special-service hours:
        one line per service, never prorated."""
        by_service: dict[str, list[VolumeRecord]] = defaultdict(list)
        for record in volumes:
            by_service[record.service].append(record)
        lines = []
        for code in sorted(by_service):
            records = by_service[code]
            service = self.ctx.catalogue[code]
            if not self.agreement.covers(code):
                self._fail(f"volumes of {code}, which the agreement does not cover")
                continue
            if not service.takes_volumes:
                self._fail(f"volumes of {code}, a subscription (subscriptions come from agreements)")
                continue
            priced = self._unit_price(service.code, service.charge, service.rate_class)
            if priced is None:
                continue
            price, source = priced
            quantity = sum((r.quantity for r in records), Decimal(0))
            ids = tuple(sorted(r.id for r in records if r.id is not None))
            lines.append(self._line(_PART_OF_TIER[service.tier], service.name, quantity,
                                    service.unit, service.unit_code, price, code, source,
                                    service_code=code, volume_record_ids=ids))
        return lines

    def _unit_price(self, code: str, charge: Charge,
                    rate_class: str | None) -> tuple[Decimal, PriceSource] | None:
        """The unit price of a service and where it comes from; None (and a
        problem) when neither the agreement nor the list prices it."""
        assert self.price_list is not None
        agreed = self.agreement.agreed_price(code)
        if agreed is not None:
            return agreed, PriceSource.AGREED_PRICE
        if charge is Charge.HOURLY:
            price = self.price_list.hourly_rates.get(rate_class or "")
            if price is None:
                self._fail(f"price list {self.price_list.id} has no hourly rate {rate_class!r} for {code}")
        else:
            price = self.price_list.prices.get(code)
            if price is None:
                self._fail(f"price list {self.price_list.id} does not price {code}")
        return None if price is None else (price, PriceSource.PRICE_LIST)

    def _subscriptions(self) -> list[RatedLine]:
        lines = []
        for sub in self.agreement.subscriptions:
            start = max(sub.start, self.agreement.connected_on)
            ends = [d for d in (sub.end, self.agreement.ends_on) if d is not None]
            days = self.month.days_in_force(start, min(ends) if ends else None)
            if days == 0:
                continue
            service = self.ctx.catalogue[sub.service]
            priced = self._unit_price(sub.service, service.charge, None)
            if priced is None:
                continue
            price, source = priced
            # Subscriptions, like base fees, follow the days they are in force.
            lines.append(self._line(FeePart.ADDITIONAL, service.name, Decimal(1), service.unit,
                                    service.unit_code, price, sub.service, source,
                                    service_code=sub.service,
                                    proration=proration_for(self.month, days)))
        return lines

    def _connection(self) -> list[RatedLine]:
        """One-off fees, on the invoice of the month they fall in."""
        assert self.price_list is not None
        lines = []
        if self.agreement.connection_fee and self.month.contains(self.agreement.connected_on):
            fee = self.price_list.connection_fees.get(self.area)
            if fee is not None:
                lines.append(self._line(FeePart.CONNECTION, f"Anslutningsavgift {self.area.label.lower()}",
                                        Decimal(1), "st", "C62", fee, "connection",
                                        PriceSource.PRICE_LIST,
                                        detail=f"ansluten {self.agreement.connected_on.isoformat()}"))
        for item in self.agreement.connection_items:
            if self.month.contains(item.on or self.agreement.connected_on):
                lines.append(self._line(FeePart.CONNECTION, item.description, Decimal(1), "st",
                                        "C62", item.amount, "connection",
                                        PriceSource.CONNECTION_ITEM,
                                        detail="enligt överenskommelse"))
        return lines

    def _pass_through(self, charges: list[PassThroughCharge]) -> list[RatedLine]:
        return [
            RatedLine(area=self.area, part=FeePart.PASS_THROUGH, description=c.description,
                      quantity=Decimal(1), unit="st", unit_code="C62", unit_price=c.amount,
                      amount=line_amount(Decimal(1), c.amount), vat_rate=c.vat_rate,
                      price_list_id=None, detail=" ".join(p for p in (c.supplier, c.reference) if p),
                      pass_through_ids=(c.id,) if c.id is not None else (),
                      price_source=PriceSource.PASS_THROUGH,
                      vat_exemption=c.vat_exemption if c.vat_rate == 0 else None)
            for c in sorted(charges, key=lambda c: (c.description, c.id or 0))
        ]
