"""Traceability: one document's lines back to their price-list items and their
volume records, with the files and import events they came from."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from billing.domain.agency import Agreement, FeePart
from billing.domain.tariff import PriceList
from billing.errors import DataError
from billing.invoicing.document import Invoice
from billing.persistence.documents import document_by_number
from billing.persistence.mapping import load_agencies, load_price_lists
from billing.persistence.models import (EventRow, ImportBatch, InvoiceLineRow, InvoiceLineVolume, PassThroughRow,
                                        ServiceRow, VolumeRow)
from billing.persistence.price_list_form import variable_form
from billing.rating.lines import PriceSource, RatedLine


@dataclass(frozen=True)
class TracedLine:
    line_no: int
    line: RatedLine
    price_item: str  # where in the price list the unit price stands, and its value there
    basis: tuple[dict, ...]  # volume records or pass-through amounts, with their import


def trace_document(session: Session, number: int) -> tuple[Invoice, list[TracedLine]]:
    found = document_by_number(session, number)
    if found is None:
        raise DataError.single(f"no document number {number}", field="number")
    doc, agency_id = found.document, found.agency_id
    price_lists = {p.id: p for p in load_price_lists(
        session, {l.price_list_id for l in doc.lines if l.price_list_id})}
    rate_classes = dict(session.execute(select(ServiceRow.code, ServiceRow.rate_class)).all())
    agreements = load_agencies(session, [agency_id])[agency_id].agreements
    # The document's basis found by joins on its number, not by lists of ids:
    # one line may rest on any number of volume records.
    records = {r.id: r for r in session.scalars(select(VolumeRow).where(VolumeRow.id.in_(
        select(InvoiceLineVolume.volume_record_id).where(InvoiceLineVolume.invoice_number == number))))}
    charges = {c.id: c for c in session.scalars(select(PassThroughRow).where(PassThroughRow.id.in_(
        select(InvoiceLineRow.pass_through_id).where(InvoiceLineRow.invoice_number == number))))}
    batch_ids = {r.import_id for r in records.values()} | {c.import_id for c in charges.values()}
    # A few imports at most: the batch ids are a short list.
    batches = {b.id: b for b in session.scalars(select(ImportBatch).where(ImportBatch.id.in_(sorted(batch_ids))))}
    events = {e.arguments.get("batch"): e for e in session.scalars(select(EventRow))
              if e.arguments.get("batch")}
    traced = []
    for line_no, line in enumerate(doc.lines, start=1):
        basis = [_record(records[i], batches, events) for i in line.volume_record_ids if i in records]
        basis += [_charge(charges[i], batches, events) for i in line.pass_through_ids if i in charges]
        traced.append(TracedLine(line_no, line, _price_item(line, price_lists, rate_classes, agreements),
                                 tuple(basis)))
    return doc, traced


def _price_item(line: RatedLine, price_lists: dict[str, PriceList], rate_classes: dict,
                agreements: Sequence[Agreement]) -> str:
    """Where the line's unit price stands, by the source the rater recorded.
    A line issued before sources were recorded (None) is compared with the
    price list and the agreement instead."""
    if line.part is FeePart.DISCOUNT:
        return f"agency discount ({line.detail or 'see the agreement'}) on lines priced by " \
               f"{line.price_list_id or 'several price lists'}"
    if line.part is FeePart.PASS_THROUGH:
        return "-"  # a sub-supplier's amount, re-invoiced as it stands: its basis is below
    source = line.price_source
    if source is PriceSource.CONNECTION_ITEM or (
            source is None and line.part is FeePart.CONNECTION and any(
                (item.description, item.amount) == (line.description, line.unit_price)
                for a in agreements if a.area == line.area for item in a.connection_items)):
        return f"agreement: connection item {line.description!r} = {line.unit_price}"
    price_list = price_lists.get(line.price_list_id or "")
    if price_list is None:
        return "agreement"
    where, value = _list_item(line, price_list, rate_classes)
    if isinstance(value, dict):
        return f"{line.price_list_id}: {where} = {json.dumps(value)}"
    if source is PriceSource.AGREED_PRICE or (source is None and any(
            (code, price) == (line.service_code, line.unit_price)
            for a in agreements if a.area == line.area for code, price in a.agreed_prices)):
        return f"agreement: agreed price {line.unit_price} (in place of {line.price_list_id}: {where})"
    if line.part is not FeePart.BASE_VARIABLE and value != line.unit_price:
        # The list no longer gives the billed price (or, for an old line, neither
        # the list nor the agreement does): say so, loudly.
        if source is None:
            return (f"MISMATCH: billed at {line.unit_price}, but {line.price_list_id}: {where} = "
                    f"{value} and the agreement has no such price")
        return (f"MISMATCH: billed at {line.unit_price} from the price list, but "
                f"{line.price_list_id}: {where} = {value}")
    return f"{line.price_list_id}: {where} = {value}"


def _list_item(line: RatedLine, price_list: PriceList, rate_classes: dict) -> tuple[str, object]:
    """The item of the price list that prices the line: its place, and its value there
    (a variable base fee as its stored form; None where the list has no such item)."""
    area, code = line.area, line.service_code or ""
    fee = price_list.base_fees.get(area)
    if line.part is FeePart.BASE_FIXED:
        return f"base_fees.{area}.fixed", fee.fixed if fee else None
    if line.part is FeePart.BASE_VARIABLE:
        return f"base_fees.{area}.variable", variable_form(fee.variable) if fee else None
    if line.part is FeePart.CONNECTION:
        return f"connection_fees.{area}", price_list.connection_fees.get(area)
    if line.part is FeePart.SPECIAL:
        rate_class = rate_classes.get(code) or ""
        return f"hourly_rates.{rate_class}", price_list.hourly_rates.get(rate_class)
    return f"prices.{code}", price_list.prices.get(code)


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
