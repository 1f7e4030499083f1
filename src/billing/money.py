"""Decimal money and the named rounding points.

Every amount is a ``Decimal`` built from ``str`` or ``int``. Rounding happens
only in the functions below, each named for the rule it implements:

- ``round_line``: a line amount, to öre, half up;
- ``round_vat``: the VAT of one rate, on the sum of that rate's lines, to öre, half up;
- ``round_payable``: the payable amount, to whole kronor, half up;
- ``round_to_step``: a planned unit price, to the price plan's step, half up;
- ``round_forecast``: a forecast cost extrapolated by the price plan, to öre, half up.

``ROUND_HALF_UP`` in ``decimal`` rounds halves away from zero, so a credit
(negative) amount rounds to the same magnitude as the matching debit; that
symmetry is what lets a credit note mirror an invoice exactly.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from billing import swedish

ORE = Decimal("0.01")
KRONA = Decimal("1")
HUNDRED = Decimal("100")


def round_line(amount: Decimal) -> Decimal:
    """Line amounts: to öre, half up (away from zero)."""
    return amount.quantize(ORE, rounding=ROUND_HALF_UP)


def round_vat(amount: Decimal) -> Decimal:
    """VAT per rate, computed on the sum of that rate's lines: to öre, half up."""
    return amount.quantize(ORE, rounding=ROUND_HALF_UP)


def round_payable(amount: Decimal) -> Decimal:
    """The payable amount: to whole kronor, half up (öresavrundning)."""
    return amount.quantize(KRONA, rounding=ROUND_HALF_UP)


def round_to_step(price: Decimal, step: Decimal) -> Decimal:
    """A unit price of a price plan: to a multiple of ``step`` (whole kronor,
    0.50), half up; written with the step's decimals."""
    return ((price / step).quantize(KRONA, rounding=ROUND_HALF_UP) * step).quantize(step)


def round_forecast(amount: Decimal) -> Decimal:
    """A cost the price plan extrapolates from the forecast: to öre, half up."""
    return amount.quantize(ORE, rounding=ROUND_HALF_UP)


def round_percent(part: Decimal, whole: Decimal) -> Decimal | None:
    """A share in per cent, to one decimal, half up; None of a zero whole.
    For reports (changes, cost recovery), never for amounts charged."""
    if whole == 0:
        return None
    return (part * HUNDRED / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def round_average(amount: Decimal, count: int) -> Decimal:
    """An average amount (a month of a quoted year), to öre, half up."""
    return (amount / count).quantize(ORE, rounding=ROUND_HALF_UP)


def parse_decimal(text: object) -> Decimal:
    """A Decimal from a file value; refuses float so no binary fraction sneaks in."""
    if isinstance(text, bool) or isinstance(text, float):
        raise ValueError(f"not an exact number: {text!r}")
    if isinstance(text, Decimal):
        value = text
    elif isinstance(text, int):
        value = Decimal(text)
    elif isinstance(text, str):
        cleaned = text.strip().replace(" ", "").replace("\u00a0", "")
        try:
            value = Decimal(cleaned)
        except InvalidOperation:
            raise ValueError(f"not a number: {text!r}") from None
    else:
        raise ValueError(f"not a number: {text!r}")
    if not value.is_finite():
        raise ValueError(f"not a finite number: {text!r}")
    return value


def format_sek(amount: Decimal) -> str:
    """Swedish display, as Babel's sv_SE writes kronor and öre: a space between
    thousands, a comma before öre ("4 063,00", "-1 234,50")."""
    return swedish.amount(amount)
