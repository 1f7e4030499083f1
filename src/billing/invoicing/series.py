"""The one document series as stored: where it stands, and each document with
the seals it was stored with. What `billing verify` and the audit check."""

from __future__ import annotations

from dataclasses import dataclass

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
