"""A payment match as rows: one per payment (CSV) or per invoice and unmatched payment (JSON)."""

from __future__ import annotations

from billing.payments.matching import MatchReport, Status


def payment_rows(report: MatchReport) -> list[dict[str, object]]:
    """Every payment of the file in file order, with its outcome: the status of
    the invoice it went to (after all of that invoice's payments), or 'unmatched'."""
    invoice_of = {p.line: entry for entry in report.invoices for p in entry.payments}
    reasons = {u.payment.line: u for u in report.unmatched}
    rows = []
    for payment in report.payments:
        entry, miss = invoice_of.get(payment.line), reasons.get(payment.line)
        head = entry.invoice if entry else None
        rows.append({
            "line": payment.line, "reference": payment.reference, "date": payment.date.isoformat(),
            "amount": payment.amount,
            "document": head.number if head else (miss.number if miss else None),
            "organisation_number": head.organisation_number if head else "",
            "agency": head.agency_name if head else "",
            "outcome": str(entry.status) if entry else "unmatched",
            "invoice_payable": head.payable if head else None,
            "invoice_paid": entry.paid if entry else None,
            "reason": miss.reason if miss else ""})
    return rows


def as_json(report: MatchReport) -> dict[str, object]:
    return {
        "summary": {"payments": len(report.payments), "amount": report.total,
                    "invoices": len(report.invoices),
                    **{str(status): report.count(status) for status in Status},
                    "unmatched": len(report.unmatched), "unmatched_amount": report.unmatched_total},
        "invoices": [{
            "number": e.invoice.number, "organisation_number": e.invoice.organisation_number,
            "agency": e.invoice.agency_name, "period": str(e.invoice.period),
            "due_date": e.invoice.due_date.isoformat(), "payable": e.invoice.payable,
            "paid": e.paid, "balance": e.balance, "status": str(e.status),
            "payments": [{"line": p.line, "reference": p.reference, "date": p.date.isoformat(),
                          "amount": p.amount} for p in e.payments]} for e in report.invoices],
        "unmatched": [{"line": u.payment.line, "reference": u.payment.reference,
                       "date": u.payment.date.isoformat(), "amount": u.payment.amount,
                       "document": u.number, "reason": u.reason} for u in report.unmatched],
    }
