"""Completeness: everything billable is on a document in force, and every line has a basis.

Billable, for each month audited: every volume record in force, every
pass-through amount, every agreed connection item that falls in the month,
and every agency with an agreement in force. A document in force is an
invoice no credit note reverses, or a credit balance note (a month netting to
a credit, invoicing/credit_balance.py) that no invoice reverses. An agency
whose month nets to a credit and has no such note is named with the command
that issues it; an invoice in force with a negative amount, which no run
issues any more, is named the same way.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from billing.audit.findings import CheckResult, Finding
from billing.domain.agency import Agency, FeePart
from billing.domain.catalogue import Catalogue
from billing.domain.volume import PassThroughCharge, VolumeRecord
from billing.invoicing.credit_balance import credit_balance_command, nets_to_credit
from billing.invoicing.document import AgencyDocument, DocumentKind, Invoice
from billing.invoicing.totals import InvoiceTotals
from billing.period import Month
from billing.rating.lines import PriceSource
from billing.swedish import amount, number


def check_completeness(catalogue: Catalogue, months: Sequence[Month],
                       current: Sequence[AgencyDocument],
                       agencies: Mapping[int, Agency],
                       volumes: Mapping[Month, Mapping[int, Sequence[VolumeRecord]]],
                       pass_through: Mapping[Month, Mapping[int, Sequence[PassThroughCharge]]] | None = None,
                       credit_balances: Mapping[tuple[Month, int], Invoice] | None = None,
                       credited_alone: Mapping[tuple[Month, int], tuple[int, int]] | None = None) -> CheckResult:
    """``current``: the documents in force of the months (invoices not credited,
    credit balance notes not reversed), with agency ids; ``volumes``: the
    records in force of each month; ``pass_through``: each month's amounts;
    ``credit_balances``: for an agency and month with no document in force,
    the month's draft when it nets to a credit (held back by the run);
    ``credited_alone``: (invoice, credit note) numbers of an agency's month
    whose invoice was credited on its own, with no invoice replacing it."""
    pass_through = pass_through or {}
    credited_alone = credited_alone or {}
    credit_balances = credit_balances or {}
    findings = []
    billed_records = {i for d in current for line in d.document.lines for i in line.volume_record_ids}
    billed_charges = {i for d in current for line in d.document.lines for i in line.pass_through_ids}
    in_force = {(d.document.period, d.agency_id): d.document for d in current}
    for month in months:
        for agency_id, records in sorted(volumes.get(month, {}).items()):
            for record in records:
                if record.id not in billed_records:
                    findings.append(Finding(
                        f"volymposten {record.id} ({record.organisation_number} {record.service} "
                        f"{number(record.quantity)} i {month}) finns inte på någon faktura",
                        code="volume_not_invoiced"))
        for agency_id, charges in sorted(pass_through.get(month, {}).items()):
            for charge in charges:
                if charge.id not in billed_charges:
                    findings.append(Finding(
                        f"det vidarefakturerade beloppet {charge.id} ({charge.organisation_number} "
                        f"{charge.area.short_label} {charge.description} {amount(charge.amount)} i {month}) "
                        "finns inte på någon faktura", code="pass_through_not_invoiced"))
        for agency_id, agency in sorted(agencies.items()):
            held = credit_balances.get((month, agency_id))
            if held is not None and (month, agency_id) not in in_force:
                findings.append(Finding(
                    f"{agency.organisation_number} {agency.name}: {month} ger ett kreditsaldo "
                    f"({_amounts(held.totals)}) och hölls tillbaka; utfärda det som kreditnota: "
                    f"{credit_balance_command(month, agency.organisation_number)}",
                    code="credit_balance_held"))
            elif (month, agency_id) in credited_alone and (month, agency_id) not in in_force:
                invoice, note = credited_alone[month, agency_id]
                findings.append(Finding(
                    f"{agency.organisation_number} {agency.name} är ofakturerad för {month}: faktura "
                    f"{invoice} krediterades ensam med kreditnota {note}; fakturera på nytt med "
                    f"'billing correct {month} --agency {agency.organisation_number}'", invoice,
                    code="credited_alone"))
            elif agency.has_agreement_in(month) and (month, agency_id) not in in_force:
                findings.append(Finding(f"{agency.organisation_number} {agency.name} har avtal som gäller "
                                        f"{month} men ingen faktura", code="no_invoice"))
            document = in_force.get((month, agency_id))
            if document is not None:
                findings += _connection_items_missing(agency, month, document)
    for doc in (d.document for d in current):
        if doc.kind is DocumentKind.INVOICE and nets_to_credit(doc.totals):
            findings.append(Finding(
                f"faktura med negativt belopp ({_amounts(doc.totals)}): en månad med kreditsaldo ska "
                f"vara en kreditnota: {credit_balance_command(doc.period, doc.organisation_number)}",
                doc.number, code="negative_invoice"))
        for line_no, line in enumerate(doc.lines, start=1):
            if line.part is FeePart.PASS_THROUGH:
                lacking = not line.pass_through_ids
            elif line.part is FeePart.DISCOUNT:
                lacking = False
            else:
                service = catalogue.get(line.service_code or "")
                from_volumes = service is not None and service.takes_volumes
                lacking = line.price_list_id is None or (from_volumes and not line.volume_record_ids)
            if lacking:
                findings.append(Finding(f"{line.description}: rad utan underlag "
                                        "(prislisteversion, volymposter eller vidarefakturerat belopp)",
                                        doc.number, line_no, code="line_without_basis"))
    return CheckResult("completeness", "Fullständighet: ofakturerade volymer, vidarefakturerade belopp "
                                       "och anslutningsposter, kunder utan faktura, rader utan underlag",
                       tuple(findings))


def _connection_items_missing(agency: Agency, month: Month, document: Invoice) -> list[Finding]:
    """The agreed connection items that fall in ``month`` (the rater bills each
    on the invoice of the month of its date, or of the agreement's connection)
    with no line of the same area, description and amount on ``document``."""
    on_document = Counter((line.area, line.description, line.amount) for line in document.lines
                          if line.part is FeePart.CONNECTION
                          and line.price_source in (PriceSource.CONNECTION_ITEM, None))
    findings = []
    for agreement in agency.agreements:
        for item in agreement.connection_items:
            due = item.on or agreement.connected_on
            if not month.contains(due):
                continue
            key = (agreement.area, item.description, item.amount)  # Decimal: 45000 == 45000.00
            if on_document[key] > 0:
                on_document[key] -= 1
                continue
            findings.append(Finding(
                f"anslutningsposten '{item.description}' ({amount(item.amount)}, "
                f"{agreement.area.short_label}, förfaller {due}) för {agency.organisation_number} "
                f"{agency.name} finns inte på dokumentet för {month}", document.number,
                code="connection_item_missing"))
    return findings


def _amounts(totals: InvoiceTotals) -> str:
    return (f"netto {amount(totals.net)}, moms {amount(totals.vat)}, "
            f"att betala {amount(totals.payable)} kr")
