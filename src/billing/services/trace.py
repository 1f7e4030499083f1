"""Traceability: one document's lines back to their price-list items and their
volume records, with the files and import events they came from."""

from __future__ import annotations

import json
from decimal import Decimal
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from billing.domain.agency import FeePart
from billing.errors import DataError
from billing.invoicing.document import Invoice
from billing.persistence.invoice_store import read_invoices
from billing.persistence.mapping import load_agencies
from billing.persistence.models import (EventRow, ImportBatch, InvoiceRow, PassThroughRow, PriceListRow,
                                        ServiceRow, VolumeRow)
from billing.rating.lines import RatedLine


@dataclass(frozen=True)
class TracedLine:
    line_no: int
    line: RatedLine
    price_item: str  # where in the price list the unit price stands, and its value there
    basis: tuple[dict, ...]  # volume records or pass-through amounts, with their import


def trace_document(session: Session, number: int) -> tuple[Invoice, list[TracedLine]]:
    found = read_invoices(session, InvoiceRow.number == number)
    if not found:
        raise DataError.single(f"no document number {number}", field="number")
    doc = found[0]
    documents = {row.id: json.loads(row.document) for row in session.scalars(
        select(PriceListRow).where(PriceListRow.id.in_({l.price_list_id for l in doc.lines
                                                        if l.price_list_id})))}
    rate_classes = dict(session.execute(select(ServiceRow.code, ServiceRow.rate_class)).all())
    agency_id = session.scalars(select(InvoiceRow.agency_id).where(InvoiceRow.number == number)).one()
    agreed = {(a.area, code): price for a in load_agencies(session, [agency_id])[agency_id].agreements
              for code, price in a.agreed_prices}
    record_ids = sorted({i for line in doc.lines for i in line.volume_record_ids})
    records = {r.id: r for r in session.scalars(select(VolumeRow).where(VolumeRow.id.in_(record_ids)))}
    charge_ids = sorted({i for line in doc.lines for i in line.pass_through_ids})
    charges = {c.id: c for c in session.scalars(select(PassThroughRow).where(PassThroughRow.id.in_(charge_ids)))}
    batch_ids = {r.import_id for r in records.values()} | {c.import_id for c in charges.values()}
    batches = {b.id: b for b in session.scalars(select(ImportBatch).where(ImportBatch.id.in_(sorted(batch_ids))))}
    events = {e.arguments.get("batch"): e for e in session.scalars(select(EventRow))
              if e.arguments.get("batch")}
    traced = []
    for line_no, line in enumerate(doc.lines, start=1):
        basis = [_record(records[i], batches, events) for i in line.volume_record_ids if i in records]
        basis += [_charge(charges[i], batches, events) for i in line.pass_through_ids if i in charges]
        traced.append(TracedLine(line_no, line, _price_item(line, documents, rate_classes, agreed),
                                 tuple(basis)))
    return doc, traced


def _price_item(line: RatedLine, documents: dict, rate_classes: dict, agreed: dict) -> str:
    if line.part is FeePart.DISCOUNT:
        return f"agency discount ({line.detail or 'see the agreement'}) on lines priced by " \
               f"{line.price_list_id or 'several price lists'}"
    if line.part is FeePart.PASS_THROUGH:
        return "-"  # a sub-supplier's amount, re-invoiced as it stands: its basis is below
    if line.part is FeePart.CONNECTION and line.detail == "enligt överenskommelse":
        return f"agreement: connection item {line.description!r} = {line.unit_price}"
    document = documents.get(line.price_list_id or "")
    if document is None:
        return "agreement"
    area, code = str(line.area), line.service_code or ""
    path = {FeePart.BASE_FIXED: ("base_fees", area, "fixed"),
            FeePart.BASE_VARIABLE: ("base_fees", area, "variable"),
            FeePart.CONNECTION: ("connection_fees", area),
            FeePart.SPECIAL: ("hourly_rates", rate_classes.get(code) or "")}.get(
        line.part, ("prices", code))
    value: object = document
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    where = ".".join(path)
    if isinstance(value, dict):
        return f"{line.price_list_id}: {where} = {json.dumps(value)}"
    if agreed.get((line.area, code)) == line.unit_price:
        return f"agreement: agreed price {line.unit_price} (in place of {line.price_list_id}: {where})"
    if line.part is not FeePart.BASE_VARIABLE and (value is None or Decimal(str(value)) != line.unit_price):
        # Neither the list nor the agreement gives the billed price: say so, loudly.
        return (f"MISMATCH: billed at {line.unit_price}, but {line.price_list_id}: {where} = {value} "
                "and the agreement has no such price")
    return f"{line.price_list_id}: {where} = {value}"


def _import(batch: ImportBatch | None, events: dict) -> dict:
    if batch is None:
        return {}
    event = events.get(str(batch.id))
    return {"file": batch.file_name, "file_sha256": batch.file_sha256[:16],
            "imported_at": batch.imported_at.isoformat(sep=" ", timespec="seconds"),
            "imported_by": batch.imported_by, "reason": batch.reason,
            "event": event.id if event else None}


def _record(r: VolumeRow, batches: dict, events: dict) -> dict:
    return {"volume_record": r.id, "period": str(r.period), "service": r.service_code,
            "quantity": r.quantity, "source": r.source, "reference": r.reference,
            "revision": r.revision, "superseded_by": r.superseded_by_id, "line": r.source_line,
            **_import(batches.get(r.import_id), events)}


def _charge(c: PassThroughRow, batches: dict, events: dict) -> dict:
    return {"pass_through": c.id, "period": str(c.period), "supplier": c.supplier,
            "reference": c.reference, "amount": c.amount, "allocation": c.allocation_key or "",
            "line": c.source_line, **_import(batches.get(c.import_id), events)}
