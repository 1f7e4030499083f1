"""Invoices and credit notes as PDF, on SQLite and PostgreSQL: rendered from the
billed world of db_helpers and read back as text with pypdf.

The world billed for 2012-11 on 2012-12-05 (see test_credit_notes for the
prices, from tariffs/standard-2012-06.toml), then invoice 1 credited:

    1 Alfaverket   payroll: fixed 1 x 3 000,00; variable 1 x 40,00; PAY-SLIP-DEV 3 x 66,00 = 198,00
                   net 3 238,00, VAT 25 % 809,50, gross 4 047,50, rounding 0,50, payable 4 048
    2 Betaverket   payroll: 3 000,00 + 2 x 40,00 = 80,00 + 5 x 66,00 = 330,00; subtotal 3 410,00
                   finance: 10 000,00 + 2 x 156,00 = 312,00 + 30 x 45,00 = 1 350,00
                            + 200 x 3,50 = 700,00; subtotal 12 362,00
                   net 15 772,00, VAT 3 943,00, rounding 0,00, payable 19 715
    3 Gammaverket  payable 8 990
    4 credit note of 1, dated 2012-12-12: every amount of 1 negated, payable -4 048

OCR references (number, length digit, Luhn check digit), worked by hand:
1 -> "13" + check: 3x2=6, +1 = 7, check 3 -> "133"; 2 -> "23": 6+2 = 8, check 2 -> "232".
"""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy.orm import Session
from typer.testing import CliRunner, Result

from billing.cli.app import app
from billing.files.centre_file import load_centre
from billing.payments.ocr import ocr_reference
from billing.pdf import render_invoice
from billing.period import Month
from billing.persistence.documents import read_documents
from billing.services.billing_run import run_month
from billing.services.corrections import credit_invoice
from db_helpers import ORG_A, ORG_B, check_assumed_prices, setup_world

REASON = "Dubbelfakturerad – myndigheten bestrider fakturan"  # an en dash: not in latin-1
CENTRE = ("Statens servicecenter", "Box 1124, 801 35 Gävle", "Org.nr 202100-6370",
          "Momsreg.nr SE202100637001", "Bankgiro 5050-1055", "fakturering@statenssc.se")


def pdf_text(data: bytes) -> list[str]:
    """The text of each page, whitespace collapsed."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(data)).pages]


@pytest.fixture
def billed(engine, tmp_path):
    """The world billed for 2012-11, invoice 1 credited (credit note 4); the documents by number."""
    check_assumed_prices()
    setup_world(engine, tmp_path)
    with Session(engine) as session, session.begin():
        assert len(run_month(session, Month(2012, 11), date(2012, 12, 5)).invoices) == 3
        assert credit_invoice(session, 1, REASON, date(2012, 12, 12)).number == 4
    with Session(engine) as session:
        return {document.number: document for document in read_documents(session)}


def test_invoice_shows_parties_lines_by_area_vat_totals_and_payment(billed):
    seller = load_centre().seller
    data = render_invoice(billed[2], seller)
    assert data.startswith(b"%PDF-")
    reader = PdfReader(BytesIO(data))
    assert len(reader.pages) == 1
    assert (float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)) == \
        pytest.approx((595.28, 841.89))  # A4 in points
    [text] = pdf_text(data)

    for expected in (*CENTRE, "Faktura", "Fakturanummer 2", "Sida 1 av 1",
                     "Betaverket", f"Org.nr {ORG_B}", "Er referens: B-200",
                     "Fakturadatum 2012-12-05", "Förfallodatum 2013-01-04",
                     "Avser period november 2012 (2012-11)", "Valuta SEK"):
        assert expected in text, expected
    assert "Kreditfaktura" not in text

    # Lines grouped by area, payroll first, each with its subtotal.
    payroll, finance = text.index("Lönerelaterade tjänster"), text.index("Ekonomiadministrativa tjänster")
    assert payroll < text.index("Summa lönerelaterade tjänster 3 410,00") < finance
    assert finance < text.index("Summa ekonomiadministrativa tjänster 12 362,00")
    for row in ("1 mån 3 000,00 3 000,00 25 %", "2 anst 40,00 80,00 25 %", "5 st 66,00 330,00 25 %",
                "1 mån 10 000,00 10 000,00 25 %", "30 st 45,00 1 350,00 25 %",
                "200 st 3,50 700,00 25 %"):
        assert row in text, row
    assert "Beskrivning Antal Enhet À-pris Belopp Moms" in text
    assert "prislista standard-2012-06" in text  # the detail line under a description

    for expected in ("Summa exkl. moms 15 772,00", "Moms 25 % på 15 772,00 3 943,00",
                     "Summa moms 3 943,00", "Öresavrundning 0,00", "Att betala (SEK) 19 715,00"):
        assert expected in text, expected

    assert ocr_reference(2) == "232"
    assert text.count("OCR-nummer 232") == 2  # in the header block and the payment box
    for expected in ("Betalningsinformation", "Belopp 19 715,00 SEK", "Förfallodatum 2013-01-04"):
        assert expected in text, expected


def test_invoice_with_rounding(billed):
    [text] = pdf_text(render_invoice(billed[1], load_centre().seller))
    for expected in ("Alfaverket", f"Org.nr {ORG_A}", "Er referens: A-100",
                     "Moms 25 % på 3 238,00 809,50", "Öresavrundning 0,50",
                     "Att betala (SEK) 4 048,00", "OCR-nummer 133", "Belopp 4 048,00 SEK"):
        assert expected in text, expected


def test_credit_note_says_what_it_credits_and_why_and_asks_no_payment(billed):
    data = render_invoice(billed[4], load_centre().seller)
    text = " ".join(pdf_text(data))
    for expected in (*CENTRE, "Kreditfaktura", "Kreditfakturanummer 4", "Alfaverket",
                     f"Org.nr {ORG_A}", "Er referens: A-100", "Fakturadatum 2012-12-12",
                     "Avser period november 2012 (2012-11)", "Krediterar faktura 1",
                     "-1 mån 3 000,00 -3 000,00 25 %",
                     "-3 st 66,00 -198,00 25 %", "Summa lönerelaterade tjänster -3 238,00",
                     "Summa exkl. moms -3 238,00", "Moms 25 % på -3 238,00 -809,50",
                     "Öresavrundning -0,50", "Kreditbelopp (SEK) -4 048,00",
                     # The reason, its en dash written as '-' (the core fonts are latin-1).
                     "Orsak: Dubbelfakturerad - myndigheten bestrider fakturan",
                     "krediterar faktura 1 i sin helhet"):
        assert expected in text, expected
    for absent in ("Förfallodatum", "OCR-nummer", "Att betala", "Betalningsinformation"):
        assert absent not in text, absent


def test_same_document_same_bytes(billed):
    seller = load_centre().seller
    first = render_invoice(billed[2], seller)
    assert render_invoice(billed[2], seller) == first
    metadata = PdfReader(BytesIO(first)).metadata
    assert metadata["/CreationDate"].startswith("D:20121205")  # the invoice date, not the clock
    assert metadata["/Title"] == "Faktura 2"


def cli(url: str, *args) -> Result:
    result = CliRunner().invoke(app, ["--database-url", url, *map(str, args)], env={"COLUMNS": "200"})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def test_commands_write_one_document_and_a_month(billed, database_url, tmp_path, monkeypatch):
    seller = load_centre().seller
    target = tmp_path / "pdf" / "two.pdf"
    one = cli(database_url, "invoice", "pdf", 2, "--out", target)
    assert one.exit_code == 0, one.output
    assert f"Invoice 2 written to {target}." in " ".join(one.stdout.split())
    assert target.read_bytes() == render_invoice(billed[2], seller)

    monkeypatch.chdir(tmp_path)  # the default name, here
    assert cli(database_url, "invoice", "pdf", 4).exit_code == 0
    assert (tmp_path / "kreditfaktura-4.pdf").read_bytes() == render_invoice(billed[4], seller)

    missing = cli(database_url, "invoice", "pdf", 99)
    assert missing.exit_code == 1 and "no invoice number 99" in missing.stderr

    # 2 and 4 were made as PDF above: --all writes them again with the rest.
    month = cli(database_url, "invoices", "pdf", "2012-11", "--all", "--out", tmp_path / "november")
    assert month.exit_code == 0, month.output
    said = " ".join(month.stdout.split())
    assert f"4 PDF files written to {tmp_path / 'november'} for 2012-11: 3 invoices, 1 credit note." in said
    written = sorted(p.name for p in (tmp_path / "november").iterdir())
    assert written == ["faktura-1.pdf", "faktura-2.pdf", "faktura-3.pdf", "kreditfaktura-4.pdf"]
    for number, name in ((1, "faktura-1.pdf"), (4, "kreditfaktura-4.pdf")):
        assert (tmp_path / "november" / name).read_bytes() == render_invoice(billed[number], seller)

    empty = cli(database_url, "invoices", "pdf", "2012-10", "--out", tmp_path / "october")
    assert empty.exit_code == 0 and "No documents issued for 2012-10: nothing written." in empty.stdout
    assert not (tmp_path / "october").exists()
