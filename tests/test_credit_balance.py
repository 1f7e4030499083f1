"""A month that nets to a credit is never an invoice (issue 10), on SQLite and
PostgreSQL: the run and a correction hold it back, naming the agency and the
amounts; `billing credit-balance` issues it on purpose as a credit note; the
audit flags it until then; outputs, the seal chain and corrections handle the note.

World of db_helpers (prices of tariffs/standard-2012-06.toml). Alfaverket's
November fees: payroll 3000.00 fixed + 1 x 40.00 + 3 payslips x 66.00 = 3238.00.
Betaverket's 15772.00 (payable 19715) and Gammaverket's 7192.00 (payable 8990)
are worked out in test_audit.

With a refund of -10000.00 at 25 % passed through to Alfaverket:
    net 3238.00 - 10000.00 = -6762.00; VAT 25 % -1690.50; gross -8452.50;
    payable -8453 (halves away from zero), rounding -0.50.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from lxml import etree
from pypdf import PdfReader
from sqlalchemy.orm import Session

from billing.audit.findings import Status
from billing.domain.agency import FeePart
from billing.errors import AlreadyDone, DataError
from billing.invoicing.document import AgencyDocument, DocumentKind
from billing.period import Month
from billing.persistence.documents import document_by_number
from billing.persistence.invoice_store import issue_documents
from billing.persistence.models import EventRow, PassThroughRow
from billing.services.audit import run_audit
from billing.services.billing_run import draft_month, run_month
from billing.services.corrections import correct_month, credit_invoice, month_balance
from billing.services.credit_balance import issue_credit_balance
from billing.services.passthrough import import_pass_through
from billing.services.verify import verify_documents
from billing.services.volumes import correct_volumes
from db_helpers import (ORG_A, ORG_B, ORG_C, WORLD_AGENCIES, check_assumed_prices, dump, setup_world,
                        write_amounts, write_volumes)
from helpers_cli import cli, flat

NOVEMBER = Month(2012, 11)
RUN_DATE, NOTE_DATE, CORRECTION_DATE = date(2012, 12, 5), date(2012, 12, 10), date(2012, 12, 20)
REASON = "Återbetalning överstiger avgifterna"
# Gammaverket's payroll agreement gets a buyer reference, so the month can be exported to Peppol.
AGENCIES = WORLD_AGENCIES.replace('  area = "payroll"\n  connected_on = 2012-06-01\n\n  [[agencies.agreements]]\n'
                                  '  area = "eprocurement"',
                                  '  area = "payroll"\n  connected_on = 2012-06-01\n  buyer_reference = "C-300"\n\n'
                                  '  [[agencies.agreements]]\n  area = "eprocurement"')


def world_with_refund(engine, tmp_path, amount: str = "-10000.00"):
    check_assumed_prices()
    assert AGENCIES != WORLD_AGENCIES
    setup_world(engine, tmp_path, agencies_text=AGENCIES)
    amounts = write_amounts(tmp_path, "refund.csv", [f"2012-11,{ORG_A},payroll,Återbetalning Palasso,{amount},25"])
    with Session(engine) as session, session.begin():
        import_pass_through(session, amounts)


def run_november(engine):
    with Session(engine) as session, session.begin():
        return run_month(session, NOVEMBER, RUN_DATE)


def credit_balance(engine, org=ORG_A, reason=REASON, on=NOTE_DATE):
    with Session(engine) as session, session.begin():
        return issue_credit_balance(session, NOVEMBER, org, reason, on)


def correct_payslips(engine, tmp_path, quantity: int):
    corrected = write_volumes(tmp_path, f"payslips-{quantity}.csv", [f"2012-11,{ORG_A},PAY-SLIP-DEV,{quantity},Palasso,"])
    with Session(engine) as session, session.begin():
        correct_volumes(session, corrected, "fel antal lönespecifikationer")
    with Session(engine) as session, session.begin():
        return correct_month(session, NOVEMBER, CORRECTION_DATE)


def audit(engine):
    with Session(engine) as session:
        return run_audit(session, NOVEMBER, NOVEMBER, seed=1)


def failed(report) -> set[str]:
    return {c.name for c in report.checks if c.status is Status.FAILED}


def findings(report, name: str) -> list[str]:
    return [f.message for c in report.checks if c.name == name for f in c.findings]


def balance(engine) -> dict[str, Decimal]:
    with Session(engine) as session:
        return month_balance(session, NOVEMBER)


def assert_whole(engine):
    report = audit(engine)
    assert report.passed, [(c.name, c.findings) for c in report.checks if c.findings and not c.informational]
    with Session(engine) as session:
        assert verify_documents(session).intact


# --- the run holds it back; the command issues it ------------------------------------------

def test_the_run_holds_back_a_month_that_nets_to_a_credit(engine, database_url, tmp_path):
    world_with_refund(engine, tmp_path)

    result = cli(database_url, "run", "2012-11", "--date", RUN_DATE)

    assert result.exit_code == 0, result.stderr
    out = flat(result.stdout)
    assert (f"held back: {ORG_A} Alfaverket: 2012-11 nets to a credit (net -6 762,00, VAT -1 690,50, "
            "payable -8 453,00 SEK); no invoice is issued for a negative amount. To issue it as a credit "
            f"note: billing credit-balance 2012-11 --agency {ORG_A} --reason TEXT") in out
    assert "2 invoices issued for 2012-11, numbers 1-2" in out
    with Session(engine) as session:
        assert [(d.document.number, d.document.organisation_number) for d in
                (document_by_number(session, n) for n in (1, 2))] == [(1, ORG_B), (2, ORG_C)]
        assert document_by_number(session, 3) is None
        event = session.scalars(sa.select(EventRow).where(EventRow.action == "run")).one()
    assert event.summary == f"2 invoices issued, numbers 1-2; held back, netting to a credit: {ORG_A}"
    # The month is billed: a late amount is refused, a second run issues nothing.
    assert cli(database_url, "run", "2012-11", "--date", RUN_DATE).exit_code == 0
    assert balance(engine) == {ORG_B: Decimal("19715"), ORG_C: Decimal("8990")}


def test_the_audit_flags_the_held_back_month_with_the_command_until_it_is_issued(engine, tmp_path):
    world_with_refund(engine, tmp_path)
    run_november(engine)
    with engine.connect() as connection:
        charge = connection.execute(sa.select(PassThroughRow.id)).scalar_one()

    report = audit(engine)

    assert failed(report) == {"completeness"}
    completeness = findings(report, "completeness")
    assert (f"{ORG_A} Alfaverket: 2012-11 ger ett kreditsaldo (netto -6 762,00, moms -1 690,50, att betala "
            f"-8 453,00 kr) och hölls tillbaka; utfärda det som kreditnota: billing credit-balance 2012-11 "
            f"--agency {ORG_A} --reason TEXT") in completeness
    assert (f"det vidarefakturerade beloppet {charge} ({ORG_A} Lön Återbetalning Palasso -10 000,00 i 2012-11) "
            "finns inte på någon faktura") in completeness
    assert not any("men ingen faktura" in message for message in completeness)

    [note] = credit_balance(engine)

    assert (note.number, note.kind, note.credits, note.replaces, note.reason) == (
        3, DocumentKind.CREDIT_NOTE, None, None, REASON)
    assert (note.totals.net, note.totals.vat, note.totals.rounding, note.totals.payable) == (
        Decimal("-6762.00"), Decimal("-1690.50"), Decimal("-0.50"), Decimal("-8453"))
    # The lines as rated, with their signs: the fees positive, the refund negative.
    assert [(l.part, l.amount) for l in note.lines] == [
        (FeePart.BASE_FIXED, Decimal("3000.00")), (FeePart.BASE_VARIABLE, Decimal("40.00")),
        (FeePart.TRANSACTION, Decimal("198.00")), (FeePart.PASS_THROUGH, Decimal("-10000.00"))]
    assert note.due_date == NOTE_DATE
    assert_whole(engine)
    assert balance(engine)[ORG_A] == Decimal("-8453")
    with Session(engine) as session:
        event = session.scalars(sa.select(EventRow).order_by(EventRow.id.desc())).first()
    assert (event.action, event.arguments["agency"], event.arguments["reason"]) == ("credit-balance", ORG_A, REASON)


def test_issuing_it_again_or_for_the_wrong_agency_or_month_changes_nothing(engine, tmp_path):
    world_with_refund(engine, tmp_path)
    run_november(engine)
    credit_balance(engine)
    before = dump(engine)

    with pytest.raises(AlreadyDone, match="2012-11 of 202100-0001 Alfaverket is already issued as credit note 3"):
        credit_balance(engine)
    with pytest.raises(DataError) as not_a_credit:
        credit_balance(engine, org=ORG_B)
    with pytest.raises(DataError, match="needs a reason"):
        credit_balance(engine, reason=" ")
    with pytest.raises(DataError, match="2012-12 has never been billed"):
        with Session(engine) as session, session.begin():
            issue_credit_balance(session, Month(2012, 12), ORG_A, REASON, date(2013, 1, 5))

    # Betaverket: 15772.00, VAT 3943.00, payable 19715: an invoice, not a credit.
    assert not_a_credit.value.problems[0].message == (
        f"{ORG_B} Betaverket: 2012-11 does not net to a credit (net 15 772,00, VAT 3 943,00, payable "
        f"19 715,00 SEK): it is billed by invoice ('billing correct 2012-11 --agency {ORG_B}')")
    assert dump(engine) == before


def test_the_command_line_issues_it_and_every_output_takes_it(engine, database_url, tmp_path):
    world_with_refund(engine, tmp_path)
    run_november(engine)

    result = cli(database_url, "credit-balance", "2012-11", "--agency", ORG_A, "--reason", REASON,
                 "--date", NOTE_DATE)

    assert result.exit_code == 0, result.stderr
    assert f"Credit note 3 issued for {ORG_A}'s 2012-11: -8 453,00 SEK." in flat(result.stdout)
    assert "Kreditfaktura" in result.stdout
    again = cli(database_url, "credit-balance", "2012-11", "--agency", ORG_A, "--reason", REASON)
    assert again.exit_code == 0 and "already issued as credit note 3" in flat(again.stdout)

    peppol = cli(database_url, "export", "peppol", "2012-11", "--out", tmp_path / "peppol")
    assert peppol.exit_code == 0, peppol.stderr
    root = etree.parse(str(tmp_path / "peppol" / "credit-note-3.xml")).getroot()
    ns = {"cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
          "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"}
    # A CreditNote of a positive 8453.00 (6762.00 net + 1690.50 VAT - 0.50 rounding).
    assert root.findtext("cac:LegalMonetaryTotal/cbc:PayableAmount", namespaces=ns) == "8453.00"
    assert root.findtext("cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount", namespaces=ns) == "6762.00"
    sie = cli(database_url, "export", "sie", "2012-11", "--out", tmp_path / "nov.se")
    assert sie.exit_code == 0, sie.stderr
    pdf = cli(database_url, "invoice", "pdf", "3", "--out", tmp_path / "3.pdf")
    assert pdf.exit_code == 0, pdf.stderr
    text = " ".join(page.extract_text() for page in PdfReader(str(tmp_path / "3.pdf")).pages)
    assert "till er förmån" in " ".join(text.split())


# --- corrections ------------------------------------------------------------------------------

def test_a_correction_that_stays_a_credit_is_held_back_then_reissued(engine, tmp_path):
    world_with_refund(engine, tmp_path)
    run_november(engine)
    credit_balance(engine)

    # Payslips 3 -> 4: fees 3000.00 + 40.00 + 4 x 66.00 = 3304.00; net -6696.00,
    # VAT -1674.00, gross -8370.00, payable -8370.
    correction = correct_payslips(engine, tmp_path, 4)

    assert (correction.credit_notes, correction.invoices) == ((), ())
    [held] = correction.held_back
    assert (held.organisation_number, held.totals.net, held.totals.payable) == (ORG_A, Decimal("-6696.00"),
                                                                                 Decimal("-8370"))
    # Note 3 still stands, re-rated from the records it names; the new record is on no document.
    report = audit(engine)
    assert failed(report) == {"completeness"}
    assert [m for m in findings(report, "completeness") if "PAY-SLIP-DEV 4 i 2012-11) finns inte på någon faktura" in m]

    reversal, note = credit_balance(engine, reason="Rättade volymer", on=date(2012, 12, 21))

    # 4 reverses note 3 (+8453); 5 is the month's new credit, replacing 3.
    assert (reversal.number, reversal.kind, reversal.credits, reversal.totals.payable) == (
        4, DocumentKind.INVOICE, 3, Decimal("8453"))
    assert (note.number, note.kind, note.credits, note.replaces, note.totals.payable) == (
        5, DocumentKind.CREDIT_NOTE, None, 3, Decimal("-8370"))
    assert_whole(engine)
    # -8453 + 8453 - 8370 = -8370: exactly the corrected month.
    assert balance(engine)[ORG_A] == Decimal("-8370")
    with pytest.raises(DataError, match="invoice 4 reverses credit note 3"):
        with Session(engine) as session, session.begin():
            credit_invoice(session, 4, "fel", date(2012, 12, 28))


def test_a_correction_that_turns_the_credit_into_a_charge_reverses_the_note(engine, tmp_path):
    world_with_refund(engine, tmp_path)
    run_november(engine)
    credit_balance(engine)

    # Payslips 3 -> 200: fees 3000.00 + 40.00 + 200 x 66.00 = 16240.00; net
    # 6240.00, VAT 1560.00, payable 7800.
    correction = correct_payslips(engine, tmp_path, 200)

    assert correction.held_back == ()
    assert [(d.number, d.credits, d.replaces, d.totals.payable) for d in correction.invoices] == [
        (4, 3, None, Decimal("8453")), (5, None, 3, Decimal("7800"))]
    assert_whole(engine)
    assert balance(engine)[ORG_A] == Decimal("7800")  # -8453 + 8453 + 7800


def test_a_correction_that_turns_an_invoice_into_a_credit_holds_it_back(engine, tmp_path):
    # A refund of -3200.00: net 3238.00 - 3200.00 = 38.00, VAT 9.50, gross
    # 47.50, payable 48: an invoice (1).
    world_with_refund(engine, tmp_path, amount="-3200.00")
    assert [(i.number, i.totals.payable) for i in run_november(engine).invoices][0] == (1, Decimal("48"))
    # Payslips 3 -> 1: fees 3000.00 + 40.00 + 66.00 = 3106.00; net -94.00, VAT
    # -23.50, gross -117.50, payable -118 (halves away from zero).
    correction = correct_payslips(engine, tmp_path, 1)

    assert (correction.credit_notes, correction.invoices) == ((), ())
    assert [(h.totals.net, h.totals.vat, h.totals.payable) for h in correction.held_back] == [
        (Decimal("-94.00"), Decimal("-23.50"), Decimal("-118"))]
    assert balance(engine)[ORG_A] == Decimal("48")  # invoice 1 untouched, still in force

    credit_note, note = credit_balance(engine, reason="Rättade volymer", on=CORRECTION_DATE)

    assert (credit_note.number, credit_note.kind, credit_note.credits, credit_note.totals.payable) == (
        4, DocumentKind.CREDIT_NOTE, 1, Decimal("-48"))
    assert (note.number, note.credits, note.replaces, note.totals.payable) == (5, None, 1, Decimal("-118"))
    assert_whole(engine)
    assert balance(engine)[ORG_A] == Decimal("-118")  # 48 - 48 - 118


def test_a_month_that_nets_to_zero_is_an_invoice_of_nothing_to_pay(engine, tmp_path):
    # A refund of exactly the fees, -3238.00: net 0.00, VAT 0.00, payable 0.
    world_with_refund(engine, tmp_path, amount="-3238.00")

    result = run_november(engine)

    assert result.held_back == ()
    alfa = result.invoices[0]
    assert (alfa.organisation_number, alfa.kind, alfa.totals.net, alfa.totals.payable) == (
        ORG_A, DocumentKind.INVOICE, Decimal("0.00"), Decimal("0"))
    assert_whole(engine)


def test_a_negative_invoice_issued_before_the_rule_is_found_and_put_right(engine, tmp_path):
    # As main issued it: the held-back draft issued as an invoice of -8453.
    world_with_refund(engine, tmp_path)
    run_november(engine)
    with Session(engine) as session, session.begin():
        [draft] = [d for d in draft_month(session, NOVEMBER, RUN_DATE) if d.document.organisation_number == ORG_A]
        [negative] = issue_documents(session, [AgencyDocument(draft.agency_id, draft.document)])
    assert (negative.number, negative.kind, negative.totals.payable) == (3, DocumentKind.INVOICE, Decimal("-8453"))

    report = audit(engine)

    assert failed(report) == {"completeness"}
    assert findings(report, "completeness") == [
        "faktura med negativt belopp (netto -6 762,00, moms -1 690,50, att betala -8 453,00 kr): en månad "
        f"med kreditsaldo ska vara en kreditnota: billing credit-balance 2012-11 --agency {ORG_A} --reason TEXT"]

    credit_note, note = credit_balance(engine)

    assert (credit_note.credits, note.replaces, note.totals.payable) == (3, 3, Decimal("-8453"))
    assert_whole(engine)
    assert balance(engine)[ORG_A] == Decimal("-8453")  # -8453 + 8453 - 8453
