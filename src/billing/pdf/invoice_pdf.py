"""An invoice or a credit note as a PDF: the parties and dates, the lines
grouped by service area with a subtotal per area, VAT per rate, the rounding
and the amount to pay, then how to pay it (an invoice) or what is credited
and why (a credit note)."""

from __future__ import annotations

from decimal import Decimal

from fpdf.enums import XPos, YPos

from billing.domain.catalogue import ServiceArea
from billing.domain.seller import Seller
from billing.invoicing.document import DocumentKind, Invoice
from billing.payments.ocr import ocr_reference
from billing.pdf.layout import FONT, GREY, MARGIN, WIDTH, DocumentPDF, PageHeading
from billing.pdf.text import amount, latin1, month_name, number, percent, price
from billing.rating.lines import RatedLine

# The line table: (heading, width in mm, alignment); the widths add up to WIDTH.
COLUMNS = (("Beskrivning", 80.0, "L"), ("Antal", 18.0, "R"), ("  Enhet", 14.0, "L"),
           ("À-pris", 24.0, "R"), ("Belopp", 28.0, "R"), ("Moms", 16.0, "R"))
ROW, NOTE = 4.3, 3.5  # line heights of a description and of its small detail text
LABEL_WIDTH = 38.0


def render_invoice(invoice: Invoice, seller: Seller) -> bytes:
    """The PDF of an issued document; the same document gives the same bytes."""
    if invoice.number is None:
        raise ValueError("only an issued document (with a number) is rendered as a PDF")
    # Page breaks do not depend on the page count printed in the header, so a
    # first rendering counts the pages for 'Sida N av M' of the second.
    pages = _build(invoice, seller, pages=0).pages_count
    pdf = _build(invoice, seller, pages)
    assert pdf.pages_count == pages
    return bytes(pdf.output())


def _build(invoice: Invoice, seller: Seller, pages: int) -> DocumentPDF:
    is_credit = invoice.kind is DocumentKind.CREDIT_NOTE
    title = invoice.kind.label
    heading = PageHeading(title, invoice.kind.number_label,
                          str(invoice.number), invoice.issue_date,
                          f"{invoice.agency_name} ({invoice.organisation_number})")
    pdf = DocumentPDF(seller, heading, f"{title} {invoice.number} till {invoice.agency_name}, "
                                       f"avser {invoice.period}", pages)
    pdf.add_page()
    _parties(pdf, invoice)
    for area, lines in invoice.lines_by_area():
        _area_table(pdf, area, lines)
    pdf.continuation = None
    box = _credit_box(invoice) if is_credit else _payment_box(invoice, seller)
    _totals(pdf, invoice, keep_with=_box_height(pdf, *box[1:]))  # the amount with how to pay it
    _box(pdf, *box)
    return pdf


def _parties(pdf: DocumentPDF, inv: Invoice) -> None:
    """The buyer on the left; the document's numbers and dates on the right."""
    top, half = pdf.get_y(), WIDTH / 2
    pdf.set_xy(MARGIN, top)
    pdf.text_line("Kund", size=8.5, grey=True, width=half, height=4.5)
    pdf.text_line(inv.agency_name, size=11.5, style="B", width=half, height=6)
    for address_line in inv.buyer_address.lines() if inv.buyer_address else ():
        pdf.text_line(address_line, width=half)
    pdf.text_line(f"Org.nr {inv.organisation_number}", width=half)
    pdf.text_line(f"Er referens: {inv.buyer_reference or '-'}", width=half)
    left_bottom = pdf.get_y()

    is_credit = inv.kind is DocumentKind.CREDIT_NOTE
    rows = [("Fakturadatum", inv.issue_date.isoformat())]  # the number is in the page header
    if not is_credit:
        rows.append(("Förfallodatum", inv.due_date.isoformat()))
    rows.append(("Avser period", f"{month_name(inv.period)} ({inv.period})"))
    if not is_credit:
        rows.append(("OCR-nummer", ocr_reference(inv.number)))
    if inv.credits is not None:
        rows.append(("Krediterar faktura", str(inv.credits)))
    if inv.replaces is not None:
        rows.append(("Ersätter faktura", str(inv.replaces)))
    rows.append(("Valuta", inv.currency))
    pdf.set_y(top)
    for label, value in rows:
        pdf.set_x(MARGIN + half + 10)
        pdf.set_font(FONT, "", 9.5)
        pdf.cell(LABEL_WIDTH, 5, latin1(label))
        pdf.set_font(FONT, "B", 9.5)
        pdf.cell(half - 10 - LABEL_WIDTH, 5, latin1(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(max(pdf.get_y(), left_bottom) + 3)
    if inv.reason and inv.replaces is not None:  # a credit note gives its reason below
        _wrapped(pdf, f"Orsak: {inv.reason}", size=9.5)
    pdf.text_line(f"Fakturering i efterskott av faktiska volymer för {month_name(inv.period)}.",
                  size=8.5, grey=True)
    pdf.set_y(pdf.get_y() + 3)


def _wrapped(pdf: DocumentPDF, text: str, size: float, style: str = "") -> None:  # float ok
    pdf.set_font(FONT, style, size)
    pdf.multi_cell(WIDTH, 4.6, latin1(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _area_table(pdf: DocumentPDF, area: ServiceArea, lines: list[RatedLine]) -> None:
    def heading(continued: bool = False) -> None:
        pdf.text_line(area.label + (" (forts.)" if continued else ""), size=10.5, style="B",
                      height=6)
        pdf.set_font(FONT, "B", 8.5)
        for name, width, align in COLUMNS:
            pdf.cell(width, 5, latin1(name), align=align)
        pdf.ln(5)
        pdf.rule(0.8)

    pdf.continuation = None
    pdf.room_for(6 + 6 + _row_height(pdf, lines[0]) + 8)  # no heading alone at a page's foot
    heading()
    pdf.continuation = lambda: heading(continued=True)
    for line in lines:
        height = _row_height(pdf, line)
        pdf.room_for(height)
        _row(pdf, line, height)
    pdf.room_for(7)
    pdf.rule(0.8)
    subtotal = sum((line.amount for line in lines), Decimal("0.00"))
    pdf.set_font(FONT, "B", 9)
    before = sum(width for _, width, _ in COLUMNS[:4])
    pdf.cell(before, 5, latin1(f"Summa {area.label.lower()}"))
    pdf.cell(COLUMNS[4][1], 5, amount(subtotal), align="R")
    pdf.ln(5)
    pdf.continuation = None
    pdf.set_y(pdf.get_y() + 4)


def _notes(line: RatedLine) -> str:
    notes = [line.detail] if line.detail else []
    if line.proration and not line.proration.is_whole:
        notes.append(f"{line.proration.days}/{line.proration.of_days} dagar")
    if line.price_list_id:
        notes.append(f"prislista {line.price_list_id}")
    if line.vat_exemption is not None:
        notes.append(f"momsfri: {line.vat_exemption.label}")
    return "; ".join(notes)


def _lines_of(pdf: DocumentPDF, text: str, size: float, style: str = "") -> list[str]:  # float ok
    pdf.set_font(FONT, style, size)
    return pdf.multi_cell(COLUMNS[0][1] - 1, ROW, latin1(text), dry_run=True, output="LINES")


def _row_height(pdf: DocumentPDF, line: RatedLine) -> float:  # float ok
    notes = _notes(line)
    return (len(_lines_of(pdf, line.description, 9)) * ROW
            + (len(_lines_of(pdf, notes, 7.5)) * NOTE if notes else 0) + 1.6)


def _row(pdf: DocumentPDF, line: RatedLine, height: float) -> None:  # float ok
    top = pdf.get_y() + 0.8
    pdf.set_xy(MARGIN, top)
    pdf.set_font(FONT, "", 9)
    pdf.multi_cell(COLUMNS[0][1] - 1, ROW, latin1(line.description),
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    notes = _notes(line)
    if notes:
        pdf.set_font(FONT, "", 7.5)
        pdf.set_text_color(*GREY)
        pdf.multi_cell(COLUMNS[0][1] - 1, NOTE, latin1(notes), align="L",
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(0)
    pdf.set_xy(MARGIN + COLUMNS[0][1], top)
    pdf.set_font(FONT, "", 9)
    values = (number(line.quantity), f"  {line.unit}", price(line.unit_price), amount(line.amount),
              percent(line.vat_rate))
    for (_, width, align), value in zip(COLUMNS[1:], values):
        pdf.cell(width, ROW, latin1(value), align=align)
    pdf.set_xy(MARGIN, top - 0.8 + height)


def _totals(pdf: DocumentPDF, inv: Invoice, keep_with: float) -> None:  # float ok
    t = inv.totals
    rows = [("Summa exkl. moms", amount(t.net))]
    rows += [(f"Moms {percent(s.rate)} på {amount(s.taxable)}", amount(s.vat))
             for s in t.vat_subtotals]
    rows += [("Summa moms", amount(t.vat)), ("Öresavrundning", amount(t.rounding))]
    pdf.room_for(len(rows) * 5 + 13.5 + keep_with)
    left, width = MARGIN + WIDTH - 100, 100.0
    for label, value in rows:
        pdf.set_x(left)
        pdf.set_font(FONT, "", 9.5)
        pdf.cell(width - 35, 5, latin1(label))
        pdf.cell(35, 5, value, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.line(left, pdf.get_y() + 0.5, left + width, pdf.get_y() + 0.5)
    pdf.set_xy(left, pdf.get_y() + 1.5)
    pdf.set_font(FONT, "B", 11.5)
    label = "Kreditbelopp (SEK)" if inv.kind is DocumentKind.CREDIT_NOTE else "Att betala (SEK)"
    pdf.cell(width - 35, 7, label)
    pdf.cell(35, 7, amount(t.payable), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(pdf.get_y() + 5)


Box = tuple[str, list[tuple[str, str]], str]  # title, label/value pairs, closing text


def _box_height(pdf: DocumentPDF, rows: list[tuple[str, str]], note: str) -> float:  # float ok
    pdf.set_font(FONT, "", 9)
    note_lines = len(pdf.multi_cell(WIDTH - 8, 4.6, latin1(note), dry_run=True, output="LINES"))
    return 3 + 6 + (len(rows) + 1) // 2 * 6 + note_lines * 4.6 + 3


def _box(pdf: DocumentPDF, title: str, rows: list[tuple[str, str]], note: str) -> None:
    """A shaded box: a title, label/value pairs two to a row, and a closing text."""
    inner, height = WIDTH - 8, _box_height(pdf, rows, note)
    pdf.room_for(height)
    top = pdf.get_y()
    pdf.set_fill_color(242, 242, 242)
    pdf.rect(MARGIN, top, WIDTH, height, style="DF")
    pdf.set_xy(MARGIN + 4, top + 3)
    pdf.set_font(FONT, "B", 10.5)
    pdf.cell(inner, 6, latin1(title), new_x=XPos.LEFT, new_y=YPos.NEXT)
    for first in range(0, len(rows), 2):
        for label, value in rows[first:first + 2]:
            pdf.set_font(FONT, "", 9.5)
            pdf.cell(LABEL_WIDTH - 6, 6, latin1(label))
            pdf.set_font(FONT, "B", 10.5)
            pdf.cell(inner / 2 - LABEL_WIDTH + 6, 6, latin1(value))
        pdf.set_xy(MARGIN + 4, pdf.get_y() + 6)
    pdf.set_font(FONT, "", 9)
    pdf.multi_cell(inner, 4.6, latin1(note), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(top + height + 4)


def _payment_box(inv: Invoice, seller: Seller) -> Box:
    """An invoice: where to pay, with which reference, how much and by when."""
    assert inv.number is not None
    if inv.totals.payable <= 0:
        return "Betalning", [], "Inget att betala för denna faktura."
    return ("Betalningsinformation",
            [("Bankgiro", seller.bankgiro), ("OCR-nummer", ocr_reference(inv.number)),
             ("Belopp", f"{amount(inv.totals.payable)} SEK"),
             ("Förfallodatum", inv.due_date.isoformat())],
            "Ange OCR-numret som referens när ni betalar till bankgirot, så kopplas "
            f"betalningen till faktura {inv.number}.")


def _credit_box(inv: Invoice) -> Box:
    """A credit note: nothing to pay; which invoice it credits, and why."""
    credited = str(inv.credits) if inv.credits is not None else "-"
    reason = f"Orsak: {inv.reason}\n" if inv.reason else ""
    return ("Kreditering",
            [("Krediterar faktura", credited), ("Kreditbelopp", f"{amount(inv.totals.payable)} SEK")],
            f"{reason}Denna kreditfaktura krediterar faktura {credited} i sin helhet. Den ska inte "
            f"betalas: beloppet avräknas mot faktura {credited}.")
