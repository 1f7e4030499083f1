"""The customer ledger on a day as rows: open items, ageing per agency, and
payments nobody is known for. One set of values for the table, CSV, JSON,
the HTML page and the PDF."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from billing.money import ORE
from billing.payments.ageing import BUCKET_KEYS, BUCKETS, Ageing, ageing, bucket_of
from billing.payments.ledger import ZERO, Remainders
from billing.payments.open_items import OpenItem


@dataclass(frozen=True, slots=True)
class Agency:
    organisation_number: str
    name: str


@dataclass(frozen=True, slots=True)
class ReceivablesReport:
    day: date
    items: tuple[dict[str, object], ...]  # open items and credit balances, by agency
    ageing: tuple[dict[str, object], ...]  # per agency
    total: dict[str, object]  # the ageing of all agencies
    unapplied: tuple[dict[str, object], ...]

    def as_json(self) -> dict[str, object]:
        return {"as_of": self.day.isoformat(), "items": list(self.items), "ageing": list(self.ageing),
                "total": self.total, "unapplied": list(self.unapplied)}


def _ageing_row(org: str, name: str, aged: Ageing) -> dict[str, object]:
    row: dict[str, object] = {"organisation_number": org, "agency": name}
    row.update({key: value.quantize(ORE) for key, value in zip(BUCKET_KEYS, aged.buckets)})
    row.update(credits=aged.credits.quantize(ORE), total=aged.total.quantize(ORE))
    return row


def receivables_report(items: Sequence[OpenItem], remainders: Remainders, agencies: Mapping[int, Agency],
                       day: date) -> ReceivablesReport:
    """``items``: every chain as it stood on ``day``; only those with something
    open are listed, and each agency's credit balance as a row of its own."""
    by_agency: dict[int, list[OpenItem]] = {}
    for item in items:
        if item.open != 0:
            by_agency.setdefault(item.document.agency_id, []).append(item)
    for agency_id in remainders.credit_balances:
        by_agency.setdefault(agency_id, [])
    rows, ageing_rows = [], []
    order = sorted(by_agency, key=lambda a: (agencies[a].name, agencies[a].organisation_number))
    for agency_id in order:
        agency = agencies[agency_id]
        for item in by_agency[agency_id]:
            days = item.days_overdue(day)
            rows.append({"organisation_number": agency.organisation_number, "agency": agency.name,
                         "document": item.document.number, "kind": str(item.document.kind),
                         "issue_date": item.document.issue_date, "due_date": item.document.due_date,
                         "original": item.original.quantize(ORE), "paid": item.paid.quantize(ORE),
                         "open": item.open.quantize(ORE), "days_overdue": days,
                         "ageing": BUCKET_KEYS[bucket_of(days)] if item.open > 0 else "credit"})
        balance = remainders.credit_balances.get(agency_id, ZERO)
        if balance:
            rows.append({"organisation_number": agency.organisation_number, "agency": agency.name,
                         "document": None, "kind": "credit-balance", "issue_date": None, "due_date": None,
                         "original": None, "paid": None, "open": (-balance).quantize(ORE), "days_overdue": 0,
                         "ageing": "credit"})
        ageing_rows.append(_ageing_row(agency.organisation_number, agency.name,
                                       ageing(by_agency[agency_id], day, balance)))
    total = {key: sum((row[key] for row in ageing_rows), ZERO) for key in (*BUCKET_KEYS, "credits", "total")}
    unapplied = tuple({"payment": p.id, "booked_on": p.booked_on, "amount": p.amount.quantize(ORE),
                       "left": left.quantize(ORE), "reference": p.reference,
                       "payer_organisation_number": p.payer_organisation_number}
                      for p, left in remainders.unapplied)
    return ReceivablesReport(day, tuple(rows), tuple(ageing_rows), total, unapplied)


BUCKET_LABELS = tuple(label for label, _, _ in BUCKETS)
