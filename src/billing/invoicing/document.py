"""An invoice as a document: header, rated lines and totals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from billing.domain.agency import Agency
from billing.domain.catalogue import ServiceArea
from billing.invoicing.totals import InvoiceTotals, compute_totals
from billing.period import Month
from billing.rating.lines import RatedLine

PAYMENT_TERMS_DAYS = 30


@dataclass(frozen=True, slots=True)
class Invoice:
    number: int | None  # assigned when issued, never before
    organisation_number: str
    agency_name: str
    buyer_reference: str
    period: Month
    issue_date: date
    due_date: date
    currency: str
    lines: tuple[RatedLine, ...]
    totals: InvoiceTotals

    def lines_by_area(self) -> list[tuple[ServiceArea, list[RatedLine]]]:
        groups: dict[ServiceArea, list[RatedLine]] = {}
        for line in self.lines:
            groups.setdefault(line.area, []).append(line)
        return list(groups.items())


def draft_invoice(agency: Agency, period: Month, issue_date: date,
                  lines: tuple[RatedLine, ...], currency: str = "SEK") -> Invoice:
    """An unnumbered invoice; billed in arrears, due 30 days after the invoice date."""
    references = [a.buyer_reference for a in sorted(agency.agreements, key=lambda a: list(ServiceArea).index(a.area))
                  if a.buyer_reference and a.active_days(period) > 0]
    return Invoice(
        number=None, organisation_number=agency.organisation_number, agency_name=agency.name,
        buyer_reference=references[0] if references else "", period=period,
        issue_date=issue_date, due_date=issue_date + timedelta(days=PAYMENT_TERMS_DAYS),
        currency=currency, lines=lines,
        totals=compute_totals((line.amount, line.vat_rate) for line in lines))
