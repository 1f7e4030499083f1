"""Arithmetic: every line amount, the VAT per rate, the rounding line and the totals."""

from __future__ import annotations

from collections.abc import Sequence

from billing.audit.findings import CheckResult, Finding
from billing.invoicing.document import Invoice
from billing.invoicing.totals import compute_totals
from billing.rating.proration import line_amount
from billing.swedish import amount, number, percent, price


# The totals as a Swedish reader names them.
_TOTALS = {"net": "netto", "vat": "moms", "rounding": "öresavrundning", "payable": "att betala"}


def check_arithmetic(documents: Sequence[Invoice]) -> CheckResult:
    findings = []
    for doc in documents:
        for line_no, line in enumerate(doc.lines, start=1):
            expected = line_amount(line.quantity, line.unit_price, line.proration)
            if expected != line.amount:
                findings.append(Finding(f"radbelopp {amount(line.amount)}, men {number(line.quantity)} × "
                                        f"{price(line.unit_price)}{_days(line)} = {amount(expected)}",
                                        doc.number, line_no, code="line_amount"))
        expected = compute_totals((line.amount, line.vat_rate) for line in doc.lines)
        stored = doc.totals
        for name in ("net", "vat", "rounding", "payable"):
            if getattr(stored, name) != getattr(expected, name):
                findings.append(Finding(f"{_TOTALS[name]} {amount(getattr(stored, name))}, men raderna ger "
                                        f"{amount(getattr(expected, name))}", doc.number, code=f"total_{name}"))
        if stored.vat_subtotals != expected.vat_subtotals:
            findings.append(Finding("momsen per sats stämmer inte med raderna: lagrad "
                                    f"{_vat(stored.vat_subtotals)}, raderna ger {_vat(expected.vat_subtotals)}",
                                    doc.number, code="vat_per_rate"))
    return CheckResult("arithmetic", "Aritmetik: radbelopp, moms per sats, öresavrundning, summor",
                       tuple(findings))


def _days(line) -> str:
    return f" × {line.proration.days}/{line.proration.of_days} dagar" if line.proration else ""


def _vat(subtotals) -> str:
    return "; ".join(f"{percent(s.rate)}: {amount(s.vat)} på {amount(s.taxable)}" for s in subtotals) or "ingen"
