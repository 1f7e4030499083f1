"""The bank payment file (reference,amount,date): every bad row located at once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from billing.errors import DataError
from billing.payments.payments_csv import Payment, read_payments


def test_payments_are_read_with_their_lines(tmp_path):
    path = tmp_path / "bank.csv"
    path.write_text("reference,amount,date\n133,4048.00,2013-01-03\n\n 23 2 ,500,2013-01-04\n,7.5,2013-01-05\n",
                    encoding="utf-8")
    assert read_payments(path) == (
        Payment(2, "133", Decimal("4048.00"), date(2013, 1, 3)),
        Payment(4, "232", Decimal("500.00"), date(2013, 1, 4)),  # spaces in a reference are dropped
        Payment(5, "", Decimal("7.50"), date(2013, 1, 5)))  # no reference: read, reported unmatched


def test_every_bad_row_is_named_by_line_and_field(tmp_path):
    path = tmp_path / "bank.csv"
    path.write_text("\n".join(["reference,amount,date", "133,abc,2013-01-03", "133,-5.00,2013-01-03",
                               "133,1.005,2013-01-03", "133,10.00,2013-02-30", "133,,",
                               "133,1,2013-01-01,extra", "133,1e3,2013-01-01"]) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        read_payments(path)
    assert [str(p).replace(str(path), "F") for p in caught.value.problems] == [
        "F:2 [amount]: not a number: 'abc'",
        "F:3 [amount]: a payment is a positive amount: -5.00",
        "F:4 [amount]: an amount has at most two decimals (öre): 1.005",
        "F:5 [date]: not a date (YYYY-MM-DD): '2013-02-30'",
        "F:6 [amount]: missing value",
        "F:6 [date]: missing value",
        "F:7: more values than columns",
        "F:8 [amount]: not a number: '1e3'"]


def test_missing_column_and_unreadable_file(tmp_path):
    path = tmp_path / "bank.csv"
    path.write_text("reference,amount\n133,10.00\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"bank.csv:1: missing column\(s\): date"):
        read_payments(path)
    with pytest.raises(DataError, match="cannot read file"):
        read_payments(tmp_path / "absent.csv")
