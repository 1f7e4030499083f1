"""Projected agency-months, rated by the invoicing engine.

A projected year's revenue is the sum of the rated months of the projected
agencies. Months of one agency and year that the engine rates alike (same
size, same volumes, the agreement in force all month, no connection in it)
are rated once and counted as many times as they occur; every other month is
rated on its own. ``every_agency_month`` lists them one by one, for a reader
who wants to re-rate them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from billing.domain.agency import Agency, FeePart
from billing.domain.catalogue import Catalogue, Charge, ServiceArea
from billing.domain.tariff import PriceList
from billing.domain.volume import VolumeRecord
from billing.period import Month
from billing.planning.cohorts import ProjectedAgency
from billing.planning.inputs import VolumeRate
from billing.rating.rater import RatingContext, rate_agency_month

HOURS = Decimal("0.01")

PriceListsOfYear = Callable[[int], tuple[PriceList, ...]]


@dataclass(frozen=True, slots=True)
class MonthGroup:
    """Months of one agency and year that rate alike: ``month`` stands for ``count``."""

    agency: Agency
    month: Month
    count: int
    volumes: tuple[VolumeRecord, ...]

    @property
    def areas(self) -> frozenset[ServiceArea]:
        return frozenset(a.area for a in self.agency.agreements if a.in_force(self.month))


def monthly_volumes(agency: Agency, month: Month, catalogue: Catalogue,
                    rates: Mapping[str, VolumeRate]) -> tuple[VolumeRecord, ...]:
    """The month's volume of every service with a rate, for the agency's size and
    areas in force: per-unit services in whole units, hours to the hundredth,
    half up."""
    size = agency.size_for(month)
    if not size:
        return ()
    records = []
    for code in sorted(rates):
        service = catalogue[code]
        if agency.agreement_for(service.area, month) is None:
            continue
        places = HOURS if service.charge is Charge.HOURLY else Decimal(1)
        quantity = (rates[code].per_employee * size).quantize(places, rounding=ROUND_HALF_UP)
        if quantity > 0:
            records.append(VolumeRecord(None, month, agency.organisation_number, code, quantity))
    return tuple(records)


def every_agency_month(agencies: Sequence[ProjectedAgency], years: Sequence[int],
                       catalogue: Catalogue, rates: Mapping[str, VolumeRate]
                       ) -> Iterator[tuple[Agency, Month, tuple[VolumeRecord, ...]]]:
    """Each projected agency-month of the years with an agreement in force, and its volumes."""
    for projected in agencies:
        agency = projected.agency
        for year in years:
            for number in range(1, 13):
                month = Month(year, number)
                if agency.has_agreement_in(month):
                    yield agency, month, monthly_volumes(agency, month, catalogue, rates)


def month_groups(agencies: Sequence[ProjectedAgency], years: Sequence[int], catalogue: Catalogue,
                 rates: Mapping[str, VolumeRate]) -> tuple[MonthGroup, ...]:
    groups: dict[tuple, list] = {}
    for agency, month, volumes in every_agency_month(agencies, years, catalogue, rates):
        key = (agency.organisation_number, month.year, agency.size_for(month),
               tuple((r.service, r.quantity) for r in volumes), _shape(agency, month))
        if key in groups:
            groups[key][1] += 1
        else:
            groups[key] = [(agency, month, volumes), 1]
    return tuple(MonthGroup(agency, month, count, volumes)
                 for (agency, month, volumes), count in groups.values())


def _shape(agency: Agency, month: Month) -> tuple:
    """What makes a month rate differently from the agency's other months of the
    year: an agreement in force only part of it, or one connecting in it."""
    shape = []
    for agreement in agency.agreements:
        days = agreement.active_days(month)
        if days == 0:
            continue
        partial = days != month.days
        shape.append((agreement.area, agreement.connected_on,
                      (days, month.days) if partial else None,
                      month.contains(agreement.connected_on)
                      or any(month.contains(i.on or agreement.connected_on)
                             for i in agreement.connection_items)))
    return tuple(shape)


Revenue = dict[tuple[int, ServiceArea, FeePart], Decimal]


def rate_groups(groups: Sequence[MonthGroup], catalogue: Catalogue, lists_of_year: PriceListsOfYear,
                areas: frozenset[ServiceArea] | None = None) -> Revenue:
    """Revenue by year, area and fee part: every group rated with the lists of
    its year (only the lines of ``areas``, when given)."""
    revenue: Revenue = defaultdict(Decimal)
    for group in groups:
        if areas is not None and not (group.areas & areas):
            continue
        ctx = RatingContext(group.month, catalogue, lists_of_year(group.month.year))
        for line in rate_agency_month(ctx, group.agency, group.volumes):
            if areas is None or line.area in areas:
                revenue[(group.month.year, line.area, line.part)] += line.amount * group.count
    return revenue


def projected_volumes(groups: Sequence[MonthGroup],
                      catalogue: Catalogue) -> dict[tuple[int, ServiceArea], dict[str, Decimal]]:
    """The quantity of every service per year and area."""
    totals: dict[tuple[int, ServiceArea], dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for group in groups:
        for record in group.volumes:
            totals[(group.month.year, catalogue[record.service].area)][record.service] += \
                record.quantity * group.count
    return {key: dict(value) for key, value in totals.items()}
