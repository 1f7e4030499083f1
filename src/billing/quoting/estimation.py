"""Estimating a prospective agency's volumes from the centre's own history."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from billing.domain.agency import Agency
from billing.domain.catalogue import Catalogue, Charge, ServiceArea, Tier
from billing.domain.volume import VolumeRecord
from billing.period import Month

RATIO_PLACES = Decimal("0.0001")


@dataclass(frozen=True, slots=True)
class Ratio:
    """Monthly quantity of a basic service per employee across current agencies."""

    service: str
    per_employee: Decimal  # pooled: all quantities / all employee-months
    low: Decimal  # the lowest agency's own ratio
    high: Decimal  # the highest agency's own ratio
    agencies: int
    first: Month
    last: Month

    def estimate(self, employees: int) -> Decimal:
        """The monthly volume for an agency of this size, in whole units (half up).

        From the ratio as shown (four decimals), so that a reader of the quote
        can redo the multiplication; a volume is a count, hence whole units."""
        return (self.per_employee * employees).quantize(Decimal(1), rounding=ROUND_HALF_UP)

    def describe(self, employees: int) -> str:
        return (f"uppskattat: {self.per_employee} per anställd och månad x {employees} "
                f"(spridning {self.low}-{self.high} bland {self.agencies} myndigheter, "
                f"{self.first}-{self.last})")


def per_employee_ratios(catalogue: Catalogue, areas: Sequence[ServiceArea],
                        agencies: Mapping[int, Agency],
                        volumes: Mapping[Month, Mapping[int, Sequence[VolumeRecord]]]) -> dict[str, Ratio]:
    """Ratios for every basic per-unit service of ``areas`` seen in the window.

    Every agency with an agreement in the service's area during a month counts
    with its size for that month, also when it used none of the service: a mix
    of alternatives (three payslip variants, say) then adds up to what an
    average agency uses in all.
    """
    months = sorted(volumes)
    if not months:
        return {}
    quantity: dict[str, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    exposure: dict[ServiceArea, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for month in months:
        for agency_id, agency in agencies.items():
            size = agency.size_for(month)
            for area in areas:
                if size and agency.agreement_for(area, month) is not None:
                    exposure[area][agency_id] += size
        for agency_id, records in volumes[month].items():
            for record in records:
                quantity[record.service][agency_id] += record.quantity
    ratios = {}
    for service in catalogue.services:
        if service.area not in areas or service.tier is not Tier.BASIC \
                or service.charge is not Charge.PER_UNIT:
            continue
        used = quantity.get(service.code, {})
        exposed = exposure[service.area]
        if not used or not exposed:
            continue
        with localcontext() as ctx:
            ctx.prec = 40
            own = [used.get(a, Decimal(0)) / e for a, e in exposed.items() if e]
            pooled = sum(used.values(), Decimal(0)) / sum(exposed.values(), Decimal(0))
        ratios[service.code] = Ratio(service.code, _places(pooled), _places(min(own)),
                                     _places(max(own)), len(exposed), months[0], months[-1])
    return ratios


def _places(ratio: Decimal) -> Decimal:
    """Ratios are shown, and used, with four decimals, half up like everything else."""
    return ratio.quantize(RATIO_PLACES, rounding=ROUND_HALF_UP)
