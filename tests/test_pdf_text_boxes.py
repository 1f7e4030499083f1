"""Long names, references and reasons in any script, drawn and read back the
way a person (and a PDF reader) sees them, with poppler (poppler-utils):

- pdftotext -bbox gives the box of every word on every page: no two boxes
  intersect (no text printed over other text) and every box lies within the
  page's side margins;
- pdftoppm renders each page to pixels: every pixel in the side margins is
  white (nothing, text or line, crosses them);
- pypdf reads the text back: every character is there as written, and the
  fonts are embedded (DejaVu Sans), none of the unembedded standard fonts.

Without poppler the tests are skipped, or fail when CI=true (.ci/run installs it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import replace
from datetime import date
from decimal import Decimal
from io import BytesIO
from itertools import combinations
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader

from billing.domain.agency import FeePart
from billing.domain.catalogue import ServiceArea
from billing.files.centre_file import load_centre
from billing.invoicing.document import Invoice, credit_note_for
from billing.invoicing.totals import compute_totals
from billing.pdf import render_invoice
from billing.period import Month
from billing.rating.lines import RatedLine

D = Decimal
SELLER = load_centre().seller
MM = 72 / 25.4  # points per millimetre
MARGIN = 15 * MM  # the side margins of the layout, in points
TOUCH = 0.25  # points: boxes that only touch do not overlap

# 100 characters each, with letters outside latin-1 (Polish, Czech, Greek), an
# en dash and a non-breaking space.
NAME = ("Łódź Ärende – Ωmega Myndigheten för särskilt utdragna namn på statliga "
        "förvaltningar i Český\u00a0Krumlov")
REFERENCE = ("Ärende 2012/417 – Ωmega projekt Łódź; kostnadsställe 4711 Český Krumlov, "
             "attest Åsa Ström-Żółkiewska")
REASON = ("Fel antal lönebesked – myndigheten Łódź Ärende – Ωmega bestrider fakturan; "
          "se ärende Český Krumlov 2012/0417")


def test_the_texts_are_100_characters():
    assert (len(NAME), len(REFERENCE)) == (100, 100)


def poppler(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        message = f"{tool} (poppler-utils) is not installed"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true: {message}", pytrace=False)
        pytest.skip(message)
    return found


def line(index: int, description: str, area: ServiceArea = ServiceArea.PAYROLL) -> RatedLine:
    """``index`` units at 66,00."""
    return RatedLine(area=area, part=FeePart.TRANSACTION, description=description,
                     quantity=D(index), unit="st", unit_code="H87", unit_price=D("66.00"),
                     amount=D(66 * index).quantize(D("0.01")), vat_rate=D("25"),
                     price_list_id="standard-2012-06", service_code=f"PAY-{index:03d}",
                     detail=f"underlag {REFERENCE}" if index % 3 == 0 else "")


def long_invoice() -> Invoice:
    """A corrected invoice (it replaces invoice 6, with a reason) over several
    pages, long descriptions in both areas."""
    lines = [line(i, f"Rad {i:03d} {NAME[:40 + i]}") for i in range(1, 31)]
    lines += [line(i, f"Rad {i:03d} ekonomitjänst – Ωmega", ServiceArea.FINANCE) for i in range(31, 41)]
    return Invoice(number=7, organisation_number="202132-6364", agency_name=NAME,
                   buyer_reference=REFERENCE, period=Month(2012, 11), issue_date=date(2012, 12, 5),
                   due_date=date(2013, 1, 4), currency="SEK", lines=tuple(lines),
                   totals=compute_totals((l.amount, l.vat_rate) for l in lines),
                   replaces=6, reason=REASON)


def documents() -> dict[str, Invoice]:
    invoice = long_invoice()
    credit = replace(credit_note_for(invoice, date(2012, 12, 20), REASON), number=8)
    negative = replace(invoice, number=9, lines=invoice.lines[:1] + (
        replace(invoice.lines[1], quantity=D(-3), amount=D("-198.00")),),
        replaces=None, reason="")
    negative = replace(negative, totals=compute_totals((l.amount, l.vat_rate) for l in negative.lines))
    return {"invoice": invoice, "credit note": credit, "negative invoice": negative}


Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in points, y downwards


def word_boxes(path: Path) -> list[tuple[float, float, list[tuple[str, Box]]]]:
    """Per page: its width, its height and each word with its box."""
    out = path.with_suffix(".html")
    subprocess.run([poppler("pdftotext"), "-bbox", str(path), str(out)], check=True)
    xhtml = "{http://www.w3.org/1999/xhtml}"
    pages = []
    for page in etree.parse(str(out)).iter(f"{xhtml}page"):
        words = [(word.text or "", tuple(float(word.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")))
                 for word in page.iter(f"{xhtml}word")]
        pages.append((float(page.get("width")), float(page.get("height")), words))
    return pages


def intersect(a: Box, b: Box) -> bool:
    return (a[0] < b[2] - TOUCH and b[0] < a[2] - TOUCH
            and a[1] < b[3] - TOUCH and b[1] < a[3] - TOUCH)


def overlaps(words: list[tuple[str, Box]]) -> list[tuple[str, str]]:
    return [(a, b) for (a, box_a), (b, box_b) in combinations(words, 2) if intersect(box_a, box_b)]


def test_overlap_check_finds_text_printed_over_text():
    """The check is worth something only if it fails on overlapping words."""
    assert overlaps([("Myndigheten", (40, 100, 120, 110)), ("Förfallodatum", (110, 101, 160, 111))])
    assert not overlaps([("Fakturadatum", (40, 100, 100, 110)), ("2012-12-05", (100, 100, 130, 110)),
                         ("Förfallodatum", (40, 110, 100, 120))])


def pixel_pages(path: Path, dpi: int) -> list[tuple[int, int, bytes]]:
    """Each page rendered in grey levels: width, height, one byte a pixel."""
    prefix = path.with_suffix("")
    subprocess.run([poppler("pdftoppm"), "-r", str(dpi), "-gray", str(path), str(prefix)], check=True)
    pages = []
    for image in sorted(path.parent.glob(f"{prefix.name}-*.pgm")):
        data = image.read_bytes()
        magic, width, height, depth, pixels = data.split(maxsplit=4)
        assert (magic, depth) == (b"P5", b"255")
        pages.append((int(width), int(height), pixels[:int(width) * int(height)]))
    return pages


@pytest.mark.parametrize("kind", ["invoice", "credit note", "negative invoice"])
def test_long_texts_wrap_within_their_boxes_and_the_margins(kind, tmp_path):
    document = documents()[kind]
    path = tmp_path / "document.pdf"
    path.write_bytes(render_invoice(document, SELLER))

    pages = word_boxes(path)
    assert len(pages) >= (1 if kind == "negative invoice" else 2)
    for number, (width, height, words) in enumerate(pages, start=1):
        assert len(words) > 50, f"page {number}: too few words to be the document"
        outside = [(word, box) for word, box in words
                   if box[0] < MARGIN or box[2] > width - MARGIN or box[1] < 0 or box[3] > height]
        assert not outside, f"page {number}: beyond the margins: {outside}"
        clashes = overlaps(words)
        assert not clashes, f"page {number}: text over text: {clashes[:5]}"

    dpi = 72
    side = round((MARGIN - 1 * MM) * dpi / 72)  # pixels of the side margins, less 1 mm
    rendered = pixel_pages(path, dpi)
    assert len(rendered) == len(pages)
    for number, (width, height, pixels) in enumerate(rendered, start=1):
        assert min(pixels) < 100, f"page {number} is blank"
        rows = [pixels[y * width:(y + 1) * width] for y in range(height)]
        marked = [y for y, row in enumerate(rows) if min(row[:side]) < 250 or min(row[-side:]) < 250]
        assert not marked, f"page {number}: something drawn in the side margins on rows {marked[:5]}"


@pytest.mark.parametrize("kind", ["invoice", "credit note"])
def test_every_character_is_in_the_text_and_the_font_is_embedded(kind):
    data = render_invoice(documents()[kind], SELLER)
    reader = PdfReader(BytesIO(data))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    flat = lambda value: " ".join(value.split())  # noqa: E731  (a wrapped line breaks at a space)
    for written in ("Łódź Ärende – Ωmega", flat(NAME), flat(REFERENCE), flat(REASON),
                    "Rad 031 ekonomitjänst – Ωmega"):
        assert written in text, written
    assert "?" not in text and "\ufffd" not in text

    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[str(font["/BaseFont"])] = font
    assert sorted(name.split("+")[-1] for name in fonts) == ["DejaVuSansBold", "DejaVuSansBook"]
    for name, font in fonts.items():
        assert font["/Subtype"] == "/Type0", name  # a CID font of the embedded TrueType
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, f"{name} is not embedded"
