"""Variance: what moved more than a threshold against the previous month."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal

from billing.audit.findings import CheckResult, Finding
from billing.domain.volume import VolumeRecord
from billing.invoicing.document import Invoice
from billing.money import round_percent
from billing.period import Month


def check_variance(month: Month, threshold: Decimal,
                   volumes: Mapping[Month, Mapping[int, Sequence[VolumeRecord]]],
                   documents: Mapping[Month, Sequence[Invoice]], names: Mapping[int, str]) -> CheckResult:
    """Volumes per agency and service, volumes per service in all, and invoiced
    amounts per agency, against the month before. A review list: it never fails."""
    previous = month.previous()
    rows: list[dict] = []
    findings: list[Finding] = []
    title = f"Variation mot {previous} över {threshold} %"
    if not volumes.get(previous) and not documents.get(previous):
        return CheckResult("variance", title, (Finding(f"no volumes or documents in {previous} "
                                                       "to compare with"),), informational=True)

    def compare(kind: str, subject: str, before: Decimal, now: Decimal) -> None:
        if before == now:
            return
        change = round_percent(now - before, before)
        # Compared exactly; the one-decimal figure is only for the reader.
        if before == 0 or abs(now - before) * 100 > threshold * abs(before):
            rows.append({"kind": kind, "subject": subject, "previous": before, "current": now,
                         "change_percent": change})
            moved = "new" if change is None else f"{change:+} %"
            findings.append(Finding(f"{kind} {subject}: {before} -> {now} ({moved})"))

    totals: dict[Month, dict[str, Decimal]] = {}
    for m in (previous, month):
        per_service: dict[str, Decimal] = defaultdict(Decimal)
        for records in volumes.get(m, {}).values():
            for r in records:
                per_service[r.service] += r.quantity
        totals[m] = per_service
    for service in sorted(totals[previous].keys() | totals[month].keys()):
        compare("volume, all agencies", service, totals[previous].get(service, Decimal(0)),
                totals[month].get(service, Decimal(0)))
    by_agency = {m: _by_agency_service(volumes.get(m, {})) for m in (previous, month)}
    for agency_id, service in sorted(by_agency[previous].keys() | by_agency[month].keys()):
        compare("volume", f"{names.get(agency_id, agency_id)} {service}",
                by_agency[previous].get((agency_id, service), Decimal(0)),
                by_agency[month].get((agency_id, service), Decimal(0)))
    amounts = {m: _net_by_agency(documents.get(m, ())) for m in (previous, month)}
    for org in sorted(amounts[previous].keys() | amounts[month].keys()):
        compare("amount", org, amounts[previous].get(org, Decimal(0)), amounts[month].get(org, Decimal(0)))
    return CheckResult("variance", title, tuple(findings),
                       informational=True, rows=tuple(rows))


def _by_agency_service(volumes: Mapping[int, Sequence[VolumeRecord]]) -> dict[tuple[int, str], Decimal]:
    result: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    for agency_id, records in volumes.items():
        for r in records:
            result[(agency_id, r.service)] += r.quantity
    return result


def _net_by_agency(documents: Sequence[Invoice]) -> dict[str, Decimal]:
    """What each agency is charged for the month: all its documents, credits included."""
    result: dict[str, Decimal] = defaultdict(Decimal)
    for doc in documents:
        result[f"{doc.organisation_number} {doc.agency_name}"] += doc.totals.net
    return result
