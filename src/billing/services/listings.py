"""What the listings show: documents with their status and export state, one agency with its
agreements and documents, a month's volume records. Reads only.

An agency is asked for as a person knows it: by organisation number, or by a
part of its name (case ignored). A part that fits several agencies is refused
with the agencies it fits, so a listing is never of the wrong agency.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from billing.domain.agency import Agency
from billing.domain.exports import ExportFormat
from billing.domain.organisation import normalise_organisation_number, organisation_number_digits
from billing.errors import DataError
from billing.invoicing.document import DocumentKind, Invoice
from billing.invoicing.in_force import DocumentHead, InvoiceStatus, invoice_statuses
from billing.period import Month
from billing.persistence.documents import agency_documents, heads_of_agency
from billing.persistence.exports import last_exported
from billing.persistence.mapping import load_agencies
from billing.persistence.models import AgencyRow, ImportBatch, VolumeRow

# Agencies named in a refusal: enough to choose from, not a whole register.
_SHOWN_MATCHES = 20


@dataclass(frozen=True, slots=True)
class AgencyRef:
    id: int
    organisation_number: str
    name: str


@dataclass(frozen=True, slots=True)
class ListedDocument:
    document: Invoice
    status: InvoiceStatus | None  # None for a credit note reversing an invoice
    # When it was last exported in each format it was exported in (UTC).
    exported: Mapping[ExportFormat, datetime] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DocumentFilter:
    period: Month | None = None
    agency: str | None = None  # an organisation number or a part of a name
    kind: DocumentKind | None = None
    status: InvoiceStatus | None = None  # a reversing credit note has none


@dataclass(frozen=True, slots=True)
class AgencyOverview:
    agency: Agency
    documents: tuple[tuple[DocumentHead, InvoiceStatus | None], ...]


@dataclass(frozen=True, slots=True)
class ListedVolume:
    id: int
    organisation_number: str
    agency_name: str
    service: str
    quantity: Decimal
    source: str
    reference: str
    revision: int
    file: str


def find_agency(session: Session, text: str) -> AgencyRef:
    """The one agency ``text`` names: its organisation number, or a part of its
    name that fits no other (a name written in full wins over longer names)."""
    if organisation_number_digits(text) is not None:
        number = normalise_organisation_number(text)
        row = session.execute(select(AgencyRow.id, AgencyRow.organisation_number, AgencyRow.name)
                              .where(AgencyRow.organisation_number == number)).first()
        if row is None:
            raise DataError.single(f"no agency with organisation number {number}")
        return AgencyRef(*row)
    wanted = text.strip().casefold()
    if not wanted:
        raise DataError.single("give an organisation number or a part of an agency's name")
    matches = [AgencyRef(*row) for row in session.execute(
        select(AgencyRow.id, AgencyRow.organisation_number, AgencyRow.name)
        .order_by(AgencyRow.name, AgencyRow.organisation_number))
        if wanted in row.name.casefold()]
    exact = [m for m in matches if m.name.casefold() == wanted]
    if len(matches) == 1 or len(exact) == 1:
        return (exact or matches)[0]
    if not matches:
        raise DataError.single(f"no agency's name contains {text!r}")
    shown = "; ".join(f"{m.organisation_number} {m.name}" for m in matches[:_SHOWN_MATCHES])
    more = f"; and {len(matches) - _SHOWN_MATCHES} more" if len(matches) > _SHOWN_MATCHES else ""
    raise DataError.single(f"{text!r} fits {len(matches)} agencies: {shown}{more}; "
                           "give the organisation number or more of the name")


def listed_documents(session: Session, wanted: DocumentFilter) -> list[ListedDocument]:
    """The documents ``wanted`` asks for, by number, each with its status and export state."""
    agency = find_agency(session, wanted.agency) if wanted.agency is not None else None
    found = agency_documents(session, wanted.period, agency.id if agency else None)
    # The documents pointing to an invoice bill its month and agency: all are read here.
    statuses = invoice_statuses(DocumentHead.of(d) for d in found)
    listed = [ListedDocument(d.document, statuses.get(d.document.number or 0)) for d in found]
    listed = [d for d in listed
              if (wanted.kind is None or d.document.kind is wanted.kind)
              and (wanted.status is None or d.status is wanted.status)]
    exported = last_exported(session, (d.document.number for d in listed if d.document.number))
    return [replace(d, exported=exported.get(d.document.number or 0, {})) for d in listed]


def agency_overview(session: Session, text: str) -> AgencyOverview:
    """One agency's sizes, agreements and discounts, and every document issued to it."""
    ref = find_agency(session, text)
    agency = load_agencies(session, [ref.id])[ref.id]
    heads = heads_of_agency(session, ref.id)
    statuses = invoice_statuses(heads)
    return AgencyOverview(agency, tuple((h, statuses.get(h.number)) for h in heads))


def volume_listing(session: Session, period: Month, agency: str | None = None) -> list[ListedVolume]:
    """The month's volume records in force (a superseded revision is not), of
    every agency or one, by organisation number, service and reference."""
    ref = find_agency(session, agency) if agency is not None else None
    query = (select(VolumeRow, AgencyRow.organisation_number, AgencyRow.name, ImportBatch.file_name)
             .join(AgencyRow, VolumeRow.agency_id == AgencyRow.id)
             .join(ImportBatch, VolumeRow.import_id == ImportBatch.id)
             .where(VolumeRow.period == period, VolumeRow.superseded_by_id.is_(None))
             .order_by(AgencyRow.organisation_number, VolumeRow.service_code, VolumeRow.reference,
                       VolumeRow.id))
    if ref is not None:
        query = query.where(VolumeRow.agency_id == ref.id)
    return [ListedVolume(row.id, org, name, row.service_code, row.quantity, row.source, row.reference,
                         row.revision, file)
            for row, org, name, file in session.execute(query)]
