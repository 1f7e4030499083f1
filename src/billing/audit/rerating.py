"""Re-rating: every issued document recomputed from its stored basis."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

from billing.audit.findings import CheckResult, Finding
from billing.domain.agency import Agency
from billing.domain.catalogue import Catalogue
from billing.domain.tariff import PriceList
from billing.domain.vat_exemption import VatExemption
from billing.domain.volume import PassThroughCharge, VolumeRecord
from billing.errors import DataError
from billing.invoicing.document import AgencyDocument, DocumentKind, Invoice, reversal_of
from billing.rating.lines import RatedLine
from billing.rating.rater import RatingContext, rate_agency_month
from billing.swedish import amount, number, percent, price

_COMPARED = ("quantity", "unit_price", "amount", "vat_rate", "price_list_id")


_SOURCES = {"price_list": "prislistan", "agreed_price": "avtalat pris", "connection_item": "anslutningspost",
            "discount": "rabatt", "pass_through": "vidarefakturering"}


def _shown(value: object) -> str:
    if value is None:
        return "saknas"
    if isinstance(value, VatExemption):
        return value.label
    return _SOURCES.get(str(value), str(value))


def _as(form: Callable[[Decimal], str]) -> Callable[[object], str]:
    return lambda value: form(value) if isinstance(value, Decimal) else _shown(value)


# Each compared field as a Swedish reader names it, and how its value is written.
_FIELDS: dict[str, tuple[str, Callable[[object], str]]] = {
    "quantity": ("antal", _as(number)), "unit_price": ("à-pris", _as(price)),
    "amount": ("belopp", _as(amount)), "vat_rate": ("momssats", _as(percent)),
    "price_list_id": ("prislisteversion", _shown), "price_source": ("priskälla", _shown),
    "vat_exemption": ("momsundantag", _shown)}


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
            note = doc.kind is DocumentKind.CREDIT_NOTE
            what = "krediterar faktura" if note else "återför kreditnotan"
            if original is None:
                findings.append(Finding(f"{what} {doc.credits}, som saknas", doc.number,
                                        code="reversed_missing"))
                continue
            if not (original.is_credit_balance if doc.kind is DocumentKind.INVOICE
                    else original.kind is DocumentKind.INVOICE):
                findings.append(Finding(f"{what} {doc.credits}, men {doc.credits} är ingen "
                                        + ("faktura" if note else "kreditnota för ett kreditsaldo"),
                                        doc.number, code="reversed_wrong_kind"))
                continue
            expected = reversal_of(original, doc.issue_date, doc.reason).lines
        else:
            ids = sorted({i for line in doc.lines for i in line.volume_record_ids})
            missing = [i for i in ids if i not in volumes]
            if missing:
                findings.append(Finding(f"volymposter i underlaget saknas: {', '.join(map(str, missing))}",
                                        doc.number, code="basis_missing"))
            records = [volumes[i] for i in ids if i in volumes]
            charges = [pass_through[i] for line in doc.lines for i in line.pass_through_ids
                       if i in pass_through]
            try:
                expected = rate_agency_month(RatingContext(doc.period, catalogue, tuple(price_lists)),
                                             agencies[issued.agency_id], records, charges)
            except DataError as error:
                findings += [Finding(f"kan inte räknas om: {p.message}", doc.number, code="not_rerated")
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
            findings.append(Finding(f"{line.description}: {amount(line.amount)} finns inte i omräkningen",
                                    doc.number, line_no, code="line_not_rerated"))
            continue
        remaining.remove(match)
        # Where the price came from, and why a 0 % line is exempt, are compared
        # only where the document records them: a line issued before they were
        # recorded (None) is not a difference.
        compared = (*_COMPARED, *(name for name in ("price_source", "vat_exemption")
                                  if getattr(line, name) is not None))
        for name in compared:
            if getattr(line, name) != getattr(match, name):
                label, shown = _FIELDS[name]
                findings.append(Finding(f"{line.description}: {label} {shown(getattr(line, name))}, "
                                        f"omräknat {shown(getattr(match, name))}", doc.number, line_no,
                                        code=f"rerated_{name}"))
    findings += [Finding(f"{e.description}: {amount(e.amount)} i omräkningen men inte på dokumentet",
                         doc.number, code="rerated_not_on_document")
                 for e in remaining]
    return findings
