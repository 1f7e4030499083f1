"""Arithmetic: every line amount, the VAT per rate, the rounding line and the totals."""

from __future__ import annotations

from collections.abc import Sequence

from billing.audit.findings import CheckResult, Finding
from billing.invoicing.document import Invoice
from billing.invoicing.totals import compute_totals
from billing.rating.proration import line_amount


def check_arithmetic(documents: Sequence[Invoice]) -> CheckResult:
    findings = []
    for doc in documents:
        for line_no, line in enumerate(doc.lines, start=1):
            expected = line_amount(line.quantity, line.unit_price, line.proration)
            if expected != line.amount:
                findings.append(Finding(f"line amount {line.amount} but {line.quantity} x "
                                        f"{line.unit_price}{_days(line)} = {expected}", doc.number, line_no))
        expected = compute_totals((line.amount, line.vat_rate) for line in doc.lines)
        stored = doc.totals
        for name in ("net", "vat", "rounding", "payable"):
            if getattr(stored, name) != getattr(expected, name):
                findings.append(Finding(f"{name} {getattr(stored, name)} but the lines give "
                                        f"{getattr(expected, name)}", doc.number))
        if stored.vat_subtotals != expected.vat_subtotals:
            findings.append(Finding("VAT per rate does not match the lines: stored "
                                    f"{_vat(stored.vat_subtotals)}, lines give {_vat(expected.vat_subtotals)}",
                                    doc.number))
    return CheckResult("arithmetic", "Aritmetik: radbelopp, moms per sats, öresavrundning, summor",
                       tuple(findings))


def _days(line) -> str:
    return f" x {line.proration.days}/{line.proration.of_days}" if line.proration else ""


def _vat(subtotals) -> str:
    return ", ".join(f"{s.rate} %: {s.vat} on {s.taxable}" for s in subtotals) or "none"
