"""`billing audit trace NUMBER`: one document's lines back to their price-list
items and their basis, as tables to read, or as CSV (a row per line and basis
item) or JSON (the document with its lines and their basis)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from rich.table import Table
from rich.text import Text

from billing import swedish
from billing.cli.tables import exact
from billing.cli.width import OutputConsole, print_fitted
from billing.invoicing.document import Invoice
from billing.money import format_sek
from billing.reports.document_data import KIND_NAMES
from billing.services.trace import TracedLine

TRACE_FIELDS = ("number", "line", "description", "quantity", "unit", "unit_price", "amount", "price_item",
                "basis_kind", "basis")


def print_trace(console: OutputConsole, doc: Invoice, lines: Sequence[TracedLine]) -> None:
    console.print(Text(f"Dokument {doc.number}", style="bold"),
                  f"({doc.kind.label.lower()}), {doc.agency_name} {doc.organisation_number}, {doc.period}, "
                  f"att betala {format_sek(doc.totals.payable)}")
    for traced in lines:
        line = traced.line
        # A line of its own, not a title: a title wraps to the table's width, amounts and all.
        console.print(f"Rad {traced.line_no}: {line.description} — {swedish.number(line.quantity)} "
                      f"{line.unit} {swedish.unit_price(line.unit_price)} = {format_sek(line.amount)}")
        table = Table("Underlag", "Uppgifter")
        table.columns[0].no_wrap = True
        table.columns[1].overflow = "fold"
        table.add_row("Prislista", traced.price_item)
        for basis in traced.basis:
            table.add_row(_basis_kind(basis),
                          ", ".join(f"{k}={v}" for k, v in basis.items() if v not in (None, "")))
        print_fitted(console, table)


def _basis_kind(basis: dict) -> str:
    return "Volympost" if "volume_record" in basis else "Vidarefakturering"


def trace_data(doc: Invoice, lines: Sequence[TracedLine]) -> dict[str, object]:
    return exact({
        "number": doc.number, "kind": KIND_NAMES[doc.kind], "organisation_number": doc.organisation_number,
        "agency": doc.agency_name, "period": doc.period, "payable": doc.totals.payable,
        "lines": [{"line": t.line_no, "description": t.line.description, "quantity": t.line.quantity,
                   "unit": t.line.unit, "unit_price": t.line.unit_price, "amount": t.line.amount,
                   "price_item": t.price_item,
                   "basis": [{"kind": "volume_record" if "volume_record" in b else "pass_through", **b}
                             for b in t.basis]} for t in lines]})  # type: ignore[return-value]


def trace_rows(doc: Invoice, lines: Sequence[TracedLine]) -> list[dict[str, object]]:
    """A row per line and basis item (a line without basis, such as a base
    fee, has one row with the basis empty)."""
    rows = []
    for t in lines:
        line = {"number": doc.number, "line": t.line_no, "description": t.line.description,
                "quantity": t.line.quantity, "unit": t.line.unit, "unit_price": t.line.unit_price,
                "amount": t.line.amount, "price_item": t.price_item}
        for basis in t.basis or ({},):
            kind = "" if not basis else "volume_record" if "volume_record" in basis else "pass_through"
            rows.append({**line, "basis_kind": kind,
                         "basis": json.dumps(exact(basis), ensure_ascii=False, default=str) if basis else ""})
    return rows
