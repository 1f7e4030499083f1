"""Variance: what moved more than a threshold against the previous month."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from billing.audit.findings import CheckResult, Finding
from billing.domain.agency import FeePart
from billing.domain.volume import VolumeRecord
from billing.invoicing.document import Invoice
from billing.money import round_percent
from billing.period import Month
from billing.swedish import amount, change, number, percent


def check_variance(month: Month, threshold: Decimal,
                   volumes: Mapping[Month, Mapping[int, Sequence[VolumeRecord]]],
                   documents: Mapping[Month, Sequence[Invoice] | MonthCharges],
                   names: Mapping[int, str]) -> CheckResult:
    """Volumes per agency and service, volumes per service in all, and invoiced
    amounts per agency, against the month before. A review list: it never fails.
    A month's documents may come as what this check needs of them
    (MonthCharges), so that the month before need not be held whole.

    Each row also says what the move did to the invoices, for a reader who
    sorts by it: ``impact``, the change in SEK of the lines concerned (the
    lines of that service for a volume, the agency's net for an amount; None
    when no line charged the service in either month), and ``part``, the fee
    part whose amount changed most."""
    previous = month.previous()
    rows: list[dict] = []
    findings: list[Finding] = []
    title = f"Variation mot {previous} över {percent(threshold)}"
    if not volumes.get(previous) and not documents.get(previous):
        return CheckResult("variance", title, (Finding(f"inga volymer eller dokument i {previous} "
                                                       "att jämföra med", code="nothing_to_compare"),),
                           informational=True)

    def compare(kind: str, subject: str, before: Decimal, now: Decimal, **shown: object) -> None:
        if before == now:
            return
        moved_by = round_percent(now - before, before)
        # Compared exactly; the one-decimal figure is only for the reader.
        if before == 0 or abs(now - before) * 100 > threshold * abs(before):
            rows.append({"kind": kind, "subject": subject, "previous": before, "current": now,
                         "change_percent": moved_by, **shown})
            moved = "ny" if moved_by is None else change(moved_by)
            form = number if kind != "amount" else amount
            findings.append(Finding(f"{_KINDS[kind]} {subject}: {form(before)} → {form(now)} ({moved})",
                                    code=kind.replace(", all agencies", "_all_agencies")))

    totals: dict[Month, dict[str, Decimal]] = {}
    for m in (previous, month):
        per_service: dict[str, Decimal] = defaultdict(Decimal)
        for records in volumes.get(m, {}).values():
            for r in records:
                per_service[r.service] += r.quantity
        totals[m] = per_service
    charges = {m: _charges_of(documents.get(m, ())) for m in (previous, month)}
    charged = {m: charges[m].charged for m in (previous, month)}

    def moved(key: tuple[str, str]) -> dict[str, object]:
        return _moved(charged[previous].get(key), charged[month].get(key))

    # A service is named as its lines name it (the catalogue's name), else by its code.
    service_names = charges[previous].service_names | charges[month].service_names
    for service in sorted(totals[previous].keys() | totals[month].keys()):
        compare("volume, all agencies", service, totals[previous].get(service, Decimal(0)),
                totals[month].get(service, Decimal(0)), agency=None, service=service,
                service_name=service_names.get(service, service), **moved(("", service)))
    by_agency = {m: _by_agency_service(volumes.get(m, {})) for m in (previous, month)}
    orgs = {agency_id: r.organisation_number for m in (previous, month)
            for agency_id, records in volumes.get(m, {}).items() for r in records}
    for agency_id, service in sorted(by_agency[previous].keys() | by_agency[month].keys()):
        compare("volume", f"{names.get(agency_id, agency_id)} {service}",
                by_agency[previous].get((agency_id, service), Decimal(0)),
                by_agency[month].get((agency_id, service), Decimal(0)),
                agency=names.get(agency_id, str(agency_id)), service=service,
                service_name=service_names.get(service, service), **moved((orgs.get(agency_id, ""), service)))
    amounts = {m: charges[m].net_by_agency for m in (previous, month)}
    for org in sorted(amounts[previous].keys() | amounts[month].keys()):
        compare("amount", org, amounts[previous].get(org, Decimal(0)), amounts[month].get(org, Decimal(0)),
                agency=org.partition(" ")[2], service=None, service_name=None, **moved((org, "")))
    return CheckResult("variance", title, tuple(findings),
                       informational=True, rows=tuple(rows))


# A row's kind (the rows keep the English one) as the finding names it.
_KINDS = {"volume": "volym", "volume, all agencies": "volym, alla kunder", "amount": "nettobelopp"}


def _by_agency_service(volumes: Mapping[int, Sequence[VolumeRecord]]) -> dict[tuple[int, str], Decimal]:
    result: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    for agency_id, records in volumes.items():
        for r in records:
            result[(agency_id, r.service)] += r.quantity
    return result


Charged = dict[tuple[str, str], dict[FeePart, Decimal]]


@dataclass(frozen=True, slots=True)
class MonthCharges:
    """What the variance check needs of a month's documents, credit notes
    included: line amounts per fee part under three keys (``charged``: an
    agency's lines of a service ``(organisation number, code)``, all agencies'
    lines of a service ``("", code)``, and all of an agency's lines
    ``("organisation number name", "")``, the subject of an amount row), each
    service's name as its lines give it, and each agency's net."""

    charged: Charged = field(default_factory=dict)
    service_names: dict[str, str] = field(default_factory=dict)
    net_by_agency: dict[str, Decimal] = field(default_factory=dict)
    documents: int = 0

    def __bool__(self) -> bool:
        return self.documents > 0


def month_charges(documents: Iterable[Invoice]) -> MonthCharges:
    """``documents`` (one month's, read once) as the variance check needs them."""
    tally = ChargesTally()
    for doc in documents:
        tally.add(doc)
    return tally.charges()


class ChargesTally:
    """MonthCharges added up a document at a time, for a reader that streams them."""

    def __init__(self) -> None:
        self._charged: Charged = defaultdict(lambda: defaultdict(Decimal))
        self._names: dict[str, str] = {}
        self._net: dict[str, Decimal] = defaultdict(Decimal)
        self._documents = 0

    def add(self, doc: Invoice) -> None:
        agency = f"{doc.organisation_number} {doc.agency_name}"
        for line in doc.lines:
            keys = [(agency, "")]
            if line.service_code:
                keys += [(doc.organisation_number, line.service_code), ("", line.service_code)]
                self._names[line.service_code] = line.description
            for key in keys:
                self._charged[key][line.part] += line.amount
        self._net[agency] += doc.totals.net
        self._documents += 1

    def charges(self) -> MonthCharges:
        return MonthCharges(self._charged, self._names, self._net, self._documents)


def _charges_of(documents: Sequence[Invoice] | MonthCharges) -> MonthCharges:
    return documents if isinstance(documents, MonthCharges) else month_charges(documents)


def _moved(before: Mapping[FeePart, Decimal] | None, now: Mapping[FeePart, Decimal] | None) -> dict[str, object]:
    """The change in SEK, and the fee part that moved most (the first in the
    model's order of those that moved as much); None where nothing was charged."""
    if before is None and now is None:
        return {"impact": None, "part": None}
    before, now = before or {}, now or {}
    changes = {part: now.get(part, Decimal(0)) - before.get(part, Decimal(0)) for part in FeePart}
    largest = max(changes.values(), key=abs)
    part = next((p for p, change in changes.items() if change and abs(change) == abs(largest)), None)
    return {"impact": sum(changes.values(), Decimal(0)), "part": None if part is None else str(part)}
