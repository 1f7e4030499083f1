"""Reading BGMax and camt.054 bank files (files/bgmax.py, files/camt054.py,
payments/bank_files.py): the payments they report, and every problem located by file,
line and field. Files are built in bank_files.py from the formats' layouts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bank_files import Tx, bgmax, camt054, tk01, tk05, tk15, tk20, tk21, tk22, tk26, tk29, tk70
from billing.errors import DataError
from billing.payments.bank_file import BankFormat, BankPayment
from billing.payments.bank_files import detect_format, read_bank_file

D = Decimal
JAN3 = date(2013, 1, 3)

# A deposit of four records: 4048.00 + 5000.00 + 75.00 in payments, less a
# deduction of 100.00: 4048 + 5000 + 75 - 100 = 9023.00 (902300 öre).
GOOD_BGMAX = [
    tk01(),                              # line 1
    tk05(),                              # line 2
    tk20("133", 404800, "1"),            # line 3: invoice 1's OCR
    tk26("ALFAVERKET"),                  # line 4: its name
    tk29("162021000001"),                # line 5: 16 + 2021000001 -> 202100-0001
    tk20("331", 500000, "2"),            # line 6: invoice 3 ...
    tk22("539", 0, "2"),                 # line 7: ... and an extra reference, invoice 5
    tk20("", 7500, "3"),                 # line 8: no reference at all
    tk21("430", 10000, "4"),             # line 9: a deduction of 100.00, naming credit note 4
    tk15("20130103", 1, 902300, 4),      # line 10: the deposit: 9023.00 in 4 payments
    tk70(3, 1, 1, 1),                    # line 11: 3 payments, 1 deduction, 1 extra reference, 1 deposit
]


def read(tmp_path, data: bytes, name: str = "bank.txt"):
    path = tmp_path / name
    path.write_bytes(data)
    return read_bank_file(path)


def problems(tmp_path, data: bytes, name: str = "bank.txt") -> list[str]:
    with pytest.raises(DataError) as caught:
        read(tmp_path, data, name)
    return [str(p) for p in caught.value.problems]


def test_a_bgmax_file_with_a_deduction_an_extra_reference_and_a_payment_without_reference(tmp_path):
    bank = read(tmp_path, bgmax(*GOOD_BGMAX))
    assert bank.format is BankFormat.BGMAX
    assert bank.identity == "BGMAX 20130103120000000000 0050501055 00001"
    assert bank.payments == (
        BankPayment(3, D("4048.00"), JAN3, "133", "202100-0001", "ALFAVERKET", "000000000001"),
        BankPayment(6, D("5000.00"), JAN3, "331", "", "", "000000000002", ("539",)),
        BankPayment(8, D("75.00"), JAN3, "", "", "", "000000000003"),
        BankPayment(9, D("-100.00"), JAN3, "430", "", "", "000000000004"))
    assert bank.total == D("9023.00")


def test_bgmax_closing_totals_that_do_not_match_refuse_the_file(tmp_path):
    records = list(GOOD_BGMAX)
    records[9] = tk15("20130103", 1, 902400, 5)  # one krona and one payment too many
    records[10] = tk70(2, 1, 1, 1)  # two payment records stated, three in the file
    found = problems(tmp_path, bgmax(*records))
    path = tmp_path / "bank.txt"
    assert found == [
        f"{path}:10 [deposit_amount]: the deposit amount 9024.00 is not its payments less its deductions, 9023.00",
        f"{path}:10 [payment_count]: the deposit counts 5 payments; it has 4",
        f"{path}:11 [payment_records]: the closing record counts 2; the file has 3"]


def test_bgmax_unknown_record_bad_date_and_missing_close_are_each_named(tmp_path):
    records = [tk01(), tk05(), tk20("133", 100, "1"), "99" + " " * 78, tk15("20130230", 1, 100, 1)]
    found = problems(tmp_path, bgmax(*records))
    path = tmp_path / "bank.txt"
    assert f"{path}:4 [record_type]: unknown record type '99'" in found
    assert f"{path}:5 [payment_date]: not a date (YYYYMMDD, positions 38-45): '20130230'" in found
    assert any(p.startswith(f"{path}:") and "no closing record (TK70)" in p for p in found)


def test_bgmax_test_file_and_bad_amount_are_refused(tmp_path):
    records = [tk01(test_mark="T"), tk05(), tk20("133", 100, "1")[:37] + "0000000000000001x0" + " " * 25,
               tk15("20130103", 1, 100, 1), tk70(1, 0, 0, 1)]
    found = problems(tmp_path, bgmax(*records))
    path = tmp_path / "bank.txt"
    assert f"{path}:1 [test_mark]: a test file (test mark T): payments in it were never made" in found
    assert f"{path}:3 [amount]: not a number of 18 digits (positions 38-55): '0000000000000001x0'" in found


CAMT_ENTRIES = [
    # 4048.00 + 20000.00 = 24048.00 in one entry
    ("24048.00", "CRDT", "2013-01-15", [Tx("4048.00", reference="133", org="2021000001"),
                                        Tx("20000.00", text="Faktura 5", org="202100-0019", name="Betaverket")]),
    ("500.00", "DBIT", "2013-01-16", [Tx("500.00", reference="430")]),
]


@pytest.mark.parametrize("version", ["02", "08"])
def test_a_camt054_notification_in_two_versions(tmp_path, version):
    bank = read(tmp_path, camt054("MSG-2013-01-16", CAMT_ENTRIES, version, summary=(1, "24048.00")), "n.xml")
    assert bank.format is BankFormat.CAMT054 and bank.identity == "camt.054 MSG-2013-01-16"
    assert [(p.amount, p.booked_on, p.reference, p.payer_organisation_number, p.payer_name)
            for p in bank.payments] == [
        (D("4048.00"), date(2013, 1, 15), "133", "202100-0001", ""),
        (D("20000.00"), date(2013, 1, 15), "Faktura 5", "202100-0019", "Betaverket"),
        (D("-500.00"), date(2013, 1, 16), "430", "", "")]


def test_camt054_entry_whose_transactions_do_not_add_up_and_a_bad_date(tmp_path):
    entries = [("24049.00", "CRDT", "2013-01-15", CAMT_ENTRIES[0][3]), ("500.00", "CRDT", "2013-02-30",
                                                                        [Tx("500.00", reference="430")])]
    found = problems(tmp_path, camt054("M", entries, summary=(2, "24548.00")), "n.xml")
    path = tmp_path / "n.xml"
    # The entries begin on lines 6 and 16, the second one's BookgDt on 20 (bank_files.camt054 writes
    # one element a line after the header: declaration, Document, message, GrpHdr, Ntfctn).
    assert f"{path}:6 [Amt]: the entry's transactions add up to 24048.00, not its amount 24049.00" in found
    assert f"{path}:20 [BookgDt]: not a date (YYYY-MM-DD): '2013-02-30'" in found
    assert any("the summary's credit sum 24548.00 is not the entries', 24549.00" in p for p in found)


def test_camt054_of_another_message_is_refused(tmp_path):
    data = camt054("M", CAMT_ENTRIES).replace(b"camt.054.001.02", b"camt.053.001.02")
    assert detect_format(data) is BankFormat.CSV  # not ours: read as the CSV, which it is not
    found = problems(tmp_path, camt054("M", CAMT_ENTRIES).replace(b"camt.054.001.02", b"camt.054.001.01"), "n.xml")
    assert "not a camt.054 notification" in found[0]


def test_the_format_is_told_by_content():
    assert detect_format(bgmax(*GOOD_BGMAX)) is BankFormat.BGMAX
    assert detect_format(camt054("M", CAMT_ENTRIES)) is BankFormat.CAMT054
    assert detect_format(b"reference,amount,date\n133,1.00,2013-01-03\n") is BankFormat.CSV
