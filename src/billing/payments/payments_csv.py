"""A bank payment file: a simple CSV (or a workbook's sheet) of reference, amount and date, one payment a row."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from billing.files.csv_source import decimal
from billing.files.fields import in_years
from billing.files.tables import open_rows
from billing.money import ORE

COLUMNS = ("reference", "amount", "date")


@dataclass(frozen=True, slots=True)
class Payment:
    line: int  # in the file, so every outcome can be traced to its row
    reference: str  # as the payer gave it, spaces removed; may be empty
    amount: Decimal  # received, > 0
    date: date


def _amount(text: str) -> Decimal:
    """Above zero and under a thousand billion kronor (decimal's 12 digits), in öre."""
    value = decimal(text)
    if value != value.quantize(ORE):
        raise ValueError(f"an amount has at most two decimals (öre): {text}")
    if value <= 0:
        raise ValueError(f"a payment is a positive amount: {text}")
    return value.quantize(ORE)  # 500 and 500.00 are one amount, shown as 500.00


def _date(text: str) -> date:
    # fromisoformat alone also takes 20121203 and other digits than ASCII.
    try:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
            raise ValueError
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"not a date (YYYY-MM-DD): {text!r}") from None
    return in_years(day)


def _reference(text: str) -> str:
    """Spaces removed; digits only from 0-9 (isdigit() and int() take any script's)."""
    if any(char.isdigit() and not char.isascii() for char in text):
        raise ValueError(f"digits other than 0-9 in a reference: {text!r}")
    return text.replace(" ", "")


def read_payments(path: Path, sheet: str | None = None) -> tuple[Payment, ...]:
    """Every payment of the file, or DataError naming every bad row and field.

    The reference is not checked here: a payment without a valid OCR number is
    still money received, and is reported as unmatched rather than refused.
    """
    rows = open_rows(path, COLUMNS, max_lengths={"reference": 50, "date": 10}, sheet=sheet)
    payments = []
    for line, row in rows:
        amount = rows.field(line, row, "amount", _amount)
        day = rows.field(line, row, "date", _date)
        given = row.get("reference", "")  # None when refused
        reference = "" if given == "" else rows.field(line, row, "reference", _reference)
        if amount is not None and day is not None and reference is not None:
            payments.append(Payment(line, reference, amount, day))
    rows.problems.raise_if_any()
    return tuple(payments)
