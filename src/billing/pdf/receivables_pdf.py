"""The customer ledger on a day as an A4 PDF: the ageing per agency and the
open items, on the centre's letterhead (pdf/layout.py)."""

from __future__ import annotations

from collections.abc import Sequence

from billing.domain.seller import Seller
from billing.payments.ageing import BUCKET_KEYS
from billing.pdf.layout import WIDTH, DocumentPDF, PageHeading
from billing.pdf.text import amount
from billing.reports.receivables import BUCKET_LABELS, ReceivablesReport

_AGEING = (("Kund", WIDTH - 7 * 20, "L"), *((label, 20, "R") for label in BUCKET_LABELS),
           ("Tillgodo", 20, "R"), ("Summa", 20, "R"))
_ITEMS = (("Kund", WIDTH - 126, "L"), ("Dokument", 18, "R"), ("Förfallodag", 24, "L"), ("Belopp", 22, "R"),
          ("Betalt", 22, "R"), ("Kvar", 22, "R"), ("Dagar", 18, "R"))


def _row(pdf: DocumentPDF, columns: Sequence[tuple[str, float, str]], cells: Sequence[str],
         style: str = "") -> None:
    pdf.room_for(5)
    for (_, width, align), text in zip(columns, cells):
        pdf.one_line(width, 5, text, 8, style, align)
    pdf.ln(5)


def _table(pdf: DocumentPDF, title: str, columns, rows: list[list[str]], footer: list[str] | None = None) -> None:
    pdf.text_line(title, size=11, style="B", height=7)
    heading = [c[0] for c in columns]
    _row(pdf, columns, heading, "B")
    pdf.continuation = lambda: _row(pdf, columns, heading, "B")
    for cells in rows:
        _row(pdf, columns, cells)
    if footer:
        pdf.rule(0.5)
        _row(pdf, columns, footer, "B")
    pdf.continuation = None
    pdf.ln(4)


def render_receivables(report: ReceivablesReport, seller: Seller) -> bytes:
    pdf = _build(report, seller, 1)
    if pdf.pages_count != 1:
        pdf = _build(report, seller, pdf.pages_count)
    return bytes(pdf.output())


def _build(report: ReceivablesReport, seller: Seller, pages: int) -> DocumentPDF:
    heading = PageHeading("Kundreskontra", "Per", report.day.isoformat(), report.day, seller.name)
    pdf = DocumentPDF(seller, heading, f"Kundreskontra per {report.day.isoformat()}", pages, asks_payment=False)
    pdf.add_page()
    keys = (*BUCKET_KEYS, "credits", "total")
    _table(pdf, "Åldersanalys", _AGEING,
           [[f"{a['agency']} ({a['organisation_number']})", *(amount(a[k]) for k in keys)] for a in report.ageing],
           ["Summa", *(amount(report.total[k]) for k in keys)])
    _table(pdf, "Öppna poster", _ITEMS, [[
        str(i["agency"]), "tillgodo" if i["document"] is None else str(i["document"]),
        "" if i["due_date"] is None else i["due_date"].isoformat(),
        "" if i["original"] is None else amount(i["original"]), "" if i["paid"] is None else amount(i["paid"]),
        amount(i["open"]), str(i["days_overdue"])] for i in report.items])
    if report.unapplied:
        total = sum(u["left"] for u in report.unapplied)
        pdf.text_line(f"Oidentifierade inbetalningar: {len(report.unapplied)} st, {amount(total)} SEK "
                      "(billing payments list --unapplied).", size=9)
    return pdf
