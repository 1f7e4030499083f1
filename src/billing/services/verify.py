"""Verifying the documents' hash chain: what was changed, deleted or inserted
in the database after issue."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from billing.invoicing.seal import seal
from billing.persistence.invoice_store import read_sealed
from billing.persistence.models import NumberSeries
from billing.persistence.numbering import DOCUMENT_SERIES, FIRST_NUMBER


@dataclass(frozen=True)
class Finding:
    kind: str  # changed | deleted | inserted
    number: int | None
    message: str


@dataclass(frozen=True)
class Verification:
    documents: int
    head: str  # the newest seal: note it outside the database to pin the chain
    findings: tuple[Finding, ...]

    @property
    def intact(self) -> bool:
        return not self.findings


def _span(first: int, last: int) -> str:
    return f"{first}" if first == last else f"{first}-{last}"


def verify_documents(session: Session) -> Verification:
    """Recompute every seal from the document as stored and follow the chain.

    A keyless hash chain proves that the stored documents are the ones issued,
    as long as its head is known from outside the database (print it, file it
    with the month's report): whoever could rewrite every row could also
    recompute every seal after the change.
    """
    series = session.scalars(select(NumberSeries).where(NumberSeries.name == DOCUMENT_SERIES)).first()
    next_number = series.next_number if series else FIRST_NUMBER
    findings: list[Finding] = []
    expected_number, expected_previous = FIRST_NUMBER, ""
    documents = read_sealed(session)
    for document, row in documents:
        number = row.number
        sealed = seal(row.previous_seal, document) == row.seal
        if number >= next_number:
            findings.append(Finding("inserted", number, f"document {number} was never issued: the "
                                                        f"series has issued up to {next_number - 1}"))
            if not sealed:
                findings.append(Finding("changed", number, f"document {number} does not match "
                                                           "its seal either"))
            continue  # not part of the chain the series issued
        if number > expected_number:
            findings.append(Finding("deleted", expected_number, f"document(s) "
                                    f"{_span(expected_number, number - 1)} missing: the series has no gaps"))
        if not sealed:
            findings.append(Finding("changed", number, f"document {number} does not match its "
                                                       "seal: changed after issue"))
        elif row.previous_seal != expected_previous and number == expected_number and number > FIRST_NUMBER:
            # This document is intact and chains to a seal the one before no longer has:
            # that one was changed and sealed anew.
            findings.append(Finding("changed", number - 1, f"document {number - 1} is not the "
                                    f"document that {number} was chained to: changed and resealed"))
        expected_number, expected_previous = number + 1, row.seal
    if expected_number < next_number:
        findings.append(Finding("deleted", expected_number, f"document(s) "
                                f"{_span(expected_number, next_number - 1)} missing at the end"))
    elif series is not None and (series.last_seal or "") != expected_previous:
        findings.append(Finding("changed", expected_number - 1, f"document {expected_number - 1} "
                                "is not the chain head the series recorded: replaced after issue"))
    return Verification(len(documents), expected_previous, tuple(findings))
