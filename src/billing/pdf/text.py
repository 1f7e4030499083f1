"""Text as the PDF shows it: Swedish number formats, and only characters the
PDF core fonts can draw (latin-1, which has åäö and the other Nordic letters)."""

from __future__ import annotations

from decimal import Decimal

from billing.money import format_sek
from billing.period import Month

# Characters outside latin-1 that turn up in names and descriptions, written
# with the nearest latin-1 text; anything else outside latin-1 becomes '?'.
_REPLACEMENTS = {
    "\u2212": "-",   # minus sign
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"',
    "\u2026": "...", "\u2009": " ", "\u202f": " ", "\u2007": " ", "\u20ac": "EUR",
    "\u2264": "<=", "\u2265": ">=", "\u2022": "*",
}

_MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
           "september", "oktober", "november", "december")


def latin1(text: str) -> str:
    """``text`` drawable with a core font: mapped where there is a near
    equivalent, '?' where there is none; never an encoding error."""
    out = []
    for char in text:
        if ord(char) < 256:
            out.append(char)
        else:
            out.append(_REPLACEMENTS.get(char, "?"))
    return "".join(out)


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
