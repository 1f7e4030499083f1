"""A payment reminder as an A4 PDF: the agency, its overdue items with their
OCR references, and where to pay; on the centre's letterhead (pdf/layout.py)."""

from __future__ import annotations

from billing.domain.seller import Seller
from billing.payments.reminders import ReminderLetter
from billing.pdf.layout import MARGIN, WIDTH, DocumentPDF, PageHeading
from billing.pdf.text import amount

# Column widths in millimetres: faktura, förfallodag, dagar, belopp, betalt, att betala, OCR.
_COLUMNS = (("Faktura", 20, "L"), ("Förfallodag", 26, "L"), ("Dagar", 16, "R"), ("Belopp", 27, "R"),
            ("Betalt", 27, "R"), ("Att betala", 28, "R"), ("OCR-nummer", WIDTH - 144, "R"))


def render_reminder(letter: ReminderLetter, seller: Seller) -> bytes:
    """The same letter gives the same bytes (the date is the letter's)."""
    pdf = _build(letter, seller, 1)
    if pdf.pages_count != 1:
        pages = pdf.pages_count
        pdf = _build(letter, seller, pages)
    return bytes(pdf.output())


def _heading(pdf: DocumentPDF) -> None:
    for title, width, align in _COLUMNS:
        pdf.one_line(width, 6, title, 8.5, "B", align)
    pdf.ln(6)
    pdf.rule()


def _build(letter: ReminderLetter, seller: Seller, pages: int) -> DocumentPDF:
    # "Påminnelse" in the page header, whose column is too narrow for the whole word at its size.
    heading = PageHeading("Påminnelse", "Datum", letter.day.isoformat(), letter.day,
                          f"{letter.name} ({letter.organisation_number})")
    pdf = DocumentPDF(seller, heading, f"Betalningspåminnelse till {letter.name}", pages, asks_payment=True)
    pdf.add_page()
    top = pdf.get_y()
    bottom = pdf.stack(MARGIN, top, WIDTH / 2, (("Kund", "", 8.5, 4.5), (letter.name, "B", 11.5, 5.5),
                                                *((line, "", 9.5, 5) for line in letter.address),
                                                (f"Org.nr {letter.organisation_number}", "", 9.5, 5)), greys=(True,))
    pdf.set_xy(MARGIN, bottom + 4)
    pdf.text_line("Betalningspåminnelse", size=12, style="B", height=7)
    pdf.text_line("Enligt vår bokföring är följande fakturor förfallna och obetalda. Vi ber er betala det "
                  "som står att betala till bankgirot nedan, med fakturans OCR-nummer som referens. Har ni "
                  "redan betalat kan ni bortse från denna påminnelse.", size=9.5)
    pdf.set_y(pdf.get_y() + 3)
    _heading(pdf)
    pdf.continuation = lambda: _heading(pdf)
    for line in letter.lines:
        cells = (str(line.document), line.due_date.isoformat(), str(line.days_overdue), amount(line.original),
                 amount(line.paid), amount(line.open), line.ocr)
        pdf.room_for(6)
        for (_, width, align), text in zip(_COLUMNS, cells):
            pdf.one_line(width, 6, text, 9.5, "", align)
        pdf.ln(6)
    pdf.continuation = None
    pdf.rule()
    if letter.fee:
        pdf.one_line(WIDTH - 28 - (WIDTH - 144), 6, "Påminnelseavgift", 9.5)
        pdf.one_line(28, 6, amount(letter.fee), 9.5, "", "R")
        pdf.ln(6)
    pdf.one_line(WIDTH - 28 - (WIDTH - 144), 7, "Summa att betala", 10.5, "B")
    pdf.one_line(28, 7, f"{amount(letter.total)}", 10.5, "B", "R")
    pdf.ln(10)
    fee = "" if letter.fee else " Ingen påminnelseavgift eller dröjsmålsränta tas ut mellan statliga myndigheter."
    pdf.text_line(f"Betala till bankgiro {seller.bankgiro}. Ange fakturans OCR-nummer, en betalning per "
                  f"faktura.{fee} Frågor: {seller.email}.", size=9.5)
    return pdf
