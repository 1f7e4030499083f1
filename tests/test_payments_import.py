"""`billing payments import FILE` and the customer ledger around it, on SQLite
and PostgreSQL: payments stored and applied, assigned, refunded and reversed
by counter-entry, open items and ageing on a day, reminders, the payments'
SIE vouchers and the reconciliation check. (It replaces `billing payments
match`, which read the same CSV and stored nothing: that file is now the
third import format, and what it showed is worked out again below as stored
outcomes; a payment to the replaced invoice 2 now pays its replacement.)

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
from billing.payments.application import referenced_number
from billing.payments.ocr import ocr_reference
from billing.period import Month
from billing.services.billing_run import run_month
from billing.services.corrections import correct_month
from billing.services.volumes import correct_volumes
from db_helpers import ORG_A, ORG_B, ORG_C, VOLUME_HEADER, check_assumed_prices, dump, setup_world, write
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


def listed(url: str, *options: str) -> list[dict]:
    result = cli(url, "payments", "list", "--format", "json", *options)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def receivables(url: str, as_of: str) -> dict:
    result = cli(url, "receivables", "--as-of", as_of, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_the_csv_is_imported_stored_applied_and_refused_a_second_time(engine, tmp_path):
    url = corrected(engine, tmp_path)
    bank = write(tmp_path, "bank.csv", PAYMENTS)
    result = cli(url, "payments", "import", bank)
    assert result.exit_code == 0, result.output
    # Applied 4048 (1) + 5000 + 3000 (3) + 19798 (5, of 19800) = 31846.00; held for
    # Betaverket: 2.00 over on 5, 19715.00 to 2 and 100.00 to 4, whose chain (5) was
    # paid by then: 19817.00; unapplied 50 + 75 + 1 = 126.00. 31846 + 19817 + 126 = 51789.
    assert ("9 payments, 51 789,00 SEK; applied 31 846,00 SEK, credit balances 19 817,00 SEK, "
            "3 unapplied payments (126,00 SEK).") in flat(result.output)
    assert [(r["payment"], r["amount"], r["applied"], r["left"], r["status"], r["agency"]) for r in listed(url)] == [
        (1, "4048.00", "4048.00", "0.00", "applied", "Alfaverket"),
        (2, "5000.00", "5000.00", "0.00", "applied", "Gammaverket"),
        (3, "3000.00", "3000.00", "0.00", "applied", "Gammaverket"),
        (4, "19800.00", "19798.00", "2.00", "credit-balance", "Betaverket"),
        (5, "19715.00", "0.00", "19715.00", "credit-balance", "Betaverket"),
        (6, "100.00", "0.00", "100.00", "credit-balance", "Betaverket"),
        (7, "50.00", "0.00", "50.00", "unapplied", ""),
        (8, "75.00", "0.00", "75.00", "unapplied", ""),
        (9, "1.00", "0.00", "1.00", "unapplied", "")]
    assert [r["payment"] for r in listed(url, "--unapplied")] == [7, 8, 9]
    rows = list(csv.DictReader(io.StringIO(cli(url, "payments", "list", "--format", "csv").output)))
    assert rows[8]["reference"] == "'=1+1"  # neutralised: a spreadsheet shows it, never runs it

    # A credit balance is the agency's: not to be spent on another agency's invoice; paid back, it is gone.
    other = cli(url, "payments", "assign", "5", "3")
    assert other.exit_code == 1 and "payment 5 is Betaverket's; document 3 is Gammaverket's" in flat(other.output)
    refund = cli(url, "payments", "refund", "4", "--reason", "överbetalning", "--date", "2013-01-20")
    assert refund.exit_code == 0 and "Payment 4: 2,00 SEK recorded as paid back." in flat(refund.output)
    assert [(r["payment"], r["left"], r["status"]) for r in listed(url)][3] == (4, "0.00", "refunded")

    before = dump(engine)
    again = cli(url, "payments", "import", bank)
    assert again.exit_code == 1
    assert "was imported on" in flat(again.output) and "nothing was recorded again" in flat(again.output)
    assert dump(engine) == before


def test_receivables_on_a_day_ignore_later_payments(engine, tmp_path):
    url = corrected(engine, tmp_path)
    assert cli(url, "payments", "import", write(tmp_path, "bank.csv", PAYMENTS)).exit_code == 0
    late = receivables(url, "2013-01-31")
    assert [(i["agency"], i["document"], i["original"], i["paid"], i["open"], i["days_overdue"], i["ageing"])
            for i in late["items"]] == [
        ("Betaverket", None, None, None, "-19817.00", 0, "credit"),
        ("Gammaverket", 3, "8990.00", "8000.00", "990.00", 27, "1-30")]  # due 2013-01-04: 27 days
    assert late["total"] == {"not_due": "0.00", "1-30": "990.00", "31-60": "0.00", "61-90": "0.00",
                             "over_90": "0.00", "credits": "-19817.00", "total": "-18827.00"}
    assert [u["payment"] for u in late["unapplied"]] == [7, 8, 9]
    # On 2013-01-03 the payments of the 4th (3000 to 3) and 15th (19800 to 5) had not come.
    early = receivables(url, "2013-01-03")
    assert [(i["agency"], i["document"], i["open"], i["ageing"]) for i in early["items"]] == [
        ("Betaverket", 5, "19798.00", "not_due"), ("Betaverket", None, "-19815.00", "credit"),  # 19715 + 100
        ("Gammaverket", 3, "3990.00", "not_due")]  # 8990 - 5000
    assert early["total"]["total"] == "3973.00"  # 19798 + 3990 - 19815

    table = cli(url, "receivables", "--as-of", "2013-01-31")
    assert table.exit_code == 0, table.output
    text = flat(table.output.replace("│", " "))
    assert f"{ORG_C} Gammaverket 3 2013-01-04 8 990,00 8 000,00 990,00 27 1-30" in text
    assert f"{ORG_B} Betaverket tillgodo -19 817,00 0 credit" in text
    assert "Summa 0,00 990,00 0,00 0,00 0,00 -19 817,00 -18 827,00" in text
    assert "3 unapplied payments, 126,00 SEK" in text

    page, pdf = tmp_path / "reskontra.html", tmp_path / "reskontra.pdf"
    made = cli(url, "receivables", "--as-of", "2013-01-31", "--html", page, "--pdf", pdf, "--format", "csv")
    assert made.exit_code == 0, made.output
    assert [r["document"] for r in csv.DictReader(io.StringIO(made.output))] == ["", "3"]
    html = page.read_text(encoding="utf-8")
    # Amounts on the page keep their digits together with a no-break space.
    assert "Kundreskontra per 2013-01-31" in html and "8\u00a0000,00" in html and "-18\u00a0827,00" in html
    assert pdf.read_bytes().startswith(b"%PDF")


# A BGMax file of one deposit on 2013-01-10 (bank_files.py lays the records out):
# 19715.00 naming invoice 2 (credited and replaced by 5), 8990.00 without a
# reference from Gammaverket's organisation number, 4000.00 naming 1 with an
# extra reference to 3 (Gammaverket's, so not used), 75.00 without anything, and
# a deduction of 100.00 naming credit note 4. 19715 + 8990 + 4000 + 75 - 100 = 32680.00.
def bgmax_file(tmp_path):
    from bank_files import bgmax, tk01, tk05, tk15, tk20, tk21, tk22, tk29, tk70
    path = tmp_path / "BGMAX.txt"
    path.write_bytes(bgmax(tk01(), tk05(), tk20("232", 1971500, "1"), tk20("", 899000, "2"), tk29("162021000027"),
                           tk20("133", 400000, "3"), tk22("331", 0, "3"), tk20("", 7500, "4"),
                           tk21("430", 10000, "5"), tk15("20130110", 1, 3268000, 5), tk70(4, 1, 1, 1)))
    return path


def test_bgmax_import_assign_reverse_refund_reminders_and_ledger(engine, tmp_path):
    url = corrected(engine, tmp_path)
    result = cli(url, "payments", "import", bgmax_file(tmp_path))
    assert result.exit_code == 0, result.output
    # Applied 19715 (to 5) + 8990 (to 3) + 4000 (to 1) - 100 (to 5) = 32605.00; 75.00 unapplied.
    assert ("5 payments, 32 680,00 SEK; applied 32 605,00 SEK, credit balances 0,00 SEK, "
            "1 unapplied payment (75,00 SEK).") in flat(result.output)
    state = receivables(url, "2013-01-31")
    # 1: 4048 - 4000 = 48 (27 days); 5: 19798 - 19715 + 100 = 183 (due 01-19: 12 days); 3 paid.
    assert [(i["document"], i["open"], i["days_overdue"]) for i in state["items"]] == [
        (1, "48.00", 27), (5, "183.00", 12)]

    assigned = cli(url, "payments", "assign", "4", "2", "--date", "2013-01-20")
    assert assigned.exit_code == 0, assigned.output
    assert ("Payment 4: 75,00 SEK applied to document 5 (the document in force in place of 2); "
            "0,00 SEK left.") in flat(assigned.output)
    assert [(i["document"], i["open"]) for i in receivables(url, "2013-01-31")["items"]] == [
        (1, "48.00"), (5, "108.00")]  # 183 - 75
    reversed_ = cli(url, "payments", "reverse", "5", "--reason", "fel kund", "--date", "2013-01-21")
    assert reversed_.exit_code == 0, reversed_.output
    assert "Application 5 reversed by application 6: 75,00 SEK back on payment 4." in flat(reversed_.output)
    assert cli(url, "payments", "reverse", "5", "--reason", "igen").exit_code == 1
    assert [(i["document"], i["open"]) for i in receivables(url, "2013-01-31")["items"]] == [
        (1, "48.00"), (5, "183.00")]
    # On the 20th the assignment stood: the state of a past day is as it was.
    assert [(i["document"], i["open"]) for i in receivables(url, "2013-01-20")["items"]] == [
        (1, "48.00"), (5, "108.00")]
    refunded = cli(url, "payments", "refund", "4", "--reason", "okänd betalare", "--date", "2013-01-22")
    assert refunded.exit_code == 0, refunded.output
    assert "Payment 4: 75,00 SEK recorded as paid back." in flat(refunded.output)
    refused = cli(url, "payments", "refund", "4", "--reason", "igen")
    assert refused.exit_code == 1 and "[PAYMENT]: payment 4 has nothing left to refund" in flat(refused.output)
    assert cli(url, "payments", "assign", "2", "3").exit_code == 1  # payment 2 has nothing left
    assert [(r["payment"], r["status"], r["documents"]) for r in listed(url)] == [
        (1, "applied", "5 (avräkning 1)"), (2, "applied", "3 (avräkning 2)"), (3, "applied", "1 (avräkning 3)"),
        (4, "refunded", "återbetalt (avräkning 7)"), (5, "applied", "5 (avräkning 4)")]

    out = tmp_path / "påminnelser"
    sent = cli(url, "reminders", "--date", "2013-02-01", "--days", "10", "--out", out)
    assert sent.exit_code == 0, sent.output
    text = flat(sent.output)
    assert f"Alfaverket ({ORG_A}): 1 item, 48,00 SEK; written to" in text  # 28 days overdue
    assert f"Betaverket ({ORG_B}): 1 item, 183,00 SEK; written to" in text  # 13 days overdue
    assert sorted(p.name for p in out.iterdir()) == [f"paminnelse-{ORG_A}-2013-02-01.pdf",
                                                     f"paminnelse-{ORG_B}-2013-02-01.pdf"]
    before = dump(engine)
    assert "No item overdue" in cli(url, "reminders", "--date", "2013-02-15", "--out", out).output
    dry = cli(url, "reminders", "--date", "2013-03-04", "--out", tmp_path / "dry", "--dry-run")
    assert "Dry run: nothing was written or recorded." in flat(dry.output) and "would be written" in dry.output
    assert dump(engine) == before and not (tmp_path / "dry").exists()
    log = cli(url, "log").output
    for action in ("payments import", "payments assign", "payments reverse", "payments refund", "reminders"):
        assert action in log

    si = tmp_path / "betalningar.si"
    exported = cli(url, "export", "sie-payments", "2013-01", "--out", si)
    assert exported.exit_code == 0, exported.output
    assert "8 vouchers (5 payments, 32 680,00 SEK received)" in flat(exported.output)
    lines = si.read_bytes().decode("cp437").split("\r\n")
    assert lines[lines.index('#VER "B" 1 20130110 "Inbetalning 1 ref 232"') + 2:][:2] == [
        "#TRANS 1930 {} 19715.00", f'#TRANS 1510 {{8 "{ORG_B}"}} -19715.00']
    assert lines[lines.index('#VER "B" 4 20130110 "Inbetalning 4"') + 2:][:2] == [
        "#TRANS 1930 {} 75.00", "#TRANS 2420 {} -75.00"]  # unapplied: no customer
    assert lines[lines.index('#VER "B" 5 20130110 "Inbetalning 5 ref 430"') + 2:][:2] == [
        "#TRANS 1930 {} -100.00", f'#TRANS 1510 {{8 "{ORG_B}"}} 100.00']  # the deduction
    assert lines[lines.index('#VER "R" 5 20130120 "Inbetalning 4 avräknad mot dokument 5"') + 2:][:2] == [
        "#TRANS 2420 {} 75.00", f'#TRANS 1510 {{8 "{ORG_B}"}} -75.00']
    assert lines[lines.index('#VER "R" 6 20130121 "Motbokning av avräkning 5: inbetalning 4 avräknad mot '
                             'dokument 5"') + 2:][:2] == ["#TRANS 2420 {} -75.00", f'#TRANS 1510 {{8 "{ORG_B}"}} 75.00']
    assert lines[lines.index('#VER "R" 7 20130122 "Återbetalning av inbetalning 4"') + 2:][:2] == [
        "#TRANS 2420 {} 75.00", "#TRANS 1930 {} -75.00"]
    assert f'#OBJEKT 8 "{ORG_A}" "Alfaverket"' in lines and '#DIM 8 "Kund"' in lines
    vouchers, current = [], None
    for line in lines:
        if line.startswith("#VER"):
            current = []
            vouchers.append(current)
        elif line.startswith("#TRANS"):
            current.append(D(line.rsplit(" ", 1)[1]))
    assert len(vouchers) == 8 and all(sum(v) == 0 for v in vouchers)

    from billing.services.receivables import receivables_check
    with Session(engine) as session:
        check = receivables_check(session)
    assert check.findings == ()
    assert {r["agency"]: (r["documents"], r["applied"], r["open"]) for r in check.rows}["Betaverket"] == (
        D("19798"), D("19615.00"), D("183.00"))  # 19715 - 19715 + 19798; 19715 - 100; 19798 - 19615


def test_camt054_import_by_reference_and_a_debit(engine, tmp_path):
    from bank_files import Tx, camt054
    url = corrected(engine, tmp_path)
    path = tmp_path / "camt054.xml"
    path.write_bytes(camt054("MSG-1", [
        ("24048.00", "CRDT", "2013-01-15", [Tx("4048.00", reference="133"),
                                            Tx("20000.00", text="Faktura 5", org="2021000019", name="Betaverket")]),
        ("500.00", "DBIT", "2013-01-16", [Tx("500.00", reference="430")])]))
    result = cli(url, "payments", "import", path)
    assert result.exit_code == 0, result.output
    # 4048 to 1; 20000 names no OCR number and is not exactly 19798: unapplied;
    # the debit of 500 naming credit note 4 goes on its chain (5): 19798 + 500 = 20298 open.
    assert [(r["payment"], r["applied"], r["left"], r["status"]) for r in listed(url)] == [
        (1, "4048.00", "0.00", "applied"), (2, "0.00", "20000.00", "unapplied"), (3, "-500.00", "0.00", "applied")]
    assert [(i["document"], i["open"]) for i in receivables(url, "2013-01-31")["items"]] == [
        (5, "20298.00"), (3, "8990.00")]
    assert cli(url, "payments", "import", path).exit_code == 1  # the same message id


def test_a_bad_bank_file_changes_nothing(engine, tmp_path):
    url = corrected(engine, tmp_path)
    before = dump(engine)
    bank = write(tmp_path, "bank.csv", "reference,amount,date\n133,fyra,2013-01-03\n331,10.00,3 jan\n")
    result = cli(url, "payments", "import", bank)
    assert result.exit_code == 1
    assert "bank.csv:2 [amount]: not a number: 'fyra'" in flat(result.output)
    assert "bank.csv:3 [date]: not a date (YYYY-MM-DD): '3 jan'" in flat(result.output)
    assert dump(engine) == before
