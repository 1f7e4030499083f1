"""`billing payments match FILE`: payments matched to open invoices by OCR
reference, on SQLite and PostgreSQL, and the matching itself without a database.

OCR references (payments/ocr.py: number, length digit, Luhn check digit), by hand:
    1 -> "1" + length 3 -> "13", Luhn over 13: 3x2=6, +1 = 7, check 3      -> "133"
    3 -> "33": 6 + 3 = 9, check 1                                          -> "331"
    4 -> "43": 6 + 4 = 10, check 0                                         -> "430"
    5 -> "53": 6 + 5 = 11, check 9                                         -> "539"
    2 -> "232";  99 -> "99" + length 4 -> "994": 8 + 9 + (18 -> 9) = 26, check 4 -> "9944"
    "134": Luhn fails (wrong check digit); "141": Luhn holds, but length digit 4 for 3 digits.

The world of db_helpers billed for 2012-11 on 2012-12-05 (due 2013-01-04):
invoice 1 Alfaverket 4048, 2 Betaverket 19715, 3 Gammaverket 8990. Then
Betaverket's payslips corrected 5 -> 6 and the month corrected on 2012-12-20:
credit note 4 reverses invoice 2, and invoice 5 replaces it: payroll 3000.00 +
80.00 + 6 x 66.00 = 3476.00, finance 12362.00, net 15838.00, VAT 3959.50,
payable 19798 (rounding +0.50).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from billing.invoicing.document import DocumentKind
from billing.invoicing.in_force import DocumentHead
from billing.payments.matching import Status, match_payments, referenced_number
from billing.payments.ocr import ocr_reference
from billing.payments.payments_csv import Payment
from billing.period import Month
from billing.services.billing_run import run_month
from billing.services.corrections import correct_month
from billing.services.volumes import correct_volumes
from db_helpers import ORG_A, ORG_B, ORG_C, VOLUME_HEADER, check_assumed_prices, dump, setup_world, write
from factories import head as document_head
from helpers_cli import cli

D = Decimal
NOVEMBER = Month(2012, 11)
DUE = date(2013, 1, 4)


def test_hand_worked_references():
    assert [ocr_reference(n) for n in (1, 2, 3, 4, 5, 99)] == ["133", "232", "331", "430", "539", "9944"]
    assert referenced_number("133") == (1, "")
    assert referenced_number("134") == (None, "wrong check digit")
    assert referenced_number("141") == (None, "wrong length digit")
    assert referenced_number("13a") == (None, "not an OCR number (digits only)")
    assert referenced_number("") == (None, "no reference")


def head(number, payable, kind=DocumentKind.INVOICE, credits=None, replaces=None) -> DocumentHead:
    return document_head(number, kind=kind, org="202100-0001", name="Alfaverket", period=str(NOVEMBER),
                         due_date=DUE, payable=payable, credits=credits, replaces=replaces)


def pay(line, reference, amount) -> Payment:
    return Payment(line, reference, D(amount), date(2013, 1, 3))


def test_paid_part_paid_over_paid_and_unmatched():
    # 4 credits 2, and 5 replaces it.
    documents = {1: head(1, "4048.00"), 2: head(2, "19715.00"), 3: head(3, "8990.00"),
                 4: head(4, "-19715.00", DocumentKind.CREDIT_NOTE, credits=2),
                 5: head(5, "19798.00", replaces=2)}
    payments = [pay(2, "133", "4048.00"), pay(3, "331", "5000.00"), pay(4, "331", "3000.00"),
                pay(5, "539", "19800.00"), pay(6, "232", "19715.00"), pay(7, "430", "100.00"),
                pay(8, "134", "50.00"), pay(9, "9944", "75.00")]
    report = match_payments(payments, documents)
    assert [(e.invoice.number, e.paid, e.balance, e.status, [p.line for p in e.payments])
            for e in report.invoices] == [
        (1, D("4048.00"), D("0.00"), Status.PAID, [2]),
        (3, D("8000.00"), D("990.00"), Status.PART_PAID, [3, 4]),  # 5000 + 3000 of 8990
        (5, D("19800.00"), D("-2.00"), Status.OVER_PAID, [5])]     # 2.00 too much
    assert [(u.payment.line, u.number, u.reason) for u in report.unmatched] == [
        (6, 2, "invoice 2 is credited by credit note 4, replaced by invoice 5"),
        (7, 4, "document 4 is a credit note: nothing is due on it"),
        (8, None, "wrong check digit"),
        (9, 99, "no document number 99")]
    assert report.total == D("51788.00") and report.unmatched_total == D("19940.00")


# --- on a database, through the command line ---


def flat(text: str) -> str:
    """Whitespace collapsed and the table's column rules dropped."""
    return " ".join(text.replace("│", " ").split())


PAYMENTS = "\n".join([
    "reference,amount,date",
    "133,4048.00,2013-01-03",    # line 2: invoice 1 paid
    "331,5000.00,2013-01-02",    # line 3: invoice 3 ...
    "331,3000,2013-01-04",       # line 4: ... part-paid, 990.00 left
    "539,19800.00,2013-01-15",   # line 5: invoice 5 over-paid by 2.00
    "232,19715.00,2013-01-03",   # line 6: invoice 2 was credited and replaced
    "430,100.00,2013-01-03",     # line 7: a credit note
    "134,50.00,2013-01-03",      # line 8: wrong check digit
    "9944,75.00,2013-01-03",     # line 9: no such document
    "=1+1,1.00,2013-01-03",      # line 10: not an OCR number, and a formula to a spreadsheet
]) + "\n"


def corrected(engine, tmp_path) -> str:
    check_assumed_prices()
    setup_world(engine, tmp_path)
    with Session(engine) as session, session.begin():
        run_month(session, NOVEMBER, date(2012, 12, 5))
    fix = write(tmp_path, "fix.csv", f"{VOLUME_HEADER}\n2012-11,{ORG_B},PAY-SLIP-DEV,6,Palasso,\n")
    with Session(engine) as session, session.begin():
        correct_volumes(session, fix, "Sent lönespecifikation")
    with Session(engine) as session, session.begin():
        result = correct_month(session, NOVEMBER, date(2012, 12, 20))
        assert [(d.number, d.kind) for d in result.credit_notes + result.invoices] == [
            (4, DocumentKind.CREDIT_NOTE), (5, DocumentKind.INVOICE)]
        assert result.invoices[0].totals.payable == D("19798")
    return engine.url.render_as_string(hide_password=False)


def test_match_table_changes_nothing(engine, tmp_path):
    url = corrected(engine, tmp_path)
    before = dump(engine)
    result = cli(url, "payments", "match", write(tmp_path, "bank.csv", PAYMENTS))
    assert result.exit_code == 0, result.output
    assert dump(engine) == before
    text = flat(result.output)
    assert f"1 {ORG_A} Alfaverket 2013-01-04 4 048,00 4 048,00 0,00 betald rad 2" in text
    assert f"3 {ORG_C} Gammaverket 2013-01-04 8 990,00 8 000,00 990,00 delbetald rad 3, rad 4" in text
    assert f"5 {ORG_B} Betaverket 2013-01-19 19 798,00 19 800,00 -2,00 överbetald rad 5" in text
    assert "6 232 2013-01-03 19 715,00 invoice 2 is credited by credit note 4, replaced by invoice 5" in text
    assert "7 430 2013-01-03 100,00 document 4 is a credit note: nothing is due on it" in text
    assert "10 =1+1 2013-01-03 1,00 not an OCR number (digits only)" in text
    assert ("9 payments, 51 789,00 SEK; 3 invoices: 1 paid, 1 part-paid, 1 over-paid; "
            "5 unmatched payments, 19 941,00 SEK. Nothing was changed.") in text


def test_match_as_csv_and_json(engine, tmp_path):
    url = corrected(engine, tmp_path)
    bank = write(tmp_path, "bank.csv", PAYMENTS)
    result = cli(url, "payments", "match", bank, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [(r["line"], r["document"], r["outcome"], r["amount"]) for r in rows] == [
        ("2", "1", "paid", "4048.00"), ("3", "3", "part-paid", "5000.00"), ("4", "3", "part-paid", "3000.00"),
        ("5", "5", "over-paid", "19800.00"), ("6", "2", "unmatched", "19715.00"),
        ("7", "4", "unmatched", "100.00"), ("8", "", "unmatched", "50.00"), ("9", "99", "unmatched", "75.00"),
        ("10", "", "unmatched", "1.00")]
    assert rows[8]["reference"] == "'=1+1"  # neutralised: a spreadsheet shows it, never runs it
    assert (rows[1]["invoice_payable"], rows[1]["invoice_paid"]) == ("8990.00", "8000.00")

    data = json.loads(cli(url, "payments", "match", bank, "--format", "json").output)
    assert data["summary"] == {"payments": 9, "amount": "51789.00", "invoices": 3, "paid": 1,
                               "part-paid": 1, "over-paid": 1, "unmatched": 5, "unmatched_amount": "19941.00"}
    assert [(i["number"], i["paid"], i["balance"], i["status"]) for i in data["invoices"]] == [
        (1, "4048.00", "0.00", "paid"), (3, "8000.00", "990.00", "part-paid"),
        (5, "19800.00", "-2.00", "over-paid")]
    assert data["unmatched"][0] == {"line": 6, "reference": "232", "date": "2013-01-03", "amount": "19715.00",
                                    "document": 2, "reason": "invoice 2 is credited by credit note 4, "
                                                             "replaced by invoice 5"}


def test_bad_payment_file_is_refused_with_located_errors(engine, tmp_path):
    url = corrected(engine, tmp_path)
    bank = write(tmp_path, "bank.csv", "reference,amount,date\n133,fyra,2013-01-03\n331,10.00,3 jan\n")
    result = cli(url, "payments", "match", bank)
    assert result.exit_code == 1
    assert "bank.csv:2 [amount]: not a number: 'fyra'" in flat(result.output)
    assert "bank.csv:3 [date]: not a date (YYYY-MM-DD): '3 jan'" in flat(result.output)
