"""`credit_invoice` (billing credit NUMBER --reason TEXT) on SQLite and PostgreSQL:
a full credit note that shows every line of the invoice negated and points to
it, at most one per invoice, numbered in the one gapless document series.

The world of db_helpers, billed for 2012-11 on 2012-12-05, amounts worked out
by hand from tariffs/standard-2012-06.toml:

    1 Alfaverket   fixed 1 x 3000.00; variable 1 x 40.00; PAY-SLIP-DEV 3 x 66.00 = 198.00
                   net 3238.00, VAT 809.50, gross 4047.50, rounding +0.50, payable 4048
    2 Betaverket   payroll 1 x 3000.00, 2 x 40.00 = 80.00, 5 x 66.00 = 330.00;
                   finance 1 x 10000.00, 2 x 156.00 = 312.00 (tier 1-100),
                   FIN-CUSTINV 30 x 45.00 = 1350.00, FIN-ASSET 200 x 3.50 = 700.00
                   net 15772.00, VAT 3943.00, gross 19715.00, rounding 0.00, payable 19715
    3 Gammaverket  net 7192.00, VAT 1798.00, payable 8990
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from billing.domain.agency import FeePart
from billing.errors import DataError
from billing.invoicing.document import DocumentKind
from billing.period import Month
from billing.persistence.documents import read_documents
from billing.persistence.models import InvoiceRow, NumberSeries
from billing.services.billing_run import Override, run_month
from billing.services.corrections import Correction, DEFAULT_REASON, correct_month, credit_invoice, month_balance
from billing.services.verify import verify_documents
from billing.services.volumes import import_volumes
from db_helpers import (ORG_A, ORG_B, ORG_C, TARIFFS, WORLD_AGENCIES, WORLD_VOLUMES, billed,
                        check_assumed_prices, correct_alfaverket_payslips, dump, scalar, write,
                        write_volumes)
from helpers_cli import cli, flat

D = Decimal
NOVEMBER = Month(2012, 11)
CREDIT_DATE = date(2012, 12, 12)
REASON = "Myndigheten bestrider fakturan: dubbelfakturerad"


def billed_world(engine, tmp_path):
    check_assumed_prices()
    assert len(billed(engine, tmp_path).issued["2012-11"]) == 3


def credit(engine, number, reason=REASON, issue=CREDIT_DATE):
    with Session(engine) as session, session.begin():
        return credit_invoice(session, number, reason, issue)


def documents(engine, *criteria):
    with Session(engine) as session:
        return read_documents(session, *criteria)


def balance(engine):
    with Session(engine) as session:
        return month_balance(session, NOVEMBER)


def next_number(engine):
    return scalar(engine, sa.select(NumberSeries.next_number).where(NumberSeries.name == "invoice"))


def totals(document):
    t = document.totals
    return (t.net, t.vat, t.gross, t.rounding, t.payable)


def test_credit_note_reverses_the_invoice_line_by_line(engine, tmp_path):
    billed_world(engine, tmp_path)

    note = credit(engine, 1)

    assert (note.number, note.kind, note.credits, note.replaces) == (4, DocumentKind.CREDIT_NOTE, 1, None)
    assert (note.organisation_number, note.agency_name, note.buyer_reference, note.period) == (
        ORG_A, "Alfaverket", "A-100", NOVEMBER)
    # Nothing is due on a credit note: due on its own date.
    assert (note.issue_date, note.due_date, note.reason) == (CREDIT_DATE, CREDIT_DATE, REASON)
    # Quantity and amount negated, unit price kept: -3 x 66.00 = -198.00.
    assert [(l.part, l.quantity, l.unit_price, l.amount) for l in note.lines] == [
        (FeePart.BASE_FIXED, D("-1"), D("3000.00"), D("-3000.00")),
        (FeePart.BASE_VARIABLE, D("-1"), D("40.00"), D("-40.00")),
        (FeePart.TRANSACTION, D("-3"), D("66.00"), D("-198.00"))]
    # -4047.50 rounds half away from zero to -4048: the rounding mirrors the invoice's +0.50.
    assert totals(note) == (D("-3238.00"), D("-809.50"), D("-4047.50"), D("-0.50"), D("-4048"))
    assert [(s.rate, s.taxable, s.vat) for s in note.totals.vat_subtotals] == [
        (D("25"), D("-3238.00"), D("-809.50"))]
    assert documents(engine, InvoiceRow.number == 4) == [note]
    assert next_number(engine) == 5
    # A owes nothing for November now: 4048 - 4048.
    assert balance(engine) == {ORG_A: D("0"), ORG_B: D("19715"), ORG_C: D("8990")}


def test_every_line_of_a_larger_invoice_is_shown_negated(engine, tmp_path):
    billed_world(engine, tmp_path)
    [invoice] = documents(engine, InvoiceRow.number == 2)

    note = credit(engine, 2)

    assert len(note.lines) == len(invoice.lines) == 7
    for original, reversed_ in zip(invoice.lines, note.lines):
        # Everything but quantity and amount is kept: description, unit price,
        # VAT rate, price list, tier steps, and the volume records it priced.
        assert reversed_.quantity == -original.quantity
        assert reversed_.amount == -original.amount
        assert reversed_.quantity * reversed_.unit_price == reversed_.amount
        for field in ("area", "part", "service_code", "description", "unit", "unit_price",
                      "vat_rate", "price_list_id", "tier_steps", "volume_record_ids", "detail"):
            assert getattr(reversed_, field) == getattr(original, field), field
    assert sorted(l.amount for l in note.lines) == [
        D("-10000.00"), D("-3000.00"), D("-1350.00"), D("-700.00"), D("-330.00"),
        D("-312.00"), D("-80.00")]
    assert totals(note) == (D("-15772.00"), D("-3943.00"), D("-19715.00"), D("0.00"), D("-19715"))
    assert balance(engine)[ORG_B] == D("0")


def test_after_a_credit_note_the_agency_is_billed_again_only_when_named(engine, tmp_path):
    # Invoice 1 is credited (4) on purpose. A correction of the month leaves the
    # agency alone; named with --agency it re-rates it and bills it again:
    # invoice 5, the same charges as invoice 1 (3238.00 net, payable 4048), which
    # says it follows invoice 1. Balance: 4048 - 4048 + 4048.
    billed_world(engine, tmp_path)
    credit(engine, 1)

    assert correct_month_now(engine) == Correction((), ())
    with Session(engine) as session, session.begin():
        result = correct_month(session, NOVEMBER, date(2012, 12, 20), ORG_A, DEFAULT_REASON)

    assert result.credit_notes == ()
    [new] = result.invoices
    assert (new.number, new.kind, new.organisation_number) == (5, DocumentKind.INVOICE, ORG_A)
    assert new.replaces == 1
    assert totals(new) == (D("3238.00"), D("809.50"), D("4047.50"), D("0.50"), D("4048"))
    assert [(l.quantity, l.amount) for l in new.lines] == [
        (D("1"), D("3000.00")), (D("1"), D("40.00")), (D("3"), D("198.00"))]
    assert balance(engine) == {ORG_A: D("4048"), ORG_B: D("19715"), ORG_C: D("8990")}
    # And the new invoice can be credited in turn, once.
    assert credit(engine, 5, issue=date(2012, 12, 21)).credits == 5
    assert balance(engine)[ORG_A] == D("0")


def correct_month_now(engine, issue=date(2012, 12, 20)):
    with Session(engine) as session, session.begin():
        return correct_month(session, NOVEMBER, issue, None, DEFAULT_REASON)


def test_an_invoice_corrected_cannot_be_credited_again(engine, tmp_path):
    billed_world(engine, tmp_path)
    correct_alfaverket_payslips(engine, tmp_path, reason="fel antal")
    assert [d.number for d in correct_month_now(engine).credit_notes] == [4]
    before = dump(engine)
    with pytest.raises(DataError, match="invoice 1 is already credited by credit note 4"):
        credit(engine, 1)
    assert dump(engine) == before


# --- refusals: each a DataError, nothing written ------------------------------------------------


def test_crediting_an_invoice_twice_is_refused(engine, tmp_path):
    billed_world(engine, tmp_path)
    credit(engine, 2)
    before = dump(engine)
    with pytest.raises(DataError, match=r"\[number\]: invoice 2 is already credited by credit note 4"):
        credit(engine, 2, issue=date(2012, 12, 13))
    assert dump(engine) == before


def test_crediting_a_credit_note_is_refused(engine, tmp_path):
    billed_world(engine, tmp_path)
    credit(engine, 1)
    before = dump(engine)
    with pytest.raises(DataError, match="4 is a credit note, not an invoice"):
        credit(engine, 4)
    assert dump(engine) == before


@pytest.mark.parametrize("number", [0, 4, 999])
def test_crediting_an_unknown_number_is_refused(engine, tmp_path, number):
    billed_world(engine, tmp_path)
    before = dump(engine)
    with pytest.raises(DataError, match=f"no document number {number}"):
        credit(engine, number)
    assert dump(engine) == before


@pytest.mark.parametrize("reason", ["", "  \t "])
def test_crediting_without_a_reason_is_refused(engine, tmp_path, reason):
    billed_world(engine, tmp_path)
    before = dump(engine)
    with pytest.raises(DataError, match=r"\[reason\]: a credit note needs a reason"):
        credit(engine, 1, reason=reason)
    assert dump(engine) == before


def test_a_credit_note_dated_before_its_invoice_is_refused(engine, tmp_path):
    billed_world(engine, tmp_path)
    before = dump(engine)
    with pytest.raises(DataError, match="before the invoice's 2012-12-05"):
        credit(engine, 1, issue=date(2012, 12, 4))
    assert dump(engine) == before


def test_credit_notes_continue_the_one_series_and_the_seal_chain(engine, tmp_path):
    billed_world(engine, tmp_path)
    assert [credit(engine, n).number for n in (3, 1)] == [4, 5]
    with Session(engine) as session, session.begin():
        import_volumes(session, write_volumes(tmp_path, "dec.csv", WORLD_VOLUMES["2012-12"]))
    # December continues the series after the credit notes.
    with Session(engine) as session, session.begin():
        december = run_month(session, Month(2012, 12), date(2013, 1, 7),
                             Override(("all",), "the test world's December is smaller")).invoices
    assert [i.number for i in december] == [6, 7, 8]
    with Session(engine) as session:
        verification = verify_documents(session)
    assert verification.documents == 8 and verification.intact, verification.findings


# --- the command line -----------------------------------------------------------------------


def test_credit_on_the_command_line(engine, database_url, tmp_path):
    url = database_url
    assert cli(url, "tariffs", "load", TARIFFS).exit_code == 0
    assert cli(url, "agencies", "import", write(tmp_path, "agencies.toml", WORLD_AGENCIES)).exit_code == 0
    assert cli(url, "volumes", "import",
               write_volumes(tmp_path, "nov.csv", WORLD_VOLUMES["2012-11"])).exit_code == 0
    assert cli(url, "run", "2012-11", "--date", "2012-12-05").exit_code == 0

    assert cli(url, "credit", "1").exit_code == 2  # --reason is required
    before = dump(engine)
    blank = cli(url, "credit", "1", "--reason", " ", "--date", "2012-12-12")
    assert blank.exit_code == 1 and "a credit note needs a reason" in flat(blank.stderr)
    # The service names the domain's field (reason); the user reads the option typed.
    assert "[--reason]: a credit note needs a reason" in flat(blank.stderr)
    assert "[reason]" not in blank.stderr
    assert dump(engine) == before

    issued = cli(url, "credit", "1", "--reason", REASON, "--date", "2012-12-12")
    assert issued.exit_code == 0, issued.stderr
    out = flat(issued.stdout)
    for expected in ("Kreditfaktura", "Kreditfakturanummer 4", "Krediterar faktura 1",
                     f"Orsak {REASON}", "Fakturadatum 2012-12-12", "Förfallodatum 2012-12-12",
                     "-198,00", "Summa exkl. moms -3 238,00", "Öresavrundning -0,50",
                     "Kreditbelopp (SEK) -4 048,00", "Credit note 4 issued for invoice 1."):
        assert expected in out, expected

    before = dump(engine)
    twice = cli(url, "credit", "1", "--reason", REASON, "--date", "2012-12-13")
    assert twice.exit_code == 1
    assert "invoice 1 is already credited by credit note 4" in flat(twice.stderr)
    assert "[NUMBER]: invoice 1 is already credited" in flat(twice.stderr)
    unknown = cli(url, "credit", "42", "--reason", REASON, "--date", "2012-12-13")
    assert unknown.exit_code == 1 and "no document number 42" in flat(unknown.stderr)
    assert "[NUMBER]: no document number 42" in flat(unknown.stderr)
    early = cli(url, "credit", "2", "--reason", REASON, "--date", "2012-12-01")
    assert early.exit_code == 1 and "[--date]: the credit note's date 2012-12-01" in flat(early.stderr)
    assert dump(engine) == before

    listed = flat(cli(url, "invoices", "list", "--period", "2012-11").stdout)
    assert "│ 4 │ Kredit │ 2012-11 │ 2012-12-12 │" in listed
    assert "3 fakturor, 1 kreditfaktura" in listed
