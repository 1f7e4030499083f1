"""`billing validate-einvoice DIR --rules RULES_DIR`: every compiled rule file
(XSLT producing SVRL) over every exported document, fatal findings counted
apart from warnings, exit status 1 on any fatal one.

The runner is tested with a small stylesheet of our own; the official rules
are not in the repository (and CI has no network). Set
BILLING_EINVOICE_RULES to a directory of them (EN16931-UBL-validation.xslt,
PEPPOL-EN16931-UBL compiled to XSLT, ...) to also check the hand-built
documents of test_einvoice against them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from billing.cli.app import app
from billing.einvoice.ubl import build_document, file_name, to_bytes
from billing.einvoice.validation import (ValidatorMissing, find_stylesheets, findings_of, short_location,
                                         validate_directory)
from billing.errors import BillingError
from test_einvoice import SELLER, small_credit_note, small_invoice

SVRL = """<svrl:schematron-output xmlns:svrl="http://purl.oclc.org/dsdl/svrl">
  <svrl:active-pattern/>
  <svrl:failed-assert id="BR-CO-16" flag="fatal" location="/Q{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice[1]">
    <svrl:text>[BR-CO-16]-Amount due for payment
      must add up.</svrl:text>
  </svrl:failed-assert>
  <svrl:failed-assert id="SE-R-009" flag="warning" location="/*:Invoice[namespace-uri()='urn:x'][1]/*:PaymentMeans[namespace-uri()='urn:y'][1]">
    <svrl:text>Bankgiro 7-8 characters</svrl:text>
  </svrl:failed-assert>
  <svrl:successful-report id="X-1" location="/"><svrl:text>no flag</svrl:text></svrl:successful-report>
  <svrl:failed-assert id="X-2" flag="information" location="/"><svrl:text>for information</svrl:text></svrl:failed-assert>
</svrl:schematron-output>"""

# Stands in for the official rules: PEPPOL-EN16931-R003 as a fatal assertion,
# and a warning on every document.
RULES_XSL = """<xsl:stylesheet version="2.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:svrl="http://purl.oclc.org/dsdl/svrl"
    xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <xsl:template match="/">
    <svrl:schematron-output>
      <xsl:if test="not(normalize-space(/*/cbc:BuyerReference))">
        <svrl:failed-assert id="PEPPOL-EN16931-R003" flag="fatal" location="/Invoice[1]">
          <svrl:text>A buyer reference or purchase order reference MUST be provided.</svrl:text>
        </svrl:failed-assert>
      </xsl:if>
      <svrl:successful-report id="TEST-W1" flag="warning" location="/">
        <svrl:text>Seen: <xsl:value-of select="/*/cbc:ID"/></svrl:text>
      </svrl:successful-report>
    </svrl:schematron-output>
  </xsl:template>
</xsl:stylesheet>
"""


def cli(*args) -> Result:
    result = CliRunner().invoke(app, [*map(str, args)], env={"COLUMNS": "250"})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def flat(text: str) -> str:
    return " ".join(text.split())


def export_small(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for document in (small_invoice(), small_credit_note()):
        path = directory / file_name(document)
        path.write_bytes(to_bytes(build_document(document, SELLER, {7: small_invoice().issue_date})))
        paths.append(path)
    return paths


def test_findings_of_an_svrl_report():
    findings = findings_of(SVRL, "rules.xsl")
    assert [(f.rule_id, f.flag, f.fatal) for f in findings] == [
        ("BR-CO-16", "fatal", True), ("SE-R-009", "warning", False), ("X-1", "", True),
        ("X-2", "information", False)]
    assert findings[0].text == "[BR-CO-16]-Amount due for payment must add up."
    assert findings[0].location == "/Invoice[1]"
    assert findings[1].location == "/Invoice[1]/PaymentMeans[1]"
    assert {f.rules for f in findings} == {"rules.xsl"}
    assert short_location("/Q{urn:a}CreditNote[1]/Q{urn:b}TaxTotal[1]") == "/CreditNote[1]/TaxTotal[1]"


def test_rules_directory_must_hold_compiled_rules(tmp_path):
    with pytest.raises(BillingError, match="not a directory"):
        find_stylesheets(tmp_path / "missing")
    with pytest.raises(BillingError, match="EN16931-UBL-validation.xslt"):
        find_stylesheets(tmp_path)
    (tmp_path / "PEPPOL-EN16931-UBL.sch").write_text("<schema/>")
    with pytest.raises(BillingError, match="PEPPOL-EN16931-UBL.sch: compile it to XSLT first"):
        find_stylesheets(tmp_path)
    (tmp_path / "b.xslt").write_text("")
    (tmp_path / "a.xsl").write_text("")
    assert [p.name for p in find_stylesheets(tmp_path)] == ["a.xsl", "b.xslt"]


def test_without_saxonche_the_command_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "saxonche", None)  # import fails as if not installed
    export_small(tmp_path / "out")
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "rules.xsl").write_text(RULES_XSL)
    with pytest.raises(ValidatorMissing, match=r"billing\[validate\]"):
        validate_directory(tmp_path / "out", tmp_path / "rules")
    result = cli("validate-einvoice", tmp_path / "out", "--rules", tmp_path / "rules")
    assert result.exit_code == 1
    assert "saxonche" in flat(result.stderr)


def test_validate_reports_per_file_and_fails_on_fatal(tmp_path):
    pytest.importorskip("saxonche")
    out, rules = tmp_path / "out", tmp_path / "rules"
    export_small(out)
    rules.mkdir()
    (rules / "rules.xsl").write_text(RULES_XSL)

    passed = cli("validate-einvoice", out, "--rules", rules)
    assert passed.exit_code == 0, passed.output
    text = flat(passed.stdout)
    assert "credit-note-8.xml: 0 fatal, 1 warning" in text
    assert "warning TEST-W1 [rules.xsl] Seen: 8" in text and "Seen: 7" in text
    assert "2 files checked with 1 rule file (rules.xsl): 0 fatal, 2 warnings." in text

    invoice = out / "invoice-7.xml"
    invoice.write_bytes(invoice.read_bytes().replace(b"<cbc:BuyerReference>A-100</cbc:BuyerReference>", b""))
    (out / "broken.xml").write_text("<Invoice>")
    failed = cli("validate-einvoice", out, "--rules", rules)
    assert failed.exit_code == 1
    text = flat(failed.stdout)
    assert "invoice-7.xml: 1 fatal, 1 warning" in text
    assert "fatal PEPPOL-EN16931-R003 [rules.xsl] A buyer reference or purchase order reference MUST be provided." in text
    assert "broken.xml: 1 fatal, 0 warnings" in text and "not well-formed XML" in text
    assert "3 files checked with 1 rule file (rules.xsl): 2 fatal, 2 warnings." in text


@pytest.mark.skipif(not os.environ.get("BILLING_EINVOICE_RULES"),
                    reason="BILLING_EINVOICE_RULES (a directory of the official rules as XSLT) not set")
def test_the_official_rules_find_nothing_fatal(tmp_path):
    pytest.importorskip("saxonche")
    export_small(tmp_path / "out")
    report = validate_directory(tmp_path / "out", Path(os.environ["BILLING_EINVOICE_RULES"]))
    fatal = [(f.path.name, x.rule_id, x.text) for f in report.files for x in f.fatal]
    assert not fatal


# --- the UBL 2.1 schema -------------------------------------------------------------------
# Stands in for the OASIS schema (xsd/ of os-UBL-2.1.zip), laid out as it is
# there: maindoc/ imports common/. Like the real one, the start of each
# document is a sequence in a fixed order; the aggregates are let through.

CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
XSD_NS = "http://www.w3.org/2001/XMLSchema"
BASIC_XSD = f"""<xsd:schema xmlns:xsd="{XSD_NS}" targetNamespace="{CBC}" elementFormDefault="qualified">
  <xsd:element name="CustomizationID" type="xsd:string"/>
  <xsd:element name="ProfileID" type="xsd:string"/>
  <xsd:element name="ID" type="xsd:string"/>
  <xsd:element name="IssueDate" type="xsd:date"/>
  <xsd:element name="DueDate" type="xsd:date"/>
  <xsd:element name="InvoiceTypeCode" type="xsd:string"/>
  <xsd:element name="CreditNoteTypeCode" type="xsd:string"/>
  <xsd:element name="Note" type="xsd:string"/>
  <xsd:element name="DocumentCurrencyCode" type="xsd:string"/>
  <xsd:element name="BuyerReference" type="xsd:string"/>
</xsd:schema>
"""
AGGREGATE_XSD = f"""<xsd:schema xmlns:xsd="{XSD_NS}" targetNamespace="{CAC}" elementFormDefault="qualified"/>
"""


def main_xsd(namespace: str, root: str, type_elements: str) -> str:
    return f"""<xsd:schema xmlns:xsd="{XSD_NS}" xmlns:cbc="{CBC}" targetNamespace="{namespace}"
    elementFormDefault="qualified">
  <xsd:import namespace="{CAC}" schemaLocation="../common/UBL-CommonAggregateComponents-2.1.xsd"/>
  <xsd:import namespace="{CBC}" schemaLocation="../common/UBL-CommonBasicComponents-2.1.xsd"/>
  <xsd:element name="{root}">
    <xsd:complexType>
      <xsd:sequence>
        <xsd:element ref="cbc:CustomizationID"/>
        <xsd:element ref="cbc:ProfileID"/>
        <xsd:element ref="cbc:ID"/>
        <xsd:element ref="cbc:IssueDate"/>
        {type_elements}
        <xsd:element ref="cbc:Note" minOccurs="0" maxOccurs="unbounded"/>
        <xsd:element ref="cbc:DocumentCurrencyCode"/>
        <xsd:element ref="cbc:BuyerReference" minOccurs="0"/>
        <xsd:any namespace="{CAC}" processContents="lax" maxOccurs="unbounded"/>
      </xsd:sequence>
    </xsd:complexType>
  </xsd:element>
</xsd:schema>
"""


def write_schema(rules: Path) -> None:
    """rules/xsd/maindoc/UBL-Invoice-2.1.xsd, UBL-CreditNote-2.1.xsd and the common/ they import."""
    (rules / "xsd" / "maindoc").mkdir(parents=True)
    (rules / "xsd" / "common").mkdir()
    (rules / "xsd" / "common" / "UBL-CommonBasicComponents-2.1.xsd").write_text(BASIC_XSD)
    (rules / "xsd" / "common" / "UBL-CommonAggregateComponents-2.1.xsd").write_text(AGGREGATE_XSD)
    (rules / "xsd" / "maindoc" / "UBL-Invoice-2.1.xsd").write_text(main_xsd(
        "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2", "Invoice",
        '<xsd:element ref="cbc:DueDate" minOccurs="0"/><xsd:element ref="cbc:InvoiceTypeCode"/>'))
    (rules / "xsd" / "maindoc" / "UBL-CreditNote-2.1.xsd").write_text(main_xsd(
        "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2", "CreditNote",
        '<xsd:element ref="cbc:CreditNoteTypeCode"/>'))


def line_of(path: Path, text: str) -> int:
    """The line of ``path`` (from 1) that holds ``text``."""
    [number] = [n for n, line in enumerate(path.read_text().splitlines(), start=1) if text in line]
    return number


def test_the_schema_reports_an_element_out_of_order_with_its_line(tmp_path):
    out, rules = tmp_path / "out", tmp_path / "rules"
    invoice, credit_note = export_small(out)
    write_schema(rules)  # and no stylesheet: the schema alone is a check, without saxonche

    passed = cli("validate-einvoice", out, "--rules", rules)
    assert passed.exit_code == 0, passed.output
    text = flat(passed.stdout)
    assert "invoice-7.xml: ok" in text and "credit-note-8.xml: ok" in text
    assert f"2 files checked with the UBL 2.1 schema ({rules / 'xsd'}): 0 fatal, 0 warnings." in text

    # The due date moved before the issue date: well-formed, every Peppol rule
    # still holds, but the schema's order is broken.
    lines = invoice.read_text().splitlines(keepends=True)
    issue, due = line_of(invoice, "<cbc:IssueDate>"), line_of(invoice, "<cbc:DueDate>")
    assert due == issue + 1
    lines[issue - 1], lines[due - 1] = lines[due - 1], lines[issue - 1]
    invoice.write_text("".join(lines))
    moved = line_of(invoice, "<cbc:DueDate>")
    assert moved == issue
    # And a credit note with an impossible date: the schema checks types too.
    credit_note.write_text(credit_note.read_text().replace("<cbc:IssueDate>2012-12-12<",
                                                           "<cbc:IssueDate>2012-12-32<"))
    bad_date = line_of(credit_note, "<cbc:IssueDate>2012-12-32<")

    report = validate_directory(out, rules)
    by_file = {f.path.name: f for f in report.files}
    [out_of_order] = by_file["invoice-7.xml"].fatal
    assert (out_of_order.rule_id, out_of_order.rules, out_of_order.line) == ("XSD", "UBL-Invoice-2.1.xsd", moved)
    assert "Element 'cbc:DueDate': This element is not expected. Expected is ( cbc:IssueDate )." \
        == out_of_order.text
    [wrong_type] = by_file["credit-note-8.xml"].fatal
    assert (wrong_type.rules, wrong_type.line) == ("UBL-CreditNote-2.1.xsd", bad_date)
    assert "'2012-12-32' is not a valid value of the atomic type 'xs:date'" in wrong_type.text

    failed = cli("validate-einvoice", out, "--rules", rules)
    assert failed.exit_code == 1
    text = flat(failed.stdout)
    assert "invoice-7.xml: 1 fatal, 0 warnings" in text
    assert (f"fatal XSD [UBL-Invoice-2.1.xsd] Element 'cbc:DueDate': This element is not expected. "
            f"Expected is ( cbc:IssueDate ). at line {moved} (/*/cbc:DueDate)") in text
    assert f"at line {bad_date}" in text
    assert "2 files checked with the UBL 2.1 schema" in text and ": 2 fatal, 0 warnings." in text


def test_the_schema_and_the_rules_together(tmp_path):
    pytest.importorskip("saxonche")
    out, rules = tmp_path / "out", tmp_path / "rules"
    export_small(out)
    write_schema(rules)
    (rules / "rules.xsl").write_text(RULES_XSL)
    (out / "other.xml").write_text("<Order xmlns='urn:x'/>")
    result = cli("validate-einvoice", out, "--rules", rules)
    assert result.exit_code == 1
    text = flat(result.stdout)
    # Not a UBL document (the schema), and no buyer reference (the stand-in rules).
    assert "other.xml: 2 fatal, 1 warning" in text
    assert "fatal XSD [xsd/maindoc] the root element {urn:x}Order is not a UBL 2.1 Invoice or CreditNote" in text
    assert "fatal PEPPOL-EN16931-R003 [rules.xsl]" in text
    assert (f"3 files checked with 1 rule file (rules.xsl) and the UBL 2.1 schema ({rules / 'xsd'}): "
            "2 fatal, 3 warnings.") in text


def test_an_incomplete_schema_folder_is_named(tmp_path):
    export_small(tmp_path / "out")
    (tmp_path / "rules" / "xsd" / "maindoc").mkdir(parents=True)
    (tmp_path / "rules" / "xsd" / "maindoc" / "UBL-Invoice-2.1.xsd").write_text("<not-a-schema/>")
    with pytest.raises(BillingError, match="no maindoc/UBL-CreditNote-2.1.xsd; copy the xsd/ folder"):
        validate_directory(tmp_path / "out", tmp_path / "rules")
    write_schema(tmp_path / "schema")
    (tmp_path / "rules" / "xsd" / "maindoc" / "UBL-CreditNote-2.1.xsd").write_text(
        (tmp_path / "schema" / "xsd" / "maindoc" / "UBL-CreditNote-2.1.xsd").read_text())
    with pytest.raises(BillingError, match="UBL-Invoice-2.1.xsd: not a usable XML Schema"):
        validate_directory(tmp_path / "out", tmp_path / "rules")
