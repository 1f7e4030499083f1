"""The customer ledger on a day as one HTML page (templates/receivables.html)."""

from __future__ import annotations

from billing.payments.ageing import BUCKET_KEYS
from billing.reports.pages import render
from billing.reports.receivables import BUCKET_LABELS, ReceivablesReport


def receivables_html(report: ReceivablesReport) -> str:
    return render("receivables.html", day=report.day.isoformat(), ageing=report.ageing, total=report.total,
                  items=report.items, unapplied=report.unapplied, buckets=BUCKET_LABELS, keys=BUCKET_KEYS)
