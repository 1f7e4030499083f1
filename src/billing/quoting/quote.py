"""Pricing a prospective agency, month by month, with the invoicing engine."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from billing.domain.agency import Agency, Agreement, SizeChange, Subscription
from billing.domain.catalogue import Catalogue
from billing.domain.tariff import PriceList
from billing.domain.volume import VolumeRecord
from billing.errors import DataError
from billing.invoicing.totals import compute_totals
from billing.money import round_average
from billing.period import Month
from billing.quoting.cost_classes import COST_CLASS, CostClass
from billing.quoting.request import QuoteRequest
from billing.rating.lines import RatedLine
from billing.rating.rater import RatingContext, rate_agency_month

PROSPECT = "000000-0000"  # the prospective agency has no organisation number yet
_NAMED_SERIES = "quoted-price-list"


@dataclass(frozen=True, slots=True)
class QuotedMonth:
    month: Month
    lines: tuple[RatedLine, ...]
    by_class: dict[CostClass, Decimal]
    net: Decimal
    vat: Decimal

    @property
    def price_lists(self) -> tuple[str, ...]:
        return tuple(sorted({l.price_list_id for l in self.lines if l.price_list_id}))


@dataclass(frozen=True, slots=True)
class QuotedYear:
    year: int
    months: int
    by_class: dict[CostClass, Decimal]
    net: Decimal
    vat: Decimal
    price_lists: tuple[str, ...]

    @property
    def recurring_per_month(self) -> Decimal:
        """Annual and extraordinary cost of an average month of the year."""
        recurring = self.by_class[CostClass.ANNUAL] + self.by_class[CostClass.EXTRAORDINARY]
        return round_average(recurring, self.months)


@dataclass(frozen=True, slots=True)
class Quote:
    request: QuoteRequest
    months: tuple[QuotedMonth, ...]
    # The catalogue's names of the services quoted, by code: a quote names them so.
    service_names: Mapping[str, str] = field(default_factory=dict)

    def years(self) -> list[QuotedYear]:
        grouped: dict[int, list[QuotedMonth]] = defaultdict(list)
        for quoted in self.months:
            grouped[quoted.month.year].append(quoted)
        return [QuotedYear(year, len(ms),
                           {c: sum((m.by_class[c] for m in ms), Decimal(0)) for c in CostClass},
                           sum((m.net for m in ms), Decimal(0)), sum((m.vat for m in ms), Decimal(0)),
                           tuple(sorted({p for m in ms for p in m.price_lists})))
                for year, ms in sorted(grouped.items())]


def price_quote(request: QuoteRequest, catalogue: Catalogue,
                price_lists: Sequence[PriceList]) -> Quote:
    """Every month of the span rated as the agency's invoice would be.

    VAT is computed per month as on an invoice; no payable rounding, since a
    quote is not a demand for payment.
    """
    request.check(catalogue)
    lists, series = _price_lists(request, price_lists)
    agency = _prospect(request, catalogue, series)
    months = []
    month = request.start
    for _ in range(request.months):
        ctx = RatingContext(month, catalogue, lists)
        volumes = [VolumeRecord(None, month, PROSPECT, code, basis.quantity)
                   for code, basis in sorted(request.volumes.items()) if basis.quantity > 0]
        lines = rate_agency_month(ctx, agency, volumes)
        by_class = {c: Decimal("0.00") for c in CostClass}
        for line in lines:
            by_class[COST_CLASS[line.part]] += line.amount
        totals = compute_totals((line.amount, line.vat_rate) for line in lines)
        months.append(QuotedMonth(month, lines, by_class, totals.net, totals.vat))
        month = month.next()
    names = {code: catalogue[code].name for code in (*request.volumes, *request.subscriptions)}
    return Quote(request, tuple(months), names)


def _price_lists(request: QuoteRequest, price_lists: Sequence[PriceList]):
    if request.price_list_id is None:
        return tuple(price_lists), None
    named = next((p for p in price_lists if p.id == request.price_list_id), None)
    if named is None:
        raise DataError.single(f"no price list {request.price_list_id!r}", field="price_list_id")
    # The named version prices every month of the span, whatever its valid_from.
    return (replace(named, series=_NAMED_SERIES, valid_from=date(1, 1, 1)),), _NAMED_SERIES


def _prospect(request: QuoteRequest, catalogue: Catalogue, series: str | None) -> Agency:
    """The prospective agency as it would be registered: connected on the first
    day of the span, one agreement per requested area; connection items go on
    the first area's agreement."""
    start = request.start.first_day
    extra = {"price_series": series} if series else {}
    return Agency(
        organisation_number=PROSPECT, name=request.name,
        sizes=(SizeChange(start, request.employees),),
        agreements=tuple(Agreement(
            area=area, connected_on=start, connection_fee=request.connection_fee,
            subscriptions=tuple(Subscription(code, start) for code in request.subscriptions
                                if catalogue[code].area is area),
            connection_items=request.connection_items if index == 0 else (),
            **extra) for index, area in enumerate(request.areas)))
