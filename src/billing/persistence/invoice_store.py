"""Issued invoices: written once; a stored row mapped back to its document.

The queries that read documents are in persistence/documents.py."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from sys import intern
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from billing.domain.address import PostalAddress
from billing.domain.agency import FeePart
from billing.domain.catalogue import ServiceArea
from billing.domain.vat_exemption import VatExemption
from billing.errors import BillingError
from billing.invoicing.document import AgencyDocument, DocumentKind, Invoice
from billing.invoicing.seal import seal
from billing.invoicing.totals import InvoiceTotals, VatSubtotal
from billing.period import Month
from billing.persistence.bulk import insert_rows
from billing.persistence.journal import append_to_journal, document_records, run_as_record
from billing.persistence.models import (BillingRunRow, InvoiceLineRow, InvoiceLineVolume, InvoiceRow,
                                        InvoiceVatRow)
from billing.persistence.numbering import lock_series
from billing.rating.lines import PriceSource, Proration, RatedLine, TierStep


def issue_documents(session: Session, drafts: Sequence[AgencyDocument],
                    run_id: int | None = None) -> list[Invoice]:
    """Number, seal and write documents (invoices or credit notes), in the given order.

    Numbers and seals come from the locked series row, so they follow the order
    of issue without gaps; the new chain head is stored back on that row. The
    run (when ``run_id`` is given) and each document are linked into the
    journal in the same transaction, the run first.
    """
    series = lock_series(session)
    run = session.get(BillingRunRow, run_id) if run_id is not None else None
    if run is not None:
        _refuse_a_billed_month(session, run.period)
    previous = series.last_seal or ""
    issued: list[tuple[int, Invoice, str, str]] = []
    for offset, draft in enumerate(drafts):
        document = replace(draft.document, number=series.next_number + offset)
        document_seal = seal(previous, document)
        issued.append((draft.agency_id, document, previous, document_seal))
        previous = document_seal
    series.next_number += len(issued)
    series.last_seal = previous or None
    _write(session, run_id, issued)
    append_to_journal(session, ([run_as_record(run)] if run is not None else [])
                      + document_records([(d.number, s, run_id) for _, d, _, s in issued]))
    return [document for _, document, _, _ in issued]


def _refuse_a_billed_month(session: Session, month: Month) -> None:
    """A run issues a month only once. Its billing-run row says so, but a month
    whose row was deleted still has its documents: they decide, under the
    series lock (invoices and credit notes of a month exist only once it was billed)."""
    numbers = list(session.scalars(select(InvoiceRow.number).where(InvoiceRow.period == month)
                                   .order_by(InvoiceRow.number).limit(3)))
    if numbers:
        raise BillingError(f"{month} already has documents ({', '.join(map(str, numbers))}"
                           f"{', ...' if len(numbers) == 3 else ''}) although no billing run of it is "
                           "recorded: its run record was removed, so the month is not billed again; "
                           "nothing was issued ('billing verify' shows what was removed)")


_HEAD_COLUMNS = ("number", "kind", "credits_number", "replaces_number", "reason", "previous_seal", "seal",
                 "run_id", "agency_id", "organisation_number", "agency_name", "buyer_street",
                 "buyer_additional_street", "buyer_postal_code", "buyer_city", "buyer_country",
                 "buyer_reference", "period", "issue_date", "due_date", "currency", "net", "vat", "rounding",
                 "payable")
_LINE_COLUMNS = ("invoice_number", "line_no", "area", "part", "service_code", "description", "detail",
                 "quantity", "unit", "unit_code", "unit_price", "amount", "vat_rate", "price_list_id",
                 "proration_days", "proration_of_days", "tier_steps", "pass_through_id", "price_source",
                 "vat_exemption_code", "vat_exemption_reason")


def _write(session: Session, run_id: int | None, issued: list[tuple[int, Invoice, str, str]]) -> None:
    """Insert documents with their lines, VAT and basis links: each table's
    rows in bulk (persistence/bulk.py), made as they are written, however many
    agencies and lines there are."""
    insert_rows(session, InvoiceRow.__table__, _HEAD_COLUMNS,
                (_head_values(run_id, *document) for document in issued))
    documents = [invoice for _, invoice, _, _ in issued]
    insert_rows(session, InvoiceLineRow.__table__, _LINE_COLUMNS,
                (_line_values(invoice.number, line_no, line)
                 for invoice in documents for line_no, line in enumerate(invoice.lines, start=1)))
    insert_rows(session, InvoiceVatRow.__table__, ("invoice_number", "rate", "taxable", "vat"),
                ((invoice.number, s.rate, s.taxable, s.vat)
                 for invoice in documents for s in invoice.totals.vat_subtotals))
    insert_rows(session, InvoiceLineVolume.__table__, ("invoice_number", "line_no", "volume_record_id"),
                ((invoice.number, line_no, record_id)
                 for invoice in documents for line_no, line in enumerate(invoice.lines, start=1)
                 for record_id in line.volume_record_ids))


def _head_values(run_id: int | None, agency_id: int, invoice: Invoice, previous_seal: str,
                 document_seal: str) -> tuple:
    assert invoice.number is not None
    t, address = invoice.totals, invoice.buyer_address
    return (invoice.number, str(invoice.kind), invoice.credits, invoice.replaces, invoice.reason,
            previous_seal, document_seal, run_id, agency_id, invoice.organisation_number,
            invoice.agency_name, *_address_values(address).values(), invoice.buyer_reference,
            invoice.period, invoice.issue_date, invoice.due_date, invoice.currency, t.net, t.vat,
            t.rounding, t.payable)


def _line_values(number: int | None, line_no: int, line: RatedLine) -> tuple:
    return (number, line_no, str(line.area), str(line.part), line.service_code, line.description,
            line.detail, line.quantity, line.unit, line.unit_code, line.unit_price, line.amount,
            line.vat_rate, line.price_list_id,
            line.proration.days if line.proration else None,
            line.proration.of_days if line.proration else None,
            [{"first": s.first, "last": s.last, "rate": str(s.rate)} for s in line.tier_steps],
            line.pass_through_ids[0] if line.pass_through_ids else None,
            str(line.price_source) if line.price_source is not None else None,
            line.vat_exemption.code if line.vat_exemption else None,
            line.vat_exemption.reason if line.vat_exemption else None)


def _address_values(address: PostalAddress | None) -> dict:
    if address is None:
        return dict(buyer_street=None, buyer_additional_street=None, buyer_postal_code=None,
                    buyer_city=None, buyer_country=None)
    return dict(buyer_street=address.street, buyer_additional_street=address.additional_street,
                buyer_postal_code=address.postal_code, buyer_city=address.city,
                buyer_country=address.country)


def _address(row: InvoiceRow) -> PostalAddress | None:
    if row.buyer_street is None:
        return None
    return PostalAddress(row.buyer_street, row.buyer_postal_code or "", row.buyer_city or "",
                         row.buyer_country or "", row.buyer_additional_street or "")


def document_from_row(row: InvoiceRow, volumes: dict[tuple[int, int], list[int]]) -> Invoice:
    """The document a stored row (with its lines and VAT loaded) and its basis links make."""
    # Highest rate first, as issued; rates are stored as text, so sort here.
    subtotals = tuple(sorted((VatSubtotal(v.rate, v.taxable, v.vat) for v in row.vat_subtotals),
                             key=lambda s: s.rate, reverse=True))
    return Invoice(
        number=row.number, organisation_number=row.organisation_number,
        agency_name=row.agency_name, buyer_reference=row.buyer_reference, period=row.period,
        issue_date=row.issue_date, due_date=row.due_date, currency=row.currency,
        lines=tuple(_line(line, volumes.get((row.number, line.line_no), []))
                    for line in row.lines),
        totals=InvoiceTotals(net=row.net, vat_subtotals=subtotals, vat=row.vat,
                             gross=row.net + row.vat, rounding=row.rounding, payable=row.payable),
        kind=DocumentKind(row.kind), credits=row.credits_number, replaces=row.replaces_number,
        reason=row.reason, buyer_address=_address(row))


def _line(row: InvoiceLineRow, volume_ids: list[int]) -> RatedLine:
    # The few texts every line repeats are shared (sys.intern), not read anew
    # for each of a month's hundreds of thousands of lines.
    return RatedLine(
        area=ServiceArea(row.area), part=FeePart(row.part), description=intern(row.description),
        quantity=row.quantity, unit=intern(row.unit), unit_code=intern(row.unit_code),
        unit_price=row.unit_price, amount=row.amount, vat_rate=row.vat_rate,
        price_list_id=intern(row.price_list_id) if row.price_list_id is not None else None,
        service_code=intern(row.service_code) if row.service_code is not None else None,
        detail=row.detail,
        proration=(Proration(row.proration_days, row.proration_of_days)
                   if row.proration_days is not None and row.proration_of_days is not None else None),
        tier_steps=tuple(TierStep(s["first"], s["last"], Decimal(s["rate"])) for s in row.tier_steps),
        volume_record_ids=tuple(sorted(volume_ids)),
        pass_through_ids=(row.pass_through_id,) if row.pass_through_id is not None else (),
        price_source=PriceSource(row.price_source) if row.price_source is not None else None,
        vat_exemption=(VatExemption(row.vat_exemption_code, row.vat_exemption_reason or "")
                       if row.vat_exemption_code is not None else None))
