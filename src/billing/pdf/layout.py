"""The page of every document: A4, the centre's letterhead and the document's
identity at the top of every page with 'Sida N av M' (the page count comes
from a first rendering), the centre's details at the foot, and metadata fixed
by the document itself (same document, same bytes). Page geometry is in
millimetres as fpdf2 takes it (float); no amount of money passes through it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timezone

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from billing.domain.seller import Seller
from billing.invoicing.document import PAYMENT_TERMS_DAYS
from billing.pdf.text import latin1

FONT = "Helvetica"
MARGIN = 15.0  # mm, left and right
WIDTH = 210.0 - 2 * MARGIN  # the usable width of an A4 page
TOP = 40.0  # where the body starts, below the page header
FOOT = 22.0  # the footer's height from the bottom edge
GREY = (110, 110, 110)
RULE = (170, 170, 170)


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
    column headings, when a table runs over a page break)."""

    def __init__(self, seller: Seller, heading: PageHeading, subject: str, pages: int):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.seller, self.heading, self.page_total = seller, heading, pages
        self.continuation: Callable[[], None] | None = None
        self.set_margins(MARGIN, TOP, MARGIN)
        self.set_auto_page_break(True, margin=FOOT + 3)
        # The page count is known (a first rendering counted the pages), so no
        # alias is substituted: "{nb}" in a description stays as written.
        self.alias_nb_pages(None)
        # Fixed from the document, never from the clock: the same document
        # renders to the same bytes (the file identifier hashes the content
        # and this date).
        self.set_creation_date(datetime.combine(heading.issue_date, time(12), tzinfo=timezone.utc))
        self.set_title(latin1(f"{heading.title} {heading.number}"))
        self.set_subject(latin1(subject))
        self.set_author(latin1(seller.name))
        self.set_creator("billing")
        self.set_lang("sv-SE")
        self.set_text_color(0)
        self.set_draw_color(*RULE)

    # fpdf2 calls these on every page break.
    def header(self) -> None:
        s, h = self.seller, self.heading
        rows = ((s.name, "B", 15, 7, h.title, "B", 17),
                (f"{s.street}, {s.postal_code} {s.city}", "", 8.5, 5, f"{h.number_label} {h.number}", "", 10),
                (s.email, "", 8.5, 5, f"Sida {self.page_no()} av {self.page_total}", "", 9.5))
        self.set_xy(MARGIN, 12)
        for left, left_style, left_size, height, right, right_style, right_size in rows:
            self.set_font(FONT, left_style, left_size)
            self.set_text_color(*(GREY if not left_style else (0, 0, 0)))
            self.cell(WIDTH / 2, height, latin1(left))
            self.set_text_color(0)
            self.set_font(FONT, right_style, right_size)
            self.cell(WIDTH / 2, height, latin1(right), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if self.page_no() > 1:
            self.set_font(FONT, "", 8.5)
            self.cell(WIDTH, 5, latin1(f"Kund: {h.customer}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.line(MARGIN, TOP - 4, MARGIN + WIDTH, TOP - 4)
        self.set_xy(MARGIN, TOP)
        if self.page_no() > 1 and self.continuation is not None:
            self.continuation()

    def footer(self) -> None:
        s = self.seller
        top = self.h - FOOT
        self.line(MARGIN, top, MARGIN + WIDTH, top)
        columns = (
            ("Adress", [s.name, s.street, f"{s.postal_code} {s.city}"]),
            ("Organisation", [f"Org.nr {s.organisation_number}", f"Momsreg.nr {s.vat_number}"]),
            ("Betalning och kontakt", [f"Bankgiro {s.bankgiro}", s.email,
                                       f"Betalningsvillkor {PAYMENT_TERMS_DAYS} dagar netto"]),
        )
        width = WIDTH / len(columns)
        for index, (title, rows) in enumerate(columns):
            self.set_xy(MARGIN + index * width, top + 2)
            self.set_font(FONT, "B", 7.5)
            self.cell(width, 3.6, latin1(title), new_x=XPos.LEFT, new_y=YPos.NEXT)
            self.set_font(FONT, "", 7.5)
            for row in rows:
                self.cell(width, 3.6, latin1(row), new_x=XPos.LEFT, new_y=YPos.NEXT)

    # Small drawing helpers shared by the document sections.
    def room_for(self, height: float) -> None:  # float ok
        """A new page unless ``height`` fits above the footer."""
        if self.will_page_break(height):
            self.add_page()

    def text_line(self, text: str, size: float = 9.5, style: str = "", height: float = 5,  # float ok
                  width: float = 0, align: str = "L", grey: bool = False) -> None:  # float ok
        self.set_font(FONT, style, size)
        if grey:
            self.set_text_color(*GREY)
        self.cell(width or WIDTH, height, latin1(text), align=align,
                  new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0)

    def rule(self, gap: float = 1.0) -> None:  # float ok
        self.line(MARGIN, self.get_y(), MARGIN + WIDTH, self.get_y())
        self.set_y(self.get_y() + gap)
