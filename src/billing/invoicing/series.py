"""The one document series as stored: where it stands, and each document with
the seals it was stored with. What `billing verify` and the audit check."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from billing.invoicing.document import Invoice

# Invoices and credit notes share one series, numbered from here without gaps.
FIRST_NUMBER = 1


@dataclass(frozen=True, slots=True)
class SeriesState:
    """The series row: the next number it will issue and the newest seal (the
    chain head; empty before the first document)."""

    next_number: int = FIRST_NUMBER
    last_seal: str = ""


@dataclass(frozen=True, slots=True)
class SealedDocument:
    """A stored document with the seal of the one before it and its own, as stored."""

    document: Invoice
    previous_seal: str
    seal: str

    @property
    def number(self) -> int:
        assert self.document.number is not None
        return self.document.number


@dataclass(frozen=True, slots=True)
class SealCheck:
    """What the chain, numbering and journal checks keep of a stored document
    once its seal was recomputed (audit/chain.py): its number and date, its
    seals as stored, and whether its content still gives its seal. Light, so
    that every document of all time can be kept while only one chunk of whole
    documents is alive at a time."""

    number: int
    issue_date: date
    previous_seal: str
    seal: str
    intact: bool
