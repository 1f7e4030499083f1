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

_ORE = Decimal("0.01")

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
    if isinstance(value, Decimal) and value.is_finite():
        return _kronor_and_ore(value)
    return _formatted(value, "#,##0.00", quantize=True)


def _kronor_and_ore(value: Decimal) -> str:
    """What Babel writes for "#,##0.00" in sv_SE, step by step as Babel takes
    them (sign first, then the magnitude normalised and quantised in the same
    context), without loading Babel's locale data: a tenth of a second for a
    command that prints a total and nothing else Swedish.
    tests/test_swedish_numbers.py compares the two on any value."""
    with localcontext() as context:
        context.prec = max(context.prec, value.adjusted() + 6)
        value = value if value else abs(value)
        rounded = abs(value).normalize().quantize(_ORE)
    whole, _, ore = f"{rounded:f}".partition(".")
    return ("-" if value.is_signed() else "") + f"{int(whole):,}".replace(",", " ") + "," + ore


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
