"""The PDF layout without a database: a long invoice over several pages, text
in any script the embedded font has, number formats, and bulk writing all or
nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from factories import NAME, ORG
from fontTools.ttLib import TTFont
from pypdf import PdfReader

import billing.pdf.bulk as bulk
from billing.domain.agency import FeePart
from billing.domain.catalogue import ServiceArea
from billing.errors import DataError
from billing.files.centre_file import load_centre
from billing.invoicing.document import Invoice, credit_note_for
from billing.invoicing.totals import compute_totals
from billing.money import format_sek
from billing.pdf import render_invoice
from billing.pdf.fonts import FONT_DIR, drawable
from billing.pdf.text import number, price
from billing.period import Month
from billing.rating.lines import RatedLine
from billing.services.outputs import write_pdfs

D = Decimal
SELLER = load_centre().seller


def line(index: int, area: ServiceArea = ServiceArea.PAYROLL, description: str = "") -> RatedLine:
    """Line ``index``: ``index`` units at 66,00, so every amount is different."""
    return RatedLine(area=area, part=FeePart.TRANSACTION,
                     description=description or f"Rad {index:03d} lönespecifikation, per styck",
                     quantity=D(index), unit="st", unit_code="H87", unit_price=D("66.00"),
                     amount=D(66 * index).quantize(D("0.01")), vat_rate=D("25"),
                     price_list_id="standard-2012-06", service_code=f"PAY-{index:03d}",
                     detail="underlag från Palasso" if index % 2 else "")


def invoice(lines: list[RatedLine], number: int = 7, name: str = NAME) -> Invoice:
    return Invoice(number=number, organisation_number=ORG, agency_name=name,
                   buyer_reference="REF-1", period=Month(2012, 11), issue_date=date(2012, 12, 5),
                   due_date=date(2013, 1, 4), currency="SEK", lines=tuple(lines),
                   totals=compute_totals((l.amount, l.vat_rate) for l in lines))


def pages(data: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(data)).pages]


def test_long_invoice_breaks_pages_with_the_heading_repeated():
    lines = [line(i) for i in range(1, 46)] + [line(i, ServiceArea.FINANCE) for i in range(46, 81)]
    lines[10] = line(11, description="Rad 011 med en lång beskrivning som inte ryms på en rad i "
                                     "tabellens första kolumn utan bryts över flera rader {nb}")
    long = invoice(lines)
    texts = pages(render_invoice(long, SELLER))
    count = len(texts)
    assert count >= 3
    for page_no, text in enumerate(texts, start=1):
        assert f"Sida {page_no} av {count}" in text
        assert "Statens servicecenter" in text and "Fakturanummer 7" in text
        assert "Org.nr 202100-6370" in text and "Bankgiro 5050-1055" in text  # the footer
        if page_no > 1:
            assert "Kund: Testmyndigheten (202132-6364)" in text
    assert "Beskrivning Antal Enhet À-pris Belopp Moms" in texts[1]
    assert "Lönerelaterade tjänster (forts.)" in texts[1]
    # Every line once, its description and its amount on the same page.
    for item in lines:
        holding = [text for text in texts if item.description[:8] in text]
        assert len(holding) == 1, item.description
        assert f"{number(item.quantity)} st 66,00 {format_sek(item.amount)} 25 %" in holding[0]
    assert "{nb}" in " ".join(texts)  # text as written: no page-count alias is substituted
    # 66,00 x (1 + ... + 80) = 66 x 3 240 = 213 840,00; VAT 53 460,00; payable 267 300.
    assert "Att betala" not in texts[0]
    assert "Summa exkl. moms 213 840,00" in texts[-1]
    assert "Moms 25 % på 213 840,00 53 460,00" in texts[-1]
    assert "Att betala (SEK) 267 300,00" in texts[-1]
    assert "OCR-nummer 737" in texts[-1]  # 7, length digit 3, Luhn check digit 7


def test_long_credit_note_pages_too():
    note = credit_note_for(invoice([line(i) for i in range(1, 61)]), date(2012, 12, 20), "Fel")
    note = replace(note, number=8)
    texts = pages(render_invoice(note, SELLER))
    assert len(texts) >= 2 and all(f"av {len(texts)}" in text for text in texts)
    assert "Kreditfakturanummer 8" in texts[-1] and "Krediterar faktura 7" in texts[-1]
    assert "-60 st 66,00 -3 960,00 25 %" in " ".join(texts)


def test_text_is_drawn_as_written_in_the_embedded_font():
    glyphs = TTFont(FONT_DIR / "DejaVuSans.ttf", lazy=True).getBestCmap()
    written = "Åsa − “Öst” – 5 € … ≥ Łódź Ωmega Čapek\u00a0Ærø"
    assert drawable(written, glyphs) == written  # nothing replaced any more
    # What the typeface lacks is drawn as U+FFFD, never dropped; a control
    # character is a space, a line break stays, an unknown format character goes.
    assert drawable("日本\tx\ny\u2066", glyphs) == "\ufffd\ufffd x\ny"
    text = pages(render_invoice(invoice([line(1, description="Tjänst – “special” 日")],
                                        name="Myndigheten för Ärenden − Öst"), SELLER))[0]
    assert "Myndigheten för Ärenden − Öst" in text and "Tjänst – “special” \ufffd" in text


def test_numbers_as_written_in_swedish():
    assert number(D("10412")) == "10412" and number(D("5.000")) == "5"
    assert number(D("-2.50")) == "-2,5" and number(D("25.00")) == "25"
    assert price(D("66.0000")) == "66,00" and price(D("0.3333")) == "0,3333"
    assert price(D("3000")) == "3 000,00"


def test_bulk_writes_all_or_nothing(tmp_path, monkeypatch):
    documents = [invoice([line(1)], number=n) for n in (1, 2, 3)]
    target = tmp_path / "out"
    original = bulk.render_invoice

    def failing(document, seller):
        if document.number == 3:
            raise ValueError("simulated failure")
        return original(document, seller)

    monkeypatch.setattr(bulk, "render_invoice", failing)
    with pytest.raises(DataError, match="faktura-3.pdf could not be rendered"):
        write_pdfs(documents, SELLER, target)
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no directory, no staging left

    target.mkdir()
    (target / "keep.txt").write_text("not ours")
    (target / "faktura-1.pdf").write_bytes(b"old")
    with pytest.raises(DataError):
        write_pdfs(documents, SELLER, target)
    assert sorted(p.name for p in target.iterdir()) == ["faktura-1.pdf", "keep.txt"]
    assert (target / "faktura-1.pdf").read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]

    monkeypatch.setattr(bulk, "render_invoice", original)
    written = write_pdfs(documents, SELLER, target)
    assert [p.name for p in written] == ["faktura-1.pdf", "faktura-2.pdf", "faktura-3.pdf"]
    assert (target / "faktura-1.pdf").read_bytes() == render_invoice(documents[0], SELLER)
    assert (target / "keep.txt").read_text() == "not ours"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_bulk_refuses_a_file_as_directory(tmp_path: Path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(DataError, match="not a directory"):
        write_pdfs([invoice([line(1)])], SELLER, tmp_path / "file")


def test_an_unissued_document_is_not_rendered():
    with pytest.raises(ValueError, match="only an issued document"):
        render_invoice(invoice([line(1)], number=None), SELLER)  # type: ignore[arg-type]
