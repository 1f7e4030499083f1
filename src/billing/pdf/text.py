"""Numbers and months as the PDF writes them, the Swedish way."""

from __future__ import annotations

from decimal import Decimal

from billing.money import format_sek
from billing.period import Month

_MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
           "september", "oktober", "november", "december")


def amount(value: Decimal) -> str:
    """An amount in kronor and öre: '12 345,50', '-0,50'."""
    return format_sek(value)


def number(value: Decimal) -> str:
    """A quantity or a rate as written, with a decimal comma: '3', '-2,5', '12,25'."""
    if value == value.to_integral_value():
        text = format(value.quantize(Decimal(1)), "f")
    else:
        text = format(value.normalize(), "f")
    return text.replace(".", ",")


def price(value: Decimal) -> str:
    """A unit price in kronor and öre, or with all its decimals when it has more."""
    return format_sek(value) if value == value.quantize(Decimal("0.01")) else number(value)


def percent(rate: Decimal) -> str:
    return f"{number(rate)} %"


def month_name(period: Month) -> str:
    """'november 2012'."""
    return f"{_MONTHS[period.month - 1]} {period.year}"
