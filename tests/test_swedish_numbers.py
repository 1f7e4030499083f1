"""Numbers as Swedish readers write them (Babel, sv_SE), and counts in words."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from billing import swedish
from billing.money import format_sek
from billing.plural import counted


def _hand_written_format_sek(amount: Decimal) -> str:
    """format_sek as it was before Babel, kept to show that nothing changed."""
    sign = "-" if amount < 0 else ""
    whole, _, frac = f"{abs(amount):.2f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{sign}{' '.join(groups)},{frac}"


@pytest.mark.parametrize("amount, expected", [
    ("4063.00", "4 063,00"), ("4063", "4 063,00"), ("0", "0,00"), ("-0.00", "0,00"),
    ("-1234567.5", "-1 234 567,50"), ("999.995", "1 000,00"),  # half even, for display only
    ("0.005", "0,00"), ("0.015", "0,02"), ("-0.004", "-0,00"), ("123456789012.34", "123 456 789 012,34"),
])
def test_format_sek_writes_kronor_and_ore_with_a_space_between_thousands(amount, expected):
    assert format_sek(Decimal(amount)) == expected
    assert format_sek(Decimal(amount)) == _hand_written_format_sek(Decimal(amount))


# Every value Decimal's default context can make (28 significant digits), any
# sign and exponent: the Babel version writes exactly what the old one wrote.
@given(st.decimals(allow_nan=False, allow_infinity=False, places=None,
                   min_value=Decimal("-1e26"), max_value=Decimal("1e26")))
def test_format_sek_by_babel_is_the_hand_written_format(amount):
    if len(amount.as_tuple().digits) <= 28:
        assert format_sek(amount) == _hand_written_format_sek(amount)


@given(st.integers(min_value=-10**26, max_value=10**26), st.integers(min_value=0, max_value=6))
def test_format_sek_matches_for_amounts_in_ore_and_beyond(units, places):
    amount = Decimal(units).scaleb(-places)
    assert format_sek(amount) == _hand_written_format_sek(amount)


@given(st.decimals(allow_nan=False, allow_infinity=False, places=None),
       st.integers(min_value=-40, max_value=40))
def test_amounts_are_written_as_babel_writes_them_without_loading_it(value, shift):
    """swedish.amount formats without Babel (start-up time); it must agree
    with Babel's own "#,##0.00" in sv_SE for any sign, scale and length."""
    value = value.scaleb(shift)
    assert swedish.amount(value) == swedish._formatted(value, "#,##0.00", quantize=True)


@pytest.mark.parametrize("text", ["0", "-0", "-0.00", "0E+5", "-0E-9", "0.005", "0.015", "-0.005", "-0.004",
                                  "999.995", "-999.995", "1E+30", "-123456789012345678901234567890.125",
                                  "1.234567890123456789012345678905"])
def test_amounts_at_the_edges_are_written_as_babel_writes_them(text):
    value = Decimal(text)
    assert swedish.amount(value) == swedish._formatted(value, "#,##0.00", quantize=True)


def test_an_amount_beyond_28_digits_keeps_every_krona():
    # The hand-written version rounded such an amount to 28 significant digits
    # (...567 900,00); Babel, given the precision, keeps it.
    assert format_sek(Decimal("-123456789012345678901234567890.125")) == \
        "-123 456 789 012 345 678 901 234 567 890,12"


def test_quantities_prices_and_percentages():
    assert swedish.number(Decimal("11300")) == "11 300"
    assert swedish.number(Decimal("2.5")) == "2,5"
    assert swedish.number(Decimal("0.125")) == "0,125"
    assert swedish.number(41) == "41"
    assert swedish.unit_price(Decimal("156")) == "à 156,00"
    assert swedish.unit_price(Decimal("3.5")) == "à 3,50"
    assert swedish.unit_price(Decimal("0.125")) == "à 0,125"  # a price with more than öre keeps it
    assert swedish.unit_price(Decimal("1500")) == "à 1 500,00"
    assert swedish.percent(Decimal("12.5")) == "12,5 %"
    assert swedish.percent(Decimal("25")) == "25 %"
    # Plain spaces and an ASCII minus, never Babel's no-break spaces or U+2212.
    for text in (swedish.amount(Decimal("-1234567")), swedish.number(Decimal("-1234567"))):
        assert "\u00a0" not in text and "\u202f" not in text and "\u2212" not in text
        assert text.startswith("-1 234 567")


@pytest.mark.parametrize("count, singular, plural, expected", [
    (0, "invoice", None, "0 invoices"), (1, "invoice", None, "1 invoice"), (2, "invoice", None, "2 invoices"),
    (1, "agency", "agencies", "1 agency"), (3, "agency", "agencies", "3 agencies"),
    (1, "volympost", "volymposter", "1 volympost"), (2, "volympost", "volymposter", "2 volymposter"),
    (1, "faktura", "fakturor", "1 faktura"), (21, "faktura", "fakturor", "21 fakturor"),
])
def test_counted_puts_the_noun_in_the_form_the_count_takes(count, singular, plural, expected):
    assert counted(count, singular, plural) == expected
