"""The totals of an invoice from its lines, with the document's rounding points."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from billing.money import HUNDRED, ORE, round_payable, round_vat


@dataclass(frozen=True, slots=True)
class VatSubtotal:
    rate: Decimal  # percent
    taxable: Decimal
    vat: Decimal


@dataclass(frozen=True, slots=True)
class InvoiceTotals:
    net: Decimal  # sum of line amounts, excluding VAT
    vat_subtotals: tuple[VatSubtotal, ...]
    vat: Decimal
    gross: Decimal  # net + VAT, in öre
    rounding: Decimal  # the öresavrundning line: payable - gross
    payable: Decimal  # whole kronor


def compute_totals(amounts: Iterable[tuple[Decimal, Decimal]]) -> InvoiceTotals:
    """Totals from (line amount, VAT rate) pairs.

    VAT is computed per rate on the sum of that rate's lines, then rounded to
    öre; never per line, so the VAT breakdown agrees with what an e-invoice
    validator recomputes. Only the payable amount is rounded to whole kronor,
    and the difference is shown as its own rounding line.
    """
    taxable: dict[Decimal, Decimal] = defaultdict(Decimal)
    for amount, rate in amounts:
        # One key per rate however it was written: 25, 25.0 and 25.00 are one rate.
        # Rates have at most two decimals (checked where they are read), so this
        # changes the rate's notation, never its value.
        key = rate.quantize(ORE)
        assert key == rate, f"VAT rate with more than two decimals: {rate}"
        taxable[key] += amount
    subtotals = tuple(
        VatSubtotal(rate, base, round_vat(base * rate / HUNDRED))
        for rate, base in sorted(taxable.items(), reverse=True))
    net = sum((s.taxable for s in subtotals), Decimal("0.00"))
    vat = sum((s.vat for s in subtotals), Decimal("0.00"))
    gross = net + vat
    payable = round_payable(gross)
    return InvoiceTotals(net, subtotals, vat, gross, payable - gross, payable)
