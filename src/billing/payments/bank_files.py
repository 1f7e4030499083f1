"""A bank file of any known format, told apart by its content, not its name."""

from __future__ import annotations

from pathlib import Path

from billing.errors import DataError
from billing.payments.bank_file import BankFile, BankFormat, BankPayment, content_hash
from billing.files.bgmax import looks_like_bgmax, read_bgmax
from billing.files.camt054 import looks_like_camt054, read_camt054
from billing.payments.payments_csv import read_payments


def detect_format(data: bytes) -> BankFormat:
    """BGMax begins with its opening record; camt.054 is XML in its namespace;
    anything else is read as the plain CSV (or workbook) of reference, amount, date."""
    if looks_like_bgmax(data):
        return BankFormat.BGMAX
    if looks_like_camt054(data.lstrip(b"\xef\xbb\xbf")):
        return BankFormat.CAMT054
    return BankFormat.CSV


def read_bank_file(path: Path, sheet: str | None = None) -> BankFile:
    """Every payment of the file, or DataError naming the file, line and field
    of every problem; the file is taken whole or not at all."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise DataError.single(f"cannot read the file: {error.strerror or error}", file=str(path)) from None
    kind = detect_format(data)
    if kind is BankFormat.BGMAX:
        return read_bgmax(data, str(path))
    if kind is BankFormat.CAMT054:
        return read_camt054(data.lstrip(b"\xef\xbb\xbf"), str(path))
    # The CSV names no file identity: its content is its identity.
    digest = content_hash(data)
    payments = tuple(BankPayment(p.line, p.amount, p.date, p.reference) for p in read_payments(path, sheet))
    return BankFile(BankFormat.CSV, f"csv {digest}", digest, payments)
