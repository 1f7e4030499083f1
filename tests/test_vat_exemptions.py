"""A 0 % line states its own exemption: the price list (per item) or the
pass-through file (per row) names a VATEX code of category E and the Swedish
text, refused when missing; the line carries it onto the document, the seal,
the e-invoice and the PDF.

Before, nothing said why a line was at 0 %: the e-invoice labelled every 0 %
line as postage (VATEX-EU-132-1A, "posttjänster"), whatever it was.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from billing.domain.address import PostalAddress
from billing.domain.vat_exemption import VatExemption, exemption_code_problem
from billing.einvoice.mapping import zero_rate_exemption
from billing.einvoice.ubl import build_document
from billing.errors import DataError
from billing.files.catalogue_file import load_catalogue
from billing.files.centre_file import load_centre
from billing.files.passthrough_csv import read_pass_through, read_supplier_invoices
from billing.files.tariff_file import load_price_list
from billing.invoicing.document import DocumentKind
from billing.invoicing.issue_rules import issue_problems
from billing.invoicing.seal import canonical_content
from billing.period import Month
from billing.persistence.models import PassThroughRow
from billing.persistence.price_list_form import content_hash, price_list_from_form, stored_form
from billing.services.billing_run import run_month
from billing.services.passthrough import import_pass_through
from db_helpers import ORG_A, ORG_C, TARIFFS, dump, setup_world, write
from factories import EXEMPTION, D, document, document_line

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = load_catalogue(TARIFFS / "catalogue.toml")
NOVEMBER = Month(2012, 11)
NS = {"cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
      "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"}
EDUCATION = VatExemption("VATEX-EU-132-1I", "Undantaget från skatteplikt: utbildning")
HEADER = ("period,organisation_number,area,description,amount,vat_rate,supplier,reference,"
          "vat_exemption_code,vat_exemption_reason")


def price_list_with(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "standard-2012-06.toml"
    path.write_text((TARIFFS / "standard-2012-06.toml").read_text(encoding="utf-8") + extra, encoding="utf-8")
    return path


def refused(action) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(DataError) as error:
        action()
    return [(p.line, p.field, p.message) for p in error.value.problems]


# --- the price list --------------------------------------------------------------------------

def test_a_price_list_item_at_0_percent_states_its_exemption(tmp_path):
    path = price_list_with(tmp_path, '\n[vat_rates]\nPAY-PENSION = "0"\n\n[vat_exemptions]\n'
                                     'PAY-PENSION = { code = "VATEX-EU-132-1I", reason = "Undantaget från '
                                     'skatteplikt: utbildning" }\n')
    price_list = load_price_list(path, CATALOGUE)
    assert price_list.vat_exemption("PAY-PENSION") == EDUCATION
    assert price_list.vat_exemption("PAY-SLIP-DEV") is None  # at 25 %: no exemption


@pytest.mark.parametrize("extra, field, message", [
    ('\n[vat_rates]\nPAY-PENSION = "0"\n', "vat_rates.PAY-PENSION",
     "PAY-PENSION is at 0 % VAT without an exemption reason"),
    ('\n[vat_rates]\nPAY-PENSION = "0"\n\n[vat_exemptions]\nPAY-PENSION = { code = "VATEX-EU-O", '
     'reason = "Utanför mervärdesskattelagens tillämpningsområde" }\n', "vat_exemptions.PAY-PENSION",
     "VATEX-EU-O is VAT category O (outside the scope of VAT)"),
    ('\n[vat_rates]\nPAY-PENSION = "0"\n\n[vat_exemptions]\nPAY-PENSION = { code = "EXEMPT", reason = "x" }\n',
     "vat_exemptions.PAY-PENSION", "'EXEMPT' is not a VATEX exemption code of category E"),
    ('\n[vat_rates]\nPAY-PENSION = "0"\n\n[vat_exemptions]\nPAY-PENSION = { code = "VATEX-EU-309", '
     'reason = " " }\n', "vat_exemptions.PAY-PENSION", "the exemption reason is empty"),
    ('\n[vat_exemptions]\nPAY-SLIP-DEV = { code = "VATEX-EU-309", reason = "x" }\n',
     "vat_exemptions.PAY-SLIP-DEV", "PAY-SLIP-DEV is at 25 % VAT: an exemption reason is for an item at 0 %"),
    ('\n[vat_exemptions]\nNO-SUCH = { code = "VATEX-EU-309", reason = "x" }\n', "vat_exemptions.NO-SUCH",
     "unknown item NO-SUCH"),
])
def test_a_missing_or_wrong_exemption_is_refused_when_the_list_is_loaded(tmp_path, extra, field, message):
    path = price_list_with(tmp_path, extra)
    [(line, found_field, found)] = refused(lambda: load_price_list(path, CATALOGUE))
    assert found_field == field and message in found
    assert path.read_text(encoding="utf-8").splitlines()[line - 1].startswith(field.split(".")[1])


def test_a_default_rate_of_0_needs_an_exemption_for_every_item_priced(tmp_path):
    path = price_list_with(tmp_path, "")
    text = path.read_text(encoding="utf-8").replace('default_vat_rate = "25"', 'default_vat_rate = "0"')
    path.write_text(text, encoding="utf-8")
    problems = refused(lambda: load_price_list(path, CATALOGUE))
    assert {field for _, field, _ in problems} == {"default_vat_rate"}
    items = {message.split(" ")[0] for _, _, message in problems}
    assert {"base_fee", "connection", "PAY-SLIP-DEV", "PAY-SPEC-CONSULT"} <= items


def test_vatex_codes_of_category_e_only():
    for code in ("VATEX-EU-132", "VATEX-EU-132-1A", "VATEX-EU-132-1Q", "VATEX-EU-143-1L", "VATEX-EU-148-G",
                 "VATEX-EU-151-1E", "VATEX-EU-309", "VATEX-EU-79-C", "VATEX-EU-D", "VATEX-EU-J"):
        assert exemption_code_problem(code) is None, code
    for code in ("VATEX-EU-132-1R", "VATEX-EU-AE", "VATEX-EU-IC", "VATEX-EU-G", "VATEX-EU-O", "vatex-eu-132",
                 "VATEX-FR-FRANCHISE", ""):
        assert exemption_code_problem(code) is not None, code


def test_the_stored_form_carries_exemptions_and_leaves_lists_without_them_as_they_were(tmp_path):
    standard = load_price_list(TARIFFS / "standard-2012-06.toml", CATALOGUE)
    plain = stored_form(standard)
    # No exemptions, no key: every list stored before keeps its document and hash.
    assert "vat_exemptions" not in json.loads(plain) and price_list_from_form(plain) == standard
    with_exemption = replace(standard, vat_rates={"PAY-PENSION": D("0")},
                             vat_exemptions={"PAY-PENSION": EDUCATION})
    document_text = stored_form(with_exemption)
    assert json.loads(document_text)["vat_exemptions"] == {
        "PAY-PENSION": {"code": "VATEX-EU-132-1I", "reason": "Undantaget från skatteplikt: utbildning"}}
    assert price_list_from_form(document_text) == with_exemption
    assert content_hash(document_text) != content_hash(stored_form(replace(with_exemption, vat_exemptions={})))


# --- the pass-through files ---------------------------------------------------------------------

def test_a_pass_through_amount_at_0_percent_states_its_exemption(tmp_path):
    path = write(tmp_path, "amounts.csv", f"{HEADER}\n"
                 f"2012-11,{ORG_A},payroll,Porto,10.00,0,PostNord,PN-1,VATEX-EU-132-1A,Posttjänst\n"
                 f"2012-11,{ORG_A},payroll,Porto,10.00,0,PostNord,PN-2,,\n"
                 f"2012-11,{ORG_A},payroll,Licens,10.00,25,Adobe,AD-1,VATEX-EU-132-1A,Posttjänst\n"
                 f"2012-11,{ORG_A},payroll,Kurs,10.00,0,Kurs AB,K-1,VATEX-EU-O,Utanför\n")
    problems = refused(lambda: read_pass_through(path))
    assert [(line, field) for line, field, _ in problems] == [
        (3, "vat_exemption_code"), (3, "vat_exemption_reason"), (4, "vat_exemption_code"),
        (5, "vat_exemption_code")]
    assert "an exemption reason is for an amount at 0 % VAT, not 25 %" in problems[2][2]
    assert "VATEX-EU-O is VAT category O" in problems[3][2]
    good = write(tmp_path, "good.csv", f"{HEADER}\n"
                 f"2012-11,{ORG_A},payroll,Porto,10.00,0,PostNord,PN-1,VATEX-EU-132-1A,Posttjänst\n")
    [(_, charge)] = read_pass_through(good)
    assert charge.vat_exemption == VatExemption("VATEX-EU-132-1A", "Posttjänst")
    invoices = write(tmp_path, "invoices.csv", "period,supplier,reference,area,description,amount,key,vat_rate,"
                     "vat_exemption_code,vat_exemption_reason\n"
                     "2012-11,PostNord,PN-9,payroll,Porto,100.00,employees,0,VATEX-EU-132-1A,Posttjänst\n")
    [invoice] = read_supplier_invoices(invoices, CATALOGUE)
    assert invoice.vat_exemption == VatExemption("VATEX-EU-132-1A", "Posttjänst")


# --- on the documents ----------------------------------------------------------------------------

def _xml_exemption(doc) -> tuple[str | None, str | None]:
    root = build_document(doc, load_centre().seller)
    [exempt] = [s for s in root.findall("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory", NS)
                if s.findtext("cbc:ID", namespaces=NS) == "E"]
    return (exempt.findtext("cbc:TaxExemptionReasonCode", namespaces=NS),
            exempt.findtext("cbc:TaxExemptionReason", namespaces=NS))


def _zero(amount: str, exemption: VatExemption | None):
    return replace(document_line(1, amount, vat_rate="0"), vat_exemption=exemption)


def test_the_e_invoice_states_the_lines_own_exemption():
    doc = replace(document(document_line(), _zero("100.00", EDUCATION)), buyer_reference="R-1")
    assert _xml_exemption(doc) == ("VATEX-EU-132-1I", "Undantaget från skatteplikt: utbildning")
    # Two exemptions share the one 0 % breakdown: no single code, both reasons with their codes.
    two = replace(document(document_line(), _zero("100.00", EDUCATION), _zero("10.00", EXEMPTION)),
                  buyer_reference="R-1")
    assert _xml_exemption(two) == (None, "Undantaget från skatteplikt: utbildning (VATEX-EU-132-1I); "
                                         "Undantaget från skatteplikt: posttjänster (VATEX-EU-132-1A)")
    # A line issued before exemptions were recorded is exported as it was then.
    old = replace(document(document_line(), _zero("10.00", None)), buyer_reference="R-1")
    assert zero_rate_exemption(old) == ("VATEX-EU-132-1A",
                                        "Undantaget från skatteplikt: posttjänster (vidarefakturerat porto)")


def test_the_exemption_is_sealed_only_where_a_line_has_one():
    doc = document(document_line(), _zero("100.00", EDUCATION))
    lines = json.loads(canonical_content(doc))["lines"]
    assert [line.get("vat_exemption") for line in lines] == [None, ["VATEX-EU-132-1I", EDUCATION.reason]]
    without = replace(doc, lines=(doc.lines[0], replace(doc.lines[1], vat_exemption=None)))
    old = json.loads(canonical_content(without))
    assert "vat_exemption" not in old["lines"][1]


def test_a_new_invoice_with_a_0_percent_line_without_exemption_is_refused():
    doc = replace(document(document_line(), _zero("10.00", None), name="Alfaverket"),
                  buyer_address=PostalAddress("Box 1", "103 10", "Stockholm"))
    assert [p.message for p in issue_problems([doc])] == [
        f"{doc.organisation_number} Alfaverket: a line at 0 % VAT has no exemption reason, which an invoice "
        "must state: price list standard-2012-06 prices 'Tjänst PAY-SLIP-DEV' (PAY-SLIP-DEV) at 0 % without "
        "one: load a version with [vat_exemptions] ('billing tariffs load')"]
    # A credit note mirrors what was issued: nothing to refuse.
    assert issue_problems([replace(doc, kind=DocumentKind.CREDIT_NOTE)]) == []


def test_an_amount_imported_before_exemptions_is_refused_until_imported_again(engine, tmp_path):
    """As migration 0005 leaves a 0 % amount imported before it: no exemption."""
    setup_world(engine, tmp_path)
    amounts = write(tmp_path, "porto.csv", f"{HEADER}\n2012-11,{ORG_C},payroll,Porto,10.00,0,PostNord,PN-1,"
                                           "VATEX-EU-132-1A,Undantaget från skatteplikt: posttjänster\n")
    with Session(engine) as session, session.begin():
        import_pass_through(session, amounts)
    with engine.begin() as connection:
        connection.execute(sa.update(PassThroughRow).values(vat_exemption_code=None, vat_exemption_reason=None))
    before = dump(engine)
    with pytest.raises(DataError) as error, Session(engine) as session, session.begin():
        run_month(session, NOVEMBER, date(2012, 12, 5))
    assert [p.message for p in error.value.problems] == [
        f"{ORG_C} Gammaverket: a line at 0 % VAT has no exemption reason, which an invoice must state: the "
        "pass-through amount 'Porto' was imported before exemptions were recorded: import it again with "
        "vat_exemption_code and vat_exemption_reason ('billing passthrough import')"]
    assert dump(engine) == before
    with Session(engine) as session, session.begin():
        result = import_pass_through(session, amounts)
    assert (result.added, result.skipped, result.completed) == (0, 0, 1)
    with Session(engine) as session, session.begin():
        gamma = run_month(session, NOVEMBER, date(2012, 12, 5)).invoices[2]
    [porto] = [line for line in gamma.lines if line.vat_rate == 0]
    assert porto.vat_exemption == VatExemption("VATEX-EU-132-1A", "Undantaget från skatteplikt: posttjänster")
