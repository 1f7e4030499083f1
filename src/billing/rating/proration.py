"""Proration by days, and the one formula every line amount follows."""

from __future__ import annotations

from decimal import Decimal, localcontext

from billing.money import round_line
from billing.period import Month
from billing.rating.lines import Proration


def line_amount(quantity: Decimal, unit_price: Decimal, proration: Proration | None = None) -> Decimal:
    """quantity x unit price (x days / days in month), rounded once to öre.

    Multiplying before dividing, in a wide context, keeps the value exact until
    the single rounding: a prorated amount is rounded where the line is made,
    never in between.
    """
    with localcontext() as ctx:
        ctx.prec = 60
        exact = quantity * unit_price
        if proration is not None and not proration.is_whole:
            exact = exact * proration.days / proration.of_days
    return round_line(exact)


def proration_for(month: Month, days: int) -> Proration | None:
    """None for a whole month, so whole-month lines show no proration."""
    return None if days == month.days else Proration(days, month.days)
