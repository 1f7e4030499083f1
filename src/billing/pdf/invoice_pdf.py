"""An invoice or a credit note as a PDF: the parties and dates, the lines
grouped by service area with a subtotal per area, VAT per rate, the rounding
and the amount to pay, then how to pay it (an invoice that asks for payment)
or what is credited and why (a credit note). A document that asks for no
payment (a credit note, an invoice of zero or less) shows no due date, OCR
reference or payment terms."""

from __future__ import annotations

from decimal import Decimal

from billing.domain.catalogue import ServiceArea
from billing.domain.seller import Seller
from billing.invoicing.document import DocumentKind, Invoice
from billing.payments.ocr import ocr_reference
from billing.pdf.layout import FONT, GAP, MARGIN, WIDTH, DocumentPDF, PageHeading
from billing.pdf.text import amount, month_name, number, percent, price
from billing.rating.lines import RatedLine

# The line table: (heading, width in mm, alignment); the widths add up to WIDTH.
COLUMNS = (("Beskrivning", 80.0, "L"), ("Antal", 18.0, "R"), ("  Enhet", 14.0, "L"),
           ("À-pris", 24.0, "R"), ("Belopp", 28.0, "R"), ("Moms", 16.0, "R"))
ROW, NOTE = 4.3, 3.5  # line heights of a description and of its small detail text
RIGHT = MARGIN + WIDTH * 0.48  # where the right column of the parties block starts


def render_invoice(invoice: Invoice, seller: Seller) -> bytes:
    """The PDF of an issued document; the same document gives the same bytes."""
    if invoice.number is None:
        raise ValueError("only an issued document (with a number) is rendered as a PDF")
    # Page breaks do not depend on the page count printed in the header
    # ('Sida N av M'): a document is drawn for one page, and drawn again with
    # its count when it took more. Either way it ends drawn with its own count,
    # so the bytes do not depend on the path taken.
    pdf = _build(invoice, seller, pages=1)
    if pdf.pages_count != 1:
        pages = pdf.pages_count
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
                                       f"avser {invoice.period}", pages, invoice.asks_payment)
    pdf.add_page()
    _parties(pdf, invoice)
    for area, lines in invoice.lines_by_area():
        _area_table(pdf, area, lines)
    pdf.continuation = None
    box = (_credit_box(invoice) if is_credit else _reversal_box(invoice) if invoice.is_reversal
           else _payment_box(invoice, seller))
    _totals(pdf, invoice, keep_with=_box_height(pdf, *box[1:]))  # the amount with how to pay it
    _box(pdf, *box)
    return pdf


def _parties(pdf: DocumentPDF, inv: Invoice) -> None:
    """The buyer on the left; the document's numbers and dates on the right,
    each column wrapping its own text."""
    top = pdf.get_y()
    address = tuple((line, "", 9.5, 5) for line in (inv.buyer_address.lines() if inv.buyer_address else ()))
    left = pdf.stack(MARGIN, top, RIGHT - GAP - MARGIN, (
        ("Kund", "", 8.5, 4.5), (inv.agency_name, "B", 11.5, 5.5), *address,
        (f"Org.nr {inv.organisation_number}", "", 9.5, 5),
        (f"Er referens: {inv.buyer_reference or '-'}", "", 9.5, 5)), greys=(True,))
    right = _facts(pdf, top, _header_rows(inv))
    pdf.set_xy(MARGIN, max(left, right) + 3)
    if inv.reason and inv.replaces is not None:  # a credit note gives its reason below
        pdf.text_line(f"Orsak: {inv.reason}", size=9.5, height=4.6)
    pdf.text_line(f"Fakturering i efterskott av faktiska volymer för {month_name(inv.period)}.",
                  size=8.5, grey=True)
    pdf.set_y(pdf.get_y() + 3)


def _header_rows(inv: Invoice) -> list[tuple[str, str]]:
    """The document's dates and references; the number is in the page header."""
    is_credit = inv.kind is DocumentKind.CREDIT_NOTE
    rows = [("Kreditfakturadatum" if is_credit else "Fakturadatum", inv.issue_date.isoformat())]
    if inv.asks_payment:
        rows.append(("Förfallodatum", inv.due_date.isoformat()))
    rows.append(("Avser period", f"{month_name(inv.period)} ({inv.period})"))
    if inv.asks_payment:
        assert inv.number is not None
        rows.append(("OCR-nummer", ocr_reference(inv.number)))
    if inv.credits is not None:
        rows.append(("Krediterar faktura" if inv.kind is DocumentKind.CREDIT_NOTE
                     else "Återför kreditfaktura", str(inv.credits)))
    if inv.replaces is not None:
        rows.append(("Ersätter faktura", str(inv.replaces)))
    rows.append(("Valuta", inv.currency))
    return rows


def _facts(pdf: DocumentPDF, top: float, rows: list[tuple[str, str]]) -> float:  # float ok
    """Label and value pairs from RIGHT to the margin, the labels as wide as
    the widest; the y below the last."""
    label_width = _label_width(pdf, [label for label, _ in rows], 9.5)
    value_width = MARGIN + WIDTH - RIGHT - label_width
    y = top
    for label, value in rows:
        y = max(pdf.paragraph(RIGHT, y, label_width, label, 9.5, height=5),
                pdf.paragraph(RIGHT + label_width, y, value_width, value, 9.5, "B", height=5))
    return y


def _label_width(pdf: DocumentPDF, labels: list[str], size: float) -> float:  # float ok
    pdf.set_font(FONT, "", size)
    return max(pdf.get_string_width(label) for label in labels) + 2 * pdf.c_margin + 2


def _area_table(pdf: DocumentPDF, area: ServiceArea, lines: list[RatedLine]) -> None:
    def heading(continued: bool = False) -> None:
        pdf.text_line(area.label + (" (forts.)" if continued else ""), size=10.5, style="B",
                      height=6)
        for name, width, align in COLUMNS:
            pdf.one_line(width, 5, name, 8.5, "B", align)
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
    before = sum(width for _, width, _ in COLUMNS[:4])
    pdf.one_line(before, 5, f"Summa {area.label.lower()}", 9, "B")
    pdf.one_line(COLUMNS[4][1], 5, amount(subtotal), 9, "B", "R")
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


def _row_height(pdf: DocumentPDF, line: RatedLine) -> float:  # float ok
    notes, width = _notes(line), COLUMNS[0][1] - 1
    return (pdf.wrapped_lines(width, line.description, 9) * ROW
            + (pdf.wrapped_lines(width, notes, 7.5) * NOTE if notes else 0) + 1.6)


def _row(pdf: DocumentPDF, line: RatedLine, height: float) -> None:  # float ok
    top, width = pdf.get_y() + 0.8, COLUMNS[0][1] - 1
    below = pdf.paragraph(MARGIN, top, width, line.description, 9, height=ROW)
    notes = _notes(line)
    if notes:
        pdf.paragraph(MARGIN, below, width, notes, 7.5, height=NOTE, grey=True)
    pdf.set_xy(MARGIN + COLUMNS[0][1], top)
    values = (number(line.quantity), f"  {line.unit}", price(line.unit_price), amount(line.amount),
              percent(line.vat_rate))
    for (_, column_width, align), value in zip(COLUMNS[1:], values):
        pdf.one_line(column_width, ROW, value, 9, align=align)
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
        pdf.one_line(width - 35, 5, label, 9.5)
        pdf.one_line(35, 5, value, 9.5, align="R")
        pdf.ln(5)
    pdf.line(left, pdf.get_y() + 0.5, left + width, pdf.get_y() + 0.5)
    pdf.set_xy(left, pdf.get_y() + 1.5)
    pdf.one_line(width - 35, 7, _payable_label(inv), 11.5, "B")
    pdf.one_line(35, 7, amount(t.payable), 11.5, "B", "R")
    pdf.ln(7)
    pdf.set_y(pdf.get_y() + 5)


def _payable_label(inv: Invoice) -> str:
    if inv.kind is DocumentKind.CREDIT_NOTE:
        return "Kreditbelopp (SEK)"
    if inv.is_reversal:
        return "Återfört belopp (SEK)"
    return "Att betala (SEK)" if inv.asks_payment else "Belopp (SEK)"


Box = tuple[str, list[tuple[str, str]], str]  # title, label/value pairs, closing text
BOX_NOTE = 4.6  # the closing text's line height


def _box_height(pdf: DocumentPDF, rows: list[tuple[str, str]], note: str) -> float:  # float ok
    return 3 + 6 + (len(rows) + 1) // 2 * 6 + pdf.wrapped_lines(WIDTH - 8, note, 9) * BOX_NOTE + 3


def _box(pdf: DocumentPDF, title: str, rows: list[tuple[str, str]], note: str) -> None:
    """A shaded box: a title, label/value pairs two to a row, and a closing text."""
    inner, height = WIDTH - 8, _box_height(pdf, rows, note)
    pdf.room_for(height)
    top = pdf.get_y()
    pdf.set_fill_color(242, 242, 242)
    pdf.rect(MARGIN, top, WIDTH, height, style="DF")
    pdf.set_xy(MARGIN + 4, top + 3)
    pdf.one_line(inner, 6, title, 10.5, "B", new_line=True)
    label_width = _label_width(pdf, [label for label, _ in rows], 9.5) if rows else 0
    for first in range(0, len(rows), 2):
        for label, value in rows[first:first + 2]:
            pdf.one_line(label_width, 6, label, 9.5)
            pdf.one_line(inner / 2 - label_width, 6, value, 10.5, "B")
        pdf.set_xy(MARGIN + 4, pdf.get_y() + 6)
    pdf.paragraph(MARGIN + 4, pdf.get_y(), inner, note, 9, height=BOX_NOTE)
    pdf.set_xy(MARGIN, top + height + 4)


def _payment_box(inv: Invoice, seller: Seller) -> Box:
    """An invoice: where to pay, with which reference, how much and by when;
    nothing of that when there is nothing to pay."""
    assert inv.number is not None
    if not inv.asks_payment:
        favour = (f": beloppet {amount(-inv.totals.payable)} SEK är till er fördel"
                  if inv.totals.payable < 0 else "")
        return "Betalning", [], f"Inget att betala för denna faktura{favour}."
    return ("Betalningsinformation",
            [("Bankgiro", seller.bankgiro), ("OCR-nummer", ocr_reference(inv.number)),
             ("Belopp", f"{amount(inv.totals.payable)} SEK"),
             ("Förfallodatum", inv.due_date.isoformat())],
            "Ange OCR-numret som referens när ni betalar till bankgirot, så kopplas "
            f"betalningen till faktura {inv.number}.")


def _reversal_box(inv: Invoice) -> Box:
    """An invoice reversing a credit balance note: nothing to pay, set off against the note."""
    reason = f"Orsak: {inv.reason}\n" if inv.reason else ""
    return ("Återföring",
            [("Återför kreditfaktura", str(inv.credits)), ("Belopp", f"{amount(inv.totals.payable)} SEK")],
            f"{reason}Denna faktura återför kreditfaktura {inv.credits} i sin helhet. Den ska inte "
            f"betalas: beloppet avräknas mot kreditfaktura {inv.credits}.")


def _credit_box(inv: Invoice) -> Box:
    """A credit note: nothing to pay; which invoice it credits, and why."""
    reason = f"Orsak: {inv.reason}\n" if inv.reason else ""
    if inv.is_credit_balance:  # the month nets to a credit: no invoice is credited
        return ("Kreditering",
                [("Avser period", str(inv.period)), ("Kreditbelopp", f"{amount(inv.totals.payable)} SEK")],
                f"{reason}Månadens avgifter och krediteringar ger ett belopp till er förmån. Den "
                "ska inte betalas: beloppet återbetalas eller avräknas mot kommande fakturor.")
    credited = str(inv.credits) if inv.credits is not None else "-"
    return ("Kreditering",
            [("Krediterar faktura", credited), ("Kreditbelopp", f"{amount(inv.totals.payable)} SEK")],
            f"{reason}Denna kreditfaktura krediterar faktura {credited} i sin helhet. Den ska inte "
            f"betalas: beloppet avräknas mot faktura {credited}.")
