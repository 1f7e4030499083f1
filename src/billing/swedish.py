"""Numbers as a Swedish reader writes them, by Babel's sv_SE locale: "4 063,00",
"12,5 %", "à 156,00".

For what people read (terminal tables, reports); files for programs keep the
exact decimal text. The thousands separator is a plain space, as on every
invoice already issued (Babel's no-break space would not be found by a reader
searching for "4 063,00"), and a negative number has an ASCII minus.
"""

from __future__ import annotations

from decimal import Decimal, localcontext
from functools import cache

# Babel's spaces and minus sign for sv_SE (no-break, narrow no-break, U+2212),
# written plainly.
_PLAIN = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2212": "-"})


@cache
def _babel():
    """Babel's formatter and the sv_SE locale, loaded at the first number
    formatted: a command that shows no amount (help, most errors) does not load Babel."""
    from babel import Locale
    from babel.numbers import format_decimal
    return format_decimal, Locale.parse("sv_SE")


def _formatted(value: Decimal, pattern: str | None, quantize: bool) -> str:
    format_decimal, locale = _babel()
    with localcontext() as context:
        # Room for every digit of any value: rounding to öre never loses kronor.
        context.prec = max(context.prec, value.adjusted() + 6)
        # A negative zero ("-0.00", the negated zero of a credit note) is zero.
        text = format_decimal(value if value else abs(value), format=pattern, locale=locale,
                              decimal_quantization=quantize)
    return text.translate(_PLAIN)


def amount(value: Decimal) -> str:
    """Kronor and öre: "4 063,00", "-0,50"; rounded half even to öre for display
    only (amounts are rounded where billing/money.py says before they get here)."""
    return _formatted(value, "#,##0.00", quantize=True)


def number(value: Decimal | int) -> str:
    """A quantity or rate with the decimals it has: "11 300", "2,5", "0,125"."""
    return _formatted(Decimal(value), None, quantize=False)


def price(value: Decimal) -> str:
    """A unit price: kronor and öre, or every decimal it has beyond öre: "156,00", "0,125"."""
    return _formatted(value, "#,##0.00", quantize=False)


def unit_price(value: Decimal) -> str:
    """A unit price after a quantity: "à 156,00"."""
    return f"à {price(value)}"


def percent(value: Decimal) -> str:
    """A percentage given in per cent: "12,5 %", "25 %"."""
    return f"{number(value)} %"


def change(value: Decimal) -> str:
    """A change in per cent, rounded to one decimal before it gets here, with
    its sign and that decimal: "+33,3 %", "-100,0 %", "+30,0 %"."""
    return ("+" if value > 0 else "") + f"{_formatted(value, '#,##0.0', quantize=True)} %"
