"""Re-rating: every issued document recomputed from its stored basis."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from billing.audit.findings import CheckResult, Finding
from billing.domain.agency import Agency
from billing.domain.catalogue import Catalogue
from billing.domain.tariff import PriceList
from billing.domain.volume import PassThroughCharge, VolumeRecord
from billing.errors import DataError
from billing.invoicing.document import AgencyDocument, DocumentKind, Invoice, reversal_of
from billing.rating.lines import RatedLine
from billing.rating.rater import RatingContext, rate_agency_month

_COMPARED = ("quantity", "unit_price", "amount", "vat_rate", "price_list_id")


def check_rerating(documents: Sequence[AgencyDocument], credited: Mapping[int, Invoice],
                   agencies: Mapping[int, Agency], catalogue: Catalogue,
                   price_lists: Sequence[PriceList], volumes: Mapping[int, VolumeRecord],
                   pass_through: Mapping[int, PassThroughCharge]) -> CheckResult:
    """An invoice in force, or a credit balance note (a month netting to a
    credit, whose lines are the month's as rated), is re-rated from the volume
    records and pass-through amounts its lines name, with the stored price
    lists and the agency's agreements as they are now (so an agreement changed
    after issue without a correction shows); a credit note must mirror the
    invoice it credits, and an invoice reversing a credit balance note that
    note. ``credited``: the reversed documents, by number. Every difference is
    listed by line."""
    findings: list[Finding] = []
    for issued in documents:
        doc = issued.document
        if doc.is_reversal:
            original = credited.get(doc.credits or 0)
            what = "credits invoice" if doc.kind is DocumentKind.CREDIT_NOTE else "reverses credit note"
            if original is None:
                findings.append(Finding(f"{what} {doc.credits}, which is missing", doc.number))
                continue
            if not (original.is_credit_balance if doc.kind is DocumentKind.INVOICE
                    else original.kind is DocumentKind.INVOICE):
                findings.append(Finding(f"{what} {doc.credits}, which is not one", doc.number))
                continue
            expected = reversal_of(original, doc.issue_date, doc.reason).lines
        else:
            ids = sorted({i for line in doc.lines for i in line.volume_record_ids})
            missing = [i for i in ids if i not in volumes]
            if missing:
                findings.append(Finding(f"basis volume records missing: {missing}", doc.number))
            records = [volumes[i] for i in ids if i in volumes]
            charges = [pass_through[i] for line in doc.lines for i in line.pass_through_ids
                       if i in pass_through]
            try:
                expected = rate_agency_month(RatingContext(doc.period, catalogue, tuple(price_lists)),
                                             agencies[issued.agency_id], records, charges)
            except DataError as error:
                findings += [Finding(f"cannot be re-rated: {p.message}", doc.number)
                             for p in error.problems]
                continue
        findings += _differences(doc, expected)
    return CheckResult("rerating", "Omräkning från underlag (volymposter och prislisteversion)",
                       tuple(findings))


def _key(line: RatedLine) -> tuple:
    return (str(line.area), str(line.part), line.service_code or "", line.description)


def _differences(doc: Invoice, expected: Sequence[RatedLine]) -> list[Finding]:
    findings = []
    remaining = list(expected)
    for line_no, line in enumerate(doc.lines, start=1):
        match = next((e for e in remaining if _key(e) == _key(line)), None)
        if match is None:
            findings.append(Finding(f"{line.description}: {line.amount} is not in the re-rating",
                                    doc.number, line_no))
            continue
        remaining.remove(match)
        # Where the price came from, and why a 0 % line is exempt, are compared
        # only where the document records them: a line issued before they were
        # recorded (None) is not a difference.
        compared = (*_COMPARED, *(name for name in ("price_source", "vat_exemption")
                                  if getattr(line, name) is not None))
        for name in compared:
            if getattr(line, name) != getattr(match, name):
                findings.append(Finding(f"{line.description}: {name} {getattr(line, name)}, "
                                        f"re-rated {getattr(match, name)}", doc.number, line_no))
    findings += [Finding(f"{e.description}: {e.amount} re-rated but not on the document", doc.number)
                 for e in remaining]
    return findings
