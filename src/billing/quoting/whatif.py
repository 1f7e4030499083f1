"""What a draft price list does to every agency: re-rating recorded volumes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from billing.domain.agency import Agency
from billing.domain.catalogue import Catalogue, ServiceArea
from billing.domain.tariff import PriceList
from billing.domain.volume import VolumeRecord
from billing.money import round_percent
from billing.period import Month
from billing.progress import Progress, silent, tracked
from billing.rating.rater import RatingContext, rate_agency_month


@dataclass(frozen=True, slots=True)
class Difference:
    """Current and draft amounts of an agency in an area; summed over an
    agency's areas, ``area`` is None."""

    organisation_number: str
    name: str
    area: ServiceArea | None
    current: Decimal
    draft: Decimal

    @property
    def change(self) -> Decimal:
        return self.draft - self.current

    @property
    def percent(self) -> Decimal | None:
        """The change in per cent of the current amount, to one decimal; None from zero."""
        return round_percent(self.change, self.current)


def compare_price_lists(catalogue: Catalogue, current: Sequence[PriceList], draft: PriceList,
                        agencies: Mapping[int, Agency],
                        volumes: Mapping[Month, Mapping[int, Sequence[VolumeRecord]]],
                        progress: Progress = silent) -> list[Difference]:
    """Each agency and area over the months: the amount under the price lists
    in force and under the draft, which replaces its series' versions for every
    month compared. Pass-through amounts are not priced by a list and are left out."""
    drafted = tuple(p for p in current if p.series != draft.series) + (
        replace(draft, valid_from=date(1, 1, 1)),)
    sums: dict[tuple[int, ServiceArea], list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    pairs = [(month, agency_id, agency) for month in sorted(volumes)
             for agency_id, agency in agencies.items()]
    for month, agency_id, agency in tracked(pairs, "Re-rating agency months", progress):
        records = volumes[month].get(agency_id, ())
        if not records and not agency.has_agreement_in(month):
            continue
        for side, lists in enumerate((tuple(current), drafted)):
            for line in rate_agency_month(RatingContext(month, catalogue, lists), agency, records):
                sums[(agency_id, line.area)][side] += line.amount
    return sorted((Difference(agencies[a].organisation_number, agencies[a].name, area, c, d)
                   for (a, area), (c, d) in sums.items()),
                  key=lambda x: (x.name, x.area.order))
