"""Completeness: everything billable is on an invoice, and every line has a basis."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from billing.audit.findings import CheckResult, Finding
from billing.domain.agency import Agency, FeePart
from billing.domain.catalogue import Catalogue
from billing.domain.volume import VolumeRecord
from billing.invoicing.document import AgencyDocument
from billing.period import Month

def check_completeness(catalogue: Catalogue, months: Sequence[Month],
                       current: Sequence[AgencyDocument],
                       agencies: Mapping[int, Agency],
                       volumes: Mapping[Month, Mapping[int, Sequence[VolumeRecord]]]) -> CheckResult:
    """``current``: the invoices in force (not credited) of the months, with agency ids;
    ``volumes``: the records in force of each month."""
    findings = []
    billed_records = {i for d in current for line in d.document.lines for i in line.volume_record_ids}
    invoiced = {(d.document.period, d.agency_id) for d in current}
    for month in months:
        for agency_id, records in sorted(volumes.get(month, {}).items()):
            for record in records:
                if record.id not in billed_records:
                    findings.append(Finding(
                        f"volume record {record.id} ({record.organisation_number} {record.service} "
                        f"{record.quantity} in {month}) is on no invoice"))
        for agency_id, agency in sorted(agencies.items()):
            if agency.has_agreement_in(month) and (month, agency_id) not in invoiced:
                findings.append(Finding(f"{agency.organisation_number} {agency.name} has an agreement "
                                        f"in force in {month} but no invoice"))
    for doc in (d.document for d in current):
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
                findings.append(Finding(f"{line.description}: line without a basis "
                                        "(price-list version, volume records or pass-through amount)",
                                        doc.number, line_no))
    return CheckResult("completeness", "Fullständighet: ofakturerade volymer, kunder utan faktura, "
                                       "rader utan underlag", tuple(findings))
