"""The page of every document: A4, the centre's letterhead and the document's
identity at the top of every page with 'Sida N av M' (the page count is known
before the pages are drawn, see invoice_pdf), the centre's details at the
foot, and metadata fixed by the document itself (same document, same bytes).

Every text stays in its own box: a text that may be long (a name, a
reference, a reason) wraps within its column, and a text that must keep to
one line (a label, an amount, a footer row) is set smaller until it fits, and
shortened with '…' only if it does not fit even at MIN_SIZE. So no text runs
into its neighbour or over the margin. Page geometry is in millimetres as
fpdf2 takes it (float); no amount of money passes through it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timezone

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from billing.domain.seller import Seller
from billing.invoicing.document import PAYMENT_TERMS_DAYS
from billing.pdf.fonts import FAMILY, drawable, register

FONT = FAMILY
MARGIN = 15.0  # mm, left and right
WIDTH = 210.0 - 2 * MARGIN  # the usable width of an A4 page
TOP = 40.0  # where the body starts, below the page header (lower if the header wraps)
FOOT = 22.0  # the footer's height from the bottom edge
GAP = 5.0  # between two columns of text
HEAD_RIGHT = 70.0  # the page header's right column: title, number, page
MIN_SIZE = 6.0  # pt: the smallest a one-line text is set in
BLACK = (0, 0, 0)
GREY = (110, 110, 110)
RULE = (170, 170, 170)

Row = tuple[str, str, float, float]  # text, style, size (pt), line height (mm)


@dataclass(frozen=True, slots=True)
class PageHeading:
    """What the top of every page says about the document."""

    title: str  # Faktura, Kreditfaktura
    number_label: str  # Fakturanummer, Kreditfakturanummer
    number: str
    issue_date: date
    customer: str  # name and organisation number, on the pages after the first


class DocumentPDF(FPDF):
    """An A4 page with the centre's letterhead and details; ``continuation`` is
    drawn below the page header on every page after the first (a table's
    column headings, when a table runs over a page break). ``asks_payment``:
    the footer gives the payment terms only on a document that asks for
    payment."""

    def __init__(self, seller: Seller, heading: PageHeading, subject: str, pages: int,
                 asks_payment: bool):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.seller, self.heading, self.page_total = seller, heading, pages
        self.asks_payment = asks_payment
        self.continuation: Callable[[], None] | None = None
        register(self)
        self.set_margins(MARGIN, TOP, MARGIN)
        self.set_auto_page_break(True, margin=FOOT + 3)
        # The page count is known (see invoice_pdf), so no alias is
        # substituted: "{nb}" in a description stays as written.
        self.alias_nb_pages(None)
        # Fixed from the document, never from the clock: the same document
        # renders to the same bytes (the file identifier hashes the content
        # and this date).
        self.set_creation_date(datetime.combine(heading.issue_date, time(12), tzinfo=timezone.utc))
        self.set_title(f"{heading.title} {heading.number}")
        self.set_subject(subject)
        self.set_author(seller.name)
        self.set_creator("billing")
        self.set_lang("sv-SE")
        self.set_text_color(0)
        self.set_draw_color(*RULE)

    def normalize_text(self, text: str) -> str:
        """fpdf2 passes every text it draws or measures through here."""
        return drawable(super().normalize_text(text), self.current_font.cmap)

    # fpdf2 calls these on every page break.
    def header(self) -> None:
        s, h = self.seller, self.heading
        left_width = WIDTH - HEAD_RIGHT - GAP
        left = self.stack(MARGIN, 12, left_width, (
            (s.name, "B", 15, 7), (f"{s.street}, {s.postal_code} {s.city}", "", 8.5, 5),
            (s.email, "", 8.5, 5)), greys=(False, True, True))
        right = self.stack(MARGIN + WIDTH - HEAD_RIGHT, 12, HEAD_RIGHT, (
            (h.title, "B", 17, 7), (f"{h.number_label} {h.number}", "", 10, 5),
            (f"Sida {self.page_no()} av {self.page_total}", "", 9.5, 5)), align="R")
        bottom = max(left, right)
        if self.page_no() > 1:
            bottom = self.paragraph(MARGIN, bottom, WIDTH, f"Kund: {h.customer}", size=8.5)
        rule = max(TOP - 4, bottom + 2)
        self.line(MARGIN, rule, MARGIN + WIDTH, rule)
        self.set_xy(MARGIN, rule + 4)
        if self.page_no() > 1 and self.continuation is not None:
            self.continuation()

    def footer(self) -> None:
        s = self.seller
        top = self.h - FOOT
        self.line(MARGIN, top, MARGIN + WIDTH, top)
        contact = ("Betalning och kontakt", [f"Bankgiro {s.bankgiro}", s.email,
                                              f"Betalningsvillkor {PAYMENT_TERMS_DAYS} dagar netto"])
        if not self.asks_payment:  # a document that asks for no payment gives no terms
            contact = ("Kontakt", [s.email, f"Bankgiro {s.bankgiro}"])
        columns = (
            ("Adress", [s.name, s.street, f"{s.postal_code} {s.city}"]),
            ("Organisation", [f"Org.nr {s.organisation_number}", f"Momsreg.nr {s.vat_number}"]),
            contact,
        )
        width = WIDTH / len(columns)
        for index, (title, rows) in enumerate(columns):
            self.set_xy(MARGIN + index * width, top + 2)
            self.one_line(width, 3.6, title, 7.5, "B", new_line=True)
            for row in rows:
                self.one_line(width, 3.6, row, 7.5, new_line=True)

    # Drawing helpers shared by the document sections.
    def room_for(self, height: float) -> None:  # float ok
        """A new page unless ``height`` fits above the footer."""
        if self.will_page_break(height):
            self.add_page()

    def one_line(self, width: float, height: float, text: str, size: float,  # float ok
                 style: str = "", align: str = "L", new_line: bool = False) -> None:
        """``text`` in a cell of ``width`` on one line, at ``size`` or smaller
        (MIN_SIZE at least) so that it fits, shortened with '…' if it still does
        not; then to the right of the cell, or below it with ``new_line``."""
        text = " ".join(text.splitlines())
        room = width - 2 * self.c_margin
        self.set_font(FONT, style, size)
        while self.get_string_width(text) > room and size > MIN_SIZE:
            size = max(MIN_SIZE, size - 0.5)
            self.set_font(FONT, style, size)
        if self.get_string_width(text) > room:
            while text and self.get_string_width(text + "…") > room:
                text = text[:-1]
            text += "…"
        if new_line:
            self.cell(width, height, text, align=align, new_x=XPos.LEFT, new_y=YPos.NEXT)
        else:
            self.cell(width, height, text, align=align, new_x=XPos.RIGHT, new_y=YPos.TOP)

    def paragraph(self, x: float, y: float, width: float, text: str, size: float = 9.5,  # float ok
                  style: str = "", height: float = 4.6, align: str = "L",  # float ok
                  grey: bool = False) -> float:  # float ok
        """``text`` from (x, y), wrapped within ``width``; the y below it."""
        self.set_font(FONT, style, size)
        self.set_text_color(*(GREY if grey else BLACK))
        self.set_xy(x, y)
        self.multi_cell(width, height, text, align=align, new_x=XPos.LEFT, new_y=YPos.NEXT)
        self.set_text_color(0)
        return self.get_y()

    def stack(self, x: float, y: float, width: float, rows: Sequence[Row],  # float ok
              align: str = "L", greys: Sequence[bool] = ()) -> float:  # float ok
        """Paragraphs one below the other from (x, y); the y below the last."""
        for index, (text, style, size, height) in enumerate(rows):
            grey = greys[index] if index < len(greys) else False
            y = self.paragraph(x, y, width, text, size, style, height, align, grey)
        return y

    def wrapped_lines(self, width: float, text: str, size: float, style: str = "") -> int:  # float ok
        """How many lines ``text`` takes wrapped within ``width``."""
        self.set_font(FONT, style, size)
        return len(self.multi_cell(width, 1, text, dry_run=True, output="LINES"))

    def text_line(self, text: str, size: float = 9.5, style: str = "", height: float = 5,  # float ok
                  grey: bool = False) -> None:
        """A paragraph across the page from the current position, wrapped."""
        self.paragraph(MARGIN, self.get_y(), WIDTH, text, size, style, height, grey=grey)

    def rule(self, gap: float = 1.0) -> None:  # float ok
        self.line(MARGIN, self.get_y(), MARGIN + WIDTH, self.get_y())
        self.set_y(self.get_y() + gap)
