"""The buyer's postal address, which the VAT Act requires on an invoice: read
and checked from the agencies file, kept on the agency and, as it was at
issue, on each document (sealed with it), shown by `invoice show`, printed on
the PDF and carried in the Peppol buyer party; an agency without one is
refused at billing, naming it.

Before, the agencies file had no address: an invoice named the buyer by name
and organisation number only, and the e-invoice's buyer PostalAddress held
the country alone.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
import sqlalchemy as sa
from lxml import etree
from pypdf import PdfReader
from sqlalchemy.orm import Session

from billing.domain.address import PostalAddress
from billing.errors import DataError
from billing.files.agencies_file import load_agencies
from billing.files.catalogue_file import load_catalogue
from billing.invoicing.seal import canonical_content
from billing.period import Month
from billing.persistence.documents import read_documents
from billing.persistence.models import AgencyRow, InvoiceRow
from billing.services.agencies import import_agencies
from billing.services.billing_run import run_month
from db_helpers import (ORG_A, ORG_B, ORG_C, WORLD_AGENCIES, billed, dump, setup_world, with_gamma_reference,
                        write)
from helpers_cli import cli, flat

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = load_catalogue(ROOT / "tariffs" / "catalogue.toml")
NOVEMBER = Month(2012, 11)
NS = {"cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
      "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"}
# Alfaverket as db_helpers.WORLD_AGENCIES gives it.
ALFA_ADDRESS = PostalAddress("Box 1002", "103 12", "Stockholm")
EXPORTABLE = with_gamma_reference()


def agencies_file(tmp_path: Path, address: str) -> Path:
    return write(tmp_path, "agencies.toml", f"""
[[agencies]]
organisation_number = "{ORG_A}"
name = "Alfaverket"
{address}
sizes = [ {{ from = 2012-06-01, employees = 1 }} ]
""")


# --- the agencies file ----------------------------------------------------------------

def test_an_address_is_read_with_a_swedish_postcode_written_nnn_nn(tmp_path):
    path = agencies_file(tmp_path, 'address = { street = "Fleminggatan 7", additional_street = "c/o Ekonomi", '
                                   'postal_code = "SE-11226", city = "Stockholm" }')
    [agency] = load_agencies(path, CATALOGUE)
    assert agency.address == PostalAddress("Fleminggatan 7", "112 26", "Stockholm", "SE", "c/o Ekonomi")
    assert agency.address.lines() == ["Fleminggatan 7", "c/o Ekonomi", "112 26 Stockholm"]
    # Another country's postcode as written, and the country printed.
    path = agencies_file(tmp_path, 'address = { street = "Postboks 8119 Dep", postal_code = "0032", '
                                   'city = "Oslo", country = "NO" }')
    [agency] = load_agencies(path, CATALOGUE)
    assert agency.address.lines() == ["Postboks 8119 Dep", "0032 Oslo", "NO"]


@pytest.mark.parametrize("address, field, message", [
    ("", "agencies[0].address", "Alfaverket: a new agency needs its postal address"),
    ('address = { street = "Box 1", postal_code = "01234", city = "Stockholm" }',
     "agencies[0].address.postal_code", "'01234' is not a Swedish postcode"),
    ('address = { street = "Box 1", postal_code = "1234", city = "Stockholm" }',
     "agencies[0].address.postal_code", "'1234' is not a Swedish postcode"),
    ('address = { street = "Box 1", postal_code = "103 12", city = "Stockholm", country = "SW" }',
     "agencies[0].address.country", "'SW' is not an ISO 3166-1 alpha-2 country code"),
    ('address = { street = " ", postal_code = "103 12", city = "Stockholm" }',
     "agencies[0].address.street", "is blank"),
    ('address = { postal_code = "103 12", city = "Stockholm" }', "agencies[0].address.street", "Field required"),
])
def test_a_missing_or_wrong_address_is_refused_where_it_is(tmp_path, address, field, message):
    path = agencies_file(tmp_path, address)
    with pytest.raises(DataError) as refused:
        load_agencies(path, CATALOGUE)
    [problem] = refused.value.problems
    assert (problem.file, problem.field) == (str(path), field)
    assert message in problem.message
    lines = path.read_text(encoding="utf-8").splitlines()
    expected = "[[agencies]]" if field == "agencies[0].address" else "address = "
    assert lines[problem.line - 1].startswith(expected)


def test_a_known_agency_may_leave_its_address_out_and_keeps_the_stored_one(engine, tmp_path):
    setup_world(engine, tmp_path)
    without = agencies_file(tmp_path, "")
    [agency] = load_agencies(without, CATALOGUE, known={ORG_A})
    assert agency.address is None
    with Session(engine) as session, session.begin():
        result = import_agencies(session, without)
    assert (result.added, result.updated) == (0, 1)  # sizes and agreements replaced ...
    with Session(engine) as session:
        row = session.scalars(sa.select(AgencyRow).where(AgencyRow.organisation_number == ORG_A)).one()
        assert (row.street, row.postal_code, row.city, row.country) == ("Box 1002", "103 12", "Stockholm", "SE")
    # ... and a new address replaces the old one.
    with Session(engine) as session, session.begin():
        import_agencies(session, agencies_file(
            tmp_path, 'address = { street = "Drottninggatan 1", postal_code = "11151", city = "Stockholm" }'))
    with Session(engine) as session:
        row = session.scalars(sa.select(AgencyRow).where(AgencyRow.organisation_number == ORG_A)).one()
        assert (row.street, row.postal_code) == ("Drottninggatan 1", "111 51")


# --- on the documents -----------------------------------------------------------------------

def test_every_output_names_the_address_the_document_was_issued_to(engine, tmp_path):
    billed(engine, tmp_path, agencies_text=EXPORTABLE)
    url = engine.url.render_as_string(hide_password=False)
    with Session(engine) as session:
        alfa = read_documents(session, InvoiceRow.number == 1)[0]
    assert alfa.buyer_address == ALFA_ADDRESS

    # Moving the agency later changes no issued document.
    with Session(engine) as session, session.begin():
        import_agencies(session, write(tmp_path, "moved.toml", WORLD_AGENCIES.replace(
            'street = "Box 1002"', 'street = "Box 9999"')))
    with Session(engine) as session:
        assert read_documents(session, InvoiceRow.number == 1)[0].buyer_address == ALFA_ADDRESS

    shown = cli(url, "invoice", "show", "1")
    assert shown.exit_code == 0, shown.output
    assert "Adress               Box 1002" in shown.stdout and "103 12 Stockholm" in shown.stdout

    out = tmp_path / "peppol"
    assert cli(url, "export", "peppol", "2012-11", "--out", out).exit_code == 0
    root = etree.parse(str(out / "invoice-1.xml")).getroot()
    [address] = root.findall("cac:AccountingCustomerParty/cac:Party/cac:PostalAddress", NS)
    # BT-50 street, BT-52 city, BT-53 postcode, BT-55 country, in the schema's order.
    assert [(etree.QName(e).localname, e.text) for e in address.iter() if e.text and e.text.strip()] == [
        ("StreetName", "Box 1002"), ("CityName", "Stockholm"), ("PostalZone", "103 12"),
        ("IdentificationCode", "SE")]

    pdf = tmp_path / "1.pdf"
    assert cli(url, "invoice", "pdf", "1", "--out", pdf).exit_code == 0
    text = " ".join(PdfReader(BytesIO(pdf.read_bytes())).pages[0].extract_text().split())
    assert "Alfaverket Box 1002 103 12 Stockholm Org.nr 202100-0001" in text


def test_a_second_address_line_goes_to_bt_51_between_street_and_city(engine, tmp_path):
    setup_world(engine, tmp_path, agencies_text=EXPORTABLE.replace(
        'street = "Box 1002",', 'street = "Box 1002", additional_street = "Ekonomienheten",'))
    with Session(engine) as session, session.begin():
        run_month(session, NOVEMBER, date(2012, 12, 5))
    url, out = engine.url.render_as_string(hide_password=False), tmp_path / "peppol"
    assert cli(url, "export", "peppol", "2012-11", "--out", out).exit_code == 0
    root = etree.parse(str(out / "invoice-1.xml")).getroot()
    [address] = root.findall("cac:AccountingCustomerParty/cac:Party/cac:PostalAddress", NS)
    assert [etree.QName(e).localname for e in address] == [
        "StreetName", "AdditionalStreetName", "CityName", "PostalZone", "Country"]
    assert address.findtext("cbc:AdditionalStreetName", namespaces=NS) == "Ekonomienheten"


def test_the_address_is_sealed_only_where_a_document_has_one(engine, tmp_path):
    billed(engine, tmp_path)
    with Session(engine) as session:
        alfa = read_documents(session, InvoiceRow.number == 1)[0]
    content = json.loads(canonical_content(alfa))
    assert content["buyer_address"] == {"street": "Box 1002", "additional_street": "", "postal_code": "103 12",
                                        "city": "Stockholm", "country": "SE"}
    # A document issued before addresses were kept has no such key: its content,
    # so its seal, is what it was.
    old = json.loads(canonical_content(replace(alfa, buyer_address=None)))
    assert "buyer_address" not in old and {k: v for k, v in content.items() if k != "buyer_address"} == old
    # Changing the stored address after issue breaks the seal.
    with engine.begin() as connection:
        connection.execute(sa.update(InvoiceRow).where(InvoiceRow.number == 1).values(buyer_street="Box 1"))
    result = cli(engine.url.render_as_string(hide_password=False), "verify")
    assert result.exit_code == 1
    assert "dokument 1 stämmer inte med sitt sigill: ändrat efter utfärdandet" in flat(result.output)
    assert "1 finding in 3 documents" in flat(result.output)


# --- an agency without an address -----------------------------------------------------------

def _forget_addresses(engine, *organisation_numbers: str) -> None:
    """As migration 0005 leaves an agency stored before it: no address."""
    with engine.begin() as connection:
        connection.execute(sa.update(AgencyRow).where(AgencyRow.organisation_number.in_(organisation_numbers))
                           .values(street=None, additional_street=None, postal_code=None, city=None,
                                   country=None))


def test_billing_refuses_an_agency_without_an_address_naming_it_and_the_fix(engine, tmp_path):
    setup_world(engine, tmp_path)
    _forget_addresses(engine, ORG_A, ORG_C)
    url = engine.url.render_as_string(hide_password=False)
    before = dump(engine)

    for args in (("run", "2012-11", "--date", "2012-12-05"),
                 ("run", "2012-11", "--date", "2012-12-05", "--dry-run")):
        refused = cli(url, *args)
        assert refused.exit_code == 1, args
        text = flat(refused.output)
        assert "2 problems found, nothing was changed" in text
        for org, name in ((ORG_A, "Alfaverket"), (ORG_C, "Gammaverket")):
            assert (f"{org} {name}: has no postal address, which an invoice must name (the VAT Act): give "
                    "the agency its address = { street = ..., postal_code = ..., city = ... } in the agencies "
                    "file and run 'billing agencies import FILE'") in text
        assert "Betaverket" not in text
    assert dump(engine) == before

    assert cli(url, "agencies", "import", write(tmp_path, "addresses.toml", WORLD_AGENCIES)).exit_code == 0
    assert cli(url, "run", "2012-11", "--date", "2012-12-05").exit_code == 0


def test_a_correction_refuses_only_a_new_invoice_without_an_address(engine, tmp_path):
    billed(engine, tmp_path)
    _forget_addresses(engine, ORG_A, ORG_B)
    url = engine.url.render_as_string(hide_password=False)
    # Nothing changed: nothing to issue, so nothing to refuse.
    nothing = cli(url, "correct", "2012-11", "--date", "2012-12-20")
    assert nothing.exit_code == 0 and "Nothing changed in 2012-11" in nothing.stdout
    # Alfaverket's payslips corrected: its new invoice is refused; Betaverket's unchanged invoice is no matter.
    corrected = write(tmp_path, "fix.csv", f"period,organisation_number,service,quantity,source,reference\n"
                                          f"2012-11,{ORG_A},PAY-SLIP-DEV,4,Palasso,\n")
    assert cli(url, "volumes", "correct", corrected, "--reason", "saknad lönespecifikation").exit_code == 0
    before = dump(engine)
    refused = cli(url, "correct", "2012-11", "--date", "2012-12-20")
    assert refused.exit_code == 1
    assert f"{ORG_A} Alfaverket: has no postal address" in flat(refused.output)
    assert "Betaverket" not in refused.output
    assert dump(engine) == before
