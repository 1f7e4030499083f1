"""The invoice audit of a month or a range: loads what the checks need, runs
them, and changes nothing."""

from __future__ import annotations

import hashlib
import secrets
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from functools import partial
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from billing.collector import bulk_phase
from billing.audit.arithmetic import check_arithmetic
from billing.audit.chain import checked_seals, seal_findings
from billing.audit.completeness import check_completeness
from billing.audit.findings import CheckResult, Finding
from billing.audit.numbering import check_numbering
from billing.audit.report import AuditReport
from billing.audit.rerating import check_rerating
from billing.audit.revenue import check_revenue
from billing.audit.sampling import draw_sample
from billing.audit.variance import ChargesTally, check_variance
from billing.domain.catalogue import ServiceArea
from billing.errors import DataError
from billing.files.costs_csv import read_costs
from billing.invoicing.credit_balance import nets_to_credit
from billing.invoicing.document import AgencyDocument, Invoice
from billing.invoicing.in_force import DocumentHead, chain_of, credited_alone, documents_in_force
from billing.invoicing.series import SealCheck, SealedDocument, SeriesState
from billing.period import Month
from billing.persistence.documents import (documents_by_number, series_state,
                                           stream_sealed_agency_documents)
from billing.persistence.mapping import (load_agencies, load_pass_through, load_pass_through_charges,
                                         load_price_lists, load_volume_records, load_volumes)
from billing.persistence.models import (InvoiceLineRow, InvoiceLineVolume, InvoiceRow, PassThroughRow,
                                        PriceListRow, VolumeRow)
from billing.progress import Progress, silent, tracked
from billing.services.billing_run import billed_months, draft_month
from billing.services.catalogue import stored_catalogue
from billing.services.receivables import receivables_check
from billing.services.verify import journal_findings


@bulk_phase
def run_audit(session: Session, first: Month, last: Month, threshold: Decimal = Decimal(30),
              sample_size: int = 5, seed: int | None = None, costs_file: Path | None = None,
              costs_sheet: str | None = None, progress: Progress = silent) -> AuditReport:
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
    # The volumes first: reading them needs far more for a moment than it
    # keeps, and that moment then comes before the documents are held.
    volumes = {m: load_volumes(session, m) for m in [first.previous(), *months]}
    # Every document of all time is read once, as a stream, for its seal (the
    # integrity and numbering checks keep only its SealCheck). Whole documents
    # are kept only for the months audited; of the month before, only the
    # headers and what the variance compares (a month at scale is some 250 MB
    # of documents).
    kept = _Kept(first, set(months))
    sealed = list(checked_seals(kept.passing(stream_sealed_agency_documents(session))))
    series = series_state(session)
    heads = kept.heads
    credited_by = chain_of(heads).credited_by
    in_force = {h.number for h in documents_in_force(heads)}
    in_period = kept.documents
    period_documents = [d.document for d in in_period]
    current = [d for d in in_period if d.document.number in in_force]
    # Re-rating looks up what the period's credit notes reverse; a credit note
    # and its invoice bill the same month, so the invoice was read above.
    reversed_here = {d.document.credits for d in in_period}
    known = {d.document.number: d.document for d in in_period}
    credited = {n: known[n] for n in credited_by if n in known}
    credited |= {d.document.number: d.document for d in documents_by_number(
        session, [n for n in credited_by if n not in known and n in reversed_here])}
    # The records and charges the period's lines were billed from, found by a
    # join in the database: a list of their ids would be one parameter each
    # (300,000 in a month of 10,000 agencies), beyond what a statement takes.
    # The records in force are those just read (the same values, not read
    # twice); only the superseded ones a line was billed from are added.
    billed_in_period = InvoiceRow.period.between(first, last)
    volumes_by_id = {r.id: r for m in months for records in volumes[m].values() for r in records}
    volumes_by_id |= {r.id: r for records in load_volume_records(
        session, VolumeRow.superseded_by_id.is_not(None), VolumeRow.id.in_(
            select(InvoiceLineVolume.volume_record_id)
            .join(InvoiceRow, InvoiceRow.number == InvoiceLineVolume.invoice_number)
            .where(billed_in_period))).values() for r in records}
    charges_by_id = {c.id: c for cs in load_pass_through_charges(session, PassThroughRow.id.in_(
        select(InvoiceLineRow.pass_through_id)
        .join(InvoiceRow, InvoiceRow.number == InvoiceLineRow.invoice_number)
        .where(billed_in_period))).values()
        for c in cs}
    pass_through = {m: load_pass_through(session, m) for m in months}

    names = {a: agency.name for a, agency in agencies.items()}
    # Each check a step of its own (told to ``progress``): re-rating takes the longest.
    steps: list[Callable[[], CheckResult]] = [
        # An invoice a credit note reversed is not re-rated: its basis (a size, an
        # agreement, a volume) may since have been corrected; its credit note
        # must mirror it, and the invoice replacing it is re-rated instead.
        lambda: check_rerating([d for d in in_period if d.document.number not in credited_by], credited,
                               agencies, catalogue, load_price_lists(session), volumes_by_id, charges_by_id),
        lambda: check_arithmetic(period_documents),
        lambda: check_completeness(catalogue, months, current, agencies, volumes, pass_through,
                                   _credit_balances_held(session, months, current, agencies),
                                   {(h.period, h.agency_id): (h.number, credited_by[h.number])
                                    for h in credited_alone(heads) if h.period >= first}),
        lambda: check_numbering([s.number for s in sealed], series.next_number,
                                [h for h in heads if h.period >= first],
                                [(s.number, s.issue_date) for s in sealed]),
        lambda: _integrity(session, sealed, series),
        *[partial(check_variance, m, threshold, volumes,
                  {first.previous(): kept.before.charges(), **_by_month(period_documents)}, names)
          for m in months],
        lambda: draw_sample(period_documents, sample_size, seed),
        lambda: check_revenue(period_documents,
                              _costs(costs_file, costs_sheet, months) if costs_file else None),
        lambda: receivables_check(session),
    ]
    return AuditReport(first, last, seed, tuple(step() for step in tracked(steps, "Auditing", progress)))


def _credit_balances_held(session: Session, months: list[Month], current: list[AgencyDocument],
                          agencies: dict) -> dict[tuple[Month, int], Invoice]:
    """For each billed month, the agencies with an agreement in force but no
    document in force whose month, rated now, nets to a credit: the run held
    them back (invoicing/credit_balance.py). An agency that cannot be rated is
    left to the plain "no invoice" finding."""
    billed = billed_months(session)
    documented = {(d.document.period, d.agency_id) for d in current}
    held: dict[tuple[Month, int], Invoice] = {}
    for month in months:
        missing = [a for a, agency in agencies.items()
                   if agency.has_agreement_in(month) and (month, a) not in documented]
        if month not in billed or not missing:
            continue
        for agency_id in missing:
            try:
                drafts = draft_month(session, month, month.next().first_day, agency_id)
            except DataError:
                continue
            held |= {(month, d.agency_id): d.document for d in drafts if nets_to_credit(d.document.totals)}
    return held


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


class _Kept:
    """What the audit keeps of the documents streamed past it: the audited
    months' documents, the headers of those and of the month before, and the
    month before's charges for the variance (ChargesTally), all by number."""

    def __init__(self, first: Month, months: set[Month]) -> None:
        self.previous, self.months = first.previous(), months
        self.documents: list[AgencyDocument] = []
        self.heads: list[DocumentHead] = []
        self.before = ChargesTally()

    def passing(self, stored: Iterable[tuple[int, SealedDocument]]) -> Iterator[SealedDocument]:
        """``stored`` (agency, sealed document) passed on as it comes, kept from on the way."""
        for agency_id, sealed in stored:
            period = sealed.document.period
            if period in self.months or period == self.previous:
                document = AgencyDocument(agency_id, sealed.document)
                self.heads.append(DocumentHead.of(document))
                if period == self.previous:
                    self.before.add(sealed.document)
                else:
                    self.documents.append(document)
            yield sealed


def _integrity(session: Session, sealed: list[SealCheck], series: SeriesState) -> CheckResult:
    """The documents' seals and chain, the journal over documents, runs and
    events, and every stored price list against its own hash. Numbers missing
    or never issued are the numbering check's."""
    changed, _ = seal_findings(sealed, series)
    findings = [Finding(f.message, f.number, code=f.kind) for f in changed]
    findings += [Finding(f.message, f.document, code=f.kind) for f in journal_findings(session, sealed, series)]
    for row in session.scalars(select(PriceListRow).order_by(PriceListRow.id)):
        if hashlib.sha256(row.document.encode()).hexdigest() != row.content_hash:
            findings.append(Finding(f"prislistan {row.id} stämmer inte med kontrollsumman den lästes in "
                                    "med: ändrad i databasen", code="price_list_changed"))
    return CheckResult("integrity", "Integritet: sigill, dokumentkedja och prislistor", tuple(findings))


def _costs(path: Path, sheet: str | None, months: list[Month]) -> dict[ServiceArea, Decimal]:
    costs = read_costs(path, sheet)
    return {area: sum((c for (m, a), c in costs.items() if a is area and m in months), Decimal(0))
            for area in ServiceArea}
