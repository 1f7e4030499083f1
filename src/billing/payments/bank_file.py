"""A bank file as read: the payments it reports, and what identifies the file.

Every format (BGMax, camt.054, the plain CSV) is read into these values, so
that storing and applying payments knows nothing of where they came from.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum


class BankFormat(StrEnum):
    BGMAX = "bgmax"
    CAMT054 = "camt.054"
    CSV = "csv"


@dataclass(frozen=True, slots=True)
class BankPayment:
    """One incoming payment. ``line``: where it is in the file (a BGMax record,
    an XML element's line, a CSV row), so every outcome can be traced back."""

    line: int
    amount: Decimal  # received, in kronor and öre, > 0
    booked_on: date  # the day the money reached the centre's account
    reference: str = ""  # the OCR reference (or free text) the payer gave; may be empty
    payer_organisation_number: str = ""  # NNNNNN-NNNN when the bank gave one
    payer_name: str = ""
    bank_reference: str = ""  # the bank's own identity of the payment (BGC serial number, AcctSvcrRef)
    extra_references: tuple[str, ...] = ()  # more references the payer gave (BGMax TK22/TK23)


@dataclass(frozen=True, slots=True)
class BankFile:
    format: BankFormat
    identity: str  # what the bank calls the file: refused when imported again
    sha256: str
    payments: tuple[BankPayment, ...]

    @property
    def total(self) -> Decimal:
        return sum((p.amount for p in self.payments), Decimal("0.00"))


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def organisation_number(digits: str) -> str:
    """NNNNNN-NNNN from a bank's 10 or 12 digits (a 12-digit number starts
    with the century, 16 for a legal person); "" when it is none."""
    digits = digits.strip()
    if len(digits) == 12 and digits.isascii() and digits.isdigit():
        digits = digits[2:]
    if len(digits) == 10 and digits.isascii() and digits.isdigit():
        return f"{digits[:6]}-{digits[6:]}"
    return ""
