"""Numbers as a Swedish reader writes them, by Babel's sv_SE locale.

One place for every number the HTML reports and their charts show: a decimal
comma, a no-break space (U+00A0, what Babel's sv locale gives) between the
thousands, and a no-break space before the per-cent sign: "12 345,50",
"12,5 %". The no-break spaces also keep a number on one line in a table cell
or a chart label. Babel writes a negative number with a hyphen-minus ("-46,20").

Values are Decimals and stay Decimals: Babel formats a Decimal without
passing it through a float. The terminal keeps billing.money.format_sek (plain
spaces), whose output the golden files fix.
"""

from __future__ import annotations

from decimal import Decimal

from babel import Locale
from babel.numbers import format_compact_decimal, format_decimal, format_percent, parse_pattern

LOCALE = Locale.parse("sv_SE")
HUNDRED = Decimal(100)
MILLION = Decimal(1_000_000)

_AMOUNT = "#,##0.00"
# The locale's own percent pattern ("#,##0 %"), with exactly one decimal: the
# reports' percentages are rounded to one decimal (money.round_percent).
_PERCENT = parse_pattern(LOCALE.percent_formats[None].pattern)
_PERCENT.frac_prec = (1, 1)


def amount(value: Decimal) -> str:
    """Kronor and öre: 10352 -> "10 352,00"."""
    return format_decimal(value, format=_AMOUNT, locale=LOCALE)


def kronor(value: Decimal) -> str:
    """An amount with its unit, for a chart label: "10 352,00 kr"."""
    return f"{amount(value)}\u00a0kr"


def kronor_short(value: Decimal) -> str:
    """A chart label that must be short: millions in Babel's short Swedish
    form, 6858016.60 -> "6,9 mn kr" (the table beside it has the exact
    amount); smaller amounts as kronor() writes them."""
    if abs(value) < MILLION:
        return kronor(value)
    return f"{format_compact_decimal(value, format_type='short', locale=LOCALE, fraction_digits=1)}\u00a0kr"


def percent(value: Decimal) -> str:
    """A value already in per cent: 12.5 -> "12,5 %" (one decimal)."""
    return _PERCENT.apply(value / HUNDRED, LOCALE)


def percent_as_given(value: Decimal) -> str:
    """A percentage someone chose (a threshold), with the decimals it has:
    100 -> "100 %", 99.5 -> "99,5 %"."""
    return format_percent(value / HUNDRED, locale=LOCALE, decimal_quantization=False)


def number(value: Decimal | int) -> str:
    """A quantity with the decimals it has, no more: 201 -> "201", 2.5 -> "2,5",
    1234 -> "1 234"."""
    return format_decimal(value, locale=LOCALE, decimal_quantization=False)
