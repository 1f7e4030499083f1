"""The invoice audit of a month or a range: loads what the checks need, runs
them, and changes nothing."""

from __future__ import annotations

import hashlib
import secrets
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from billing.audit.arithmetic import check_arithmetic
from billing.audit.completeness import check_completeness
from billing.audit.findings import CheckResult, Finding, Status
from billing.audit.numbering import check_numbering
from billing.audit.rerating import check_rerating
from billing.audit.revenue import check_revenue
from billing.audit.sampling import draw_sample
from billing.audit.variance import check_variance
from billing.domain.catalogue import ServiceArea
from billing.errors import DataError
from billing.files.costs_csv import read_costs
from billing.invoicing.document import DocumentKind, Invoice
from billing.period import Month
from billing.persistence.invoice_store import read_sealed
from billing.persistence.mapping import (load_agencies, load_pass_through_charges, load_price_lists,
                                         load_volume_records, load_volumes)
from billing.persistence.models import InvoiceRow, NumberSeries, PassThroughRow, PriceListRow, VolumeRow
from billing.persistence.numbering import DOCUMENT_SERIES, FIRST_NUMBER
from billing.services.catalogue import stored_catalogue
from billing.services.verify import verify_documents


@dataclass(frozen=True)
class AuditReport:
    first: Month
    last: Month
    seed: int
    checks: tuple[CheckResult, ...]

    @property
    def passed(self) -> bool:
        return all(c.status is not Status.FAILED for c in self.checks)


def run_audit(session: Session, first: Month, last: Month, threshold: Decimal = Decimal(30),
              sample_size: int = 5, seed: int | None = None, costs_file: Path | None = None) -> AuditReport:
    if last < first:
        raise DataError.single(f"{last} is before {first}", field="last_period")
    if threshold < 0:
        raise DataError.single(f"the variance threshold cannot be negative: {threshold}",
                               field="threshold")
    if sample_size < 0:
        raise DataError.single(f"the sample size cannot be negative: {sample_size}", field="sample_size")
    seed = secrets.randbelow(10**9) if seed is None else seed
    months = _months(first, last)
    catalogue = stored_catalogue(session)
    agencies = load_agencies(session)
    sealed = read_sealed(session, InvoiceRow.period.in_([first.previous(), *months]))
    agency_of = {doc.number: row.agency_id for doc, row in sealed}
    in_period = [doc for doc, _ in sealed if doc.period >= first]
    credited_numbers = {doc.credits for doc, _ in sealed if doc.credits is not None}
    current = [(doc, agency_of[doc.number]) for doc in in_period
               if doc.kind is DocumentKind.INVOICE and doc.number not in credited_numbers]
    credited = {doc.number: doc for doc, _ in read_sealed(session, InvoiceRow.number.in_(sorted(credited_numbers)))}
    basis_ids = {i for doc in in_period for line in doc.lines for i in line.volume_record_ids}
    volumes_by_id = {r.id: r for records in load_volume_records(session, VolumeRow.id.in_(sorted(basis_ids))).values()
                     for r in records}
    charge_ids = {i for doc in in_period for line in doc.lines for i in line.pass_through_ids}
    charges_by_id = {c.id: c for cs in load_pass_through_charges(
        session, PassThroughRow.id.in_(sorted(charge_ids))).values() for c in cs}
    volumes = {m: load_volumes(session, m) for m in [first.previous(), *months]}

    checks = [
        # An invoice a credit note reversed is not re-rated: its basis (a size, an
        # agreement, a volume) may since have been corrected; its credit note
        # must mirror it, and the invoice replacing it is re-rated instead.
        check_rerating([(doc, agency_of[doc.number]) for doc in in_period
                        if doc.number not in credited_numbers], credited, agencies,
                       catalogue, load_price_lists(session), volumes_by_id, charges_by_id),
        check_arithmetic(in_period),
        check_completeness(catalogue, months, current, agencies, volumes),
        _numbering(session, current),
        _integrity(session),
        *[check_variance(m, threshold, volumes, _by_month(doc for doc, _ in sealed),
                         {a: agency.name for a, agency in agencies.items()}) for m in months],
        draw_sample(in_period, sample_size, seed),
        check_revenue(in_period, _costs(costs_file, months) if costs_file else None),
    ]
    return AuditReport(first, last, seed, tuple(checks))


def _months(first: Month, last: Month) -> list[Month]:
    months = [first]
    while months[-1] < last:
        months.append(months[-1].next())
    return months


def _by_month(documents) -> dict[Month, list[Invoice]]:
    grouped: dict[Month, list[Invoice]] = defaultdict(list)
    for doc in documents:
        grouped[doc.period].append(doc)
    return grouped


def _numbering(session: Session, current: list[tuple[Invoice, int]]) -> CheckResult:
    numbers = list(session.scalars(select(InvoiceRow.number)))
    series = session.scalars(select(NumberSeries).where(NumberSeries.name == DOCUMENT_SERIES)).first()
    by_agency_month: dict[tuple[str, str], list[int]] = defaultdict(list)
    for doc, _ in current:
        by_agency_month[(doc.organisation_number, str(doc.period))].append(doc.number or 0)
    return check_numbering(numbers, series.next_number if series else FIRST_NUMBER, by_agency_month)


def _integrity(session: Session) -> CheckResult:
    """The documents' seal chain, and every stored price list against its own hash."""
    result = verify_documents(session)
    findings = [Finding(f"{f.kind}: {f.message}", f.number) for f in result.findings]
    for row in session.scalars(select(PriceListRow).order_by(PriceListRow.id)):
        if hashlib.sha256(row.document.encode()).hexdigest() != row.content_hash:
            findings.append(Finding(f"price list {row.id} does not match the hash it was loaded "
                                    "with: changed in the database"))
    return CheckResult("integrity", "Integritet: sigill, dokumentkedja och prislistor", tuple(findings))


def _costs(path: Path, months: list[Month]) -> dict[ServiceArea, Decimal]:
    costs = read_costs(path)
    return {area: sum((c for (m, a), c in costs.items() if a is area and m in months), Decimal(0))
            for area in ServiceArea}
