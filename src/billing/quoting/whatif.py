"""What a draft price list does to every agency: re-rating recorded volumes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from billing.domain.agency import Agency
from billing.domain.catalogue import Catalogue, ServiceArea
from billing.domain.tariff import PriceList
from billing.domain.volume import VolumeRecord
from billing.money import round_percent
from billing.period import Month
from billing.progress import Progress, silent
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


STEP = "Re-rating agency months"


def compare_price_lists(catalogue: Catalogue, current: Sequence[PriceList], draft: PriceList,
                        agencies: Mapping[int, Agency],
                        volumes: Mapping[Month, Mapping[int, Sequence[VolumeRecord]]],
                        progress: Progress = silent) -> list[Difference]:
    """Each agency and area over the months: the amount under the price lists
    in force and under the draft, which replaces its series' versions for every
    month compared. Pass-through amounts are not priced by a list and are left out."""
    months = sorted(volumes)
    return compare_months(catalogue, current, draft, agencies,
                          ((month, volumes[month]) for month in months), len(months), progress)


def compare_months(catalogue: Catalogue, current: Sequence[PriceList], draft: PriceList,
                   agencies: Mapping[int, Agency],
                   monthly: Iterable[tuple[Month, Mapping[int, Sequence[VolumeRecord]]]],
                   month_count: int, progress: Progress = silent) -> list[Difference]:
    """As compare_price_lists, with the months' volumes given one month at a
    time (``month_count`` of them, in order), so that only one month is held.

    Each agency-month is rated once under the lists in force; under the draft
    only when one of its agreements in force follows the draft's series: for
    the others the draft changes no price, and the same lines count for both."""
    lists = tuple(current)
    drafted = tuple(p for p in lists if p.series != draft.series) + (
        replace(draft, valid_from=date(1, 1, 1)),)
    # One memo per side: a base fee is the same lines month after month (see RatingContext).
    memos: tuple[dict, dict] = ({}, {})
    sums: dict[tuple[int, ServiceArea], list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    total, done = month_count * len(agencies), 0
    progress(STEP, 0, total)
    for month, by_agency in monthly:
        now = RatingContext(month, catalogue, lists, base_fees=memos[0])
        then = RatingContext(month, catalogue, drafted, base_fees=memos[1])
        for agency_id, agency in agencies.items():
            records = by_agency.get(agency_id, ())
            if records or agency.has_agreement_in(month):
                lines = rate_agency_month(now, agency, records)
                drafted_lines = (rate_agency_month(then, agency, records)
                                 if _follows(agency, month, draft.series) else lines)
                for side, rated in enumerate((lines, drafted_lines)):
                    for line in rated:
                        sums[(agency_id, line.area)][side] += line.amount
            done += 1
            progress(STEP, done, total)
    return sorted((Difference(agencies[a].organisation_number, agencies[a].name, area, c, d)
                   for (a, area), (c, d) in sums.items()),
                  key=lambda x: (x.name, x.area.order))


def _follows(agency: Agency, month: Month, series: str) -> bool:
    """Whether an agreement of the agency in force in the month is priced by ``series``."""
    return any(a.in_force(month) and a.series_for(month) == series for a in agency.agreements)
