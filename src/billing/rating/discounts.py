"""Discounts: a percentage off named fee parts, as a line of its own."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from billing.domain.agency import Discount, FeePart
from billing.domain.catalogue import ServiceArea
from billing.domain.vat_exemption import VatExemption
from billing.money import HUNDRED
from billing.period import Month
from billing.rating.lines import PriceSource, RatedLine
from billing.rating.proration import line_amount

PART_LABELS = {
    FeePart.BASE_FIXED: "grundavgift fast del",
    FeePart.BASE_VARIABLE: "grundavgift rörlig del",
    FeePart.TRANSACTION: "transaktionsavgifter",
    FeePart.ADDITIONAL: "tilläggstjänster",
    FeePart.SPECIAL: "specialtjänster",
    FeePart.CONNECTION: "anslutning",
}


def discount_lines(discounts: Sequence[Discount], month: Month,
                   lines: Sequence[RatedLine]) -> list[RatedLine]:
    """One negative line per discount, area, fee part and VAT rate.

    The discount is taken on the sum of the already rounded lines it covers and
    rounded once, so the line shows exactly the base it was computed from.
    Grouping by VAT rate keeps each discount inside the VAT rate of what it
    reduces, and at 0 % inside the exemption of what it reduces.
    """
    result = []
    for discount in discounts:
        groups: dict[tuple[ServiceArea, FeePart, Decimal, VatExemption | None],
                     list[RatedLine]] = defaultdict(list)
        for line in lines:
            if discount.applies(month, line.area, line.part):
                groups[(line.area, line.part, line.vat_rate, line.vat_exemption)].append(line)
        for (area, part, vat_rate, exemption), covered in groups.items():
            base = sum((line.amount for line in covered), Decimal(0))
            if base == 0:
                continue
            # Negative: a discount reduces the invoice. quantity x unit_price = amount
            # holds with quantity = the base and unit price = minus the rate.
            rate = -discount.percent / HUNDRED
            price_lists = sorted({l.price_list_id for l in covered if l.price_list_id})
            result.append(RatedLine(
                area=area, part=FeePart.DISCOUNT,
                description=f"Rabatt {discount.percent} % på {PART_LABELS[part]}",
                quantity=base, unit="kr", unit_code="C62", unit_price=rate,
                amount=line_amount(base, rate), vat_rate=vat_rate,
                price_list_id=price_lists[0] if len(price_lists) == 1 else None,
                detail=discount.reason,
                volume_record_ids=tuple(sorted({i for l in covered for i in l.volume_record_ids})),
                price_source=PriceSource.DISCOUNT, vat_exemption=exemption))
    return result
