"""The documents' seal chain: what was changed, deleted or inserted after issue.

A keyless hash chain proves that the stored documents are the ones issued, as
long as its head is known from outside the database (print it, file it with
the month's report): whoever could rewrite every row could also recompute
every seal after the change. Numbers deleted or never issued are found by the
one numbering check (audit/numbering.py); this module adds what only the
seals show.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from billing.audit.numbering import BreakKind, SeriesBreak, series_breaks
from billing.invoicing.seal import seal
from billing.invoicing.series import FIRST_NUMBER, SealedDocument, SeriesState

CHANGED, DELETED, INSERTED = "changed", "deleted", "inserted"


@dataclass(frozen=True, slots=True)
class ChainFinding:
    kind: str  # changed | deleted | inserted
    number: int | None
    message: str


@dataclass(frozen=True, slots=True)
class Verification:
    documents: int
    head: str  # the newest seal: note it outside the database to pin the chain
    findings: tuple[ChainFinding, ...]

    @property
    def intact(self) -> bool:
        return not self.findings


def verify_chain(sealed: Sequence[SealedDocument], series: SeriesState) -> Verification:
    """Every seal recomputed and the chain followed (``sealed`` by number), with
    the series' breaks as documents deleted or inserted; in the order of the
    numbers, a number's deletion or insertion before its change."""
    changed, head = seal_findings(sealed, series)
    breaks = [_as_chain_finding(b, series.next_number)
              for b in series_breaks((s.number for s in sealed), series.next_number)]
    findings = sorted(breaks + changed, key=lambda f: (f.number or 0, f.kind == CHANGED))
    return Verification(len(sealed), head, tuple(findings))


def seal_findings(sealed: Sequence[SealedDocument], series: SeriesState) -> tuple[list[ChainFinding], str]:
    """Documents that no longer match their seal, or that the next one is no
    longer chained to, and the chain head; ``sealed`` by number. Where numbers
    are missing the chain is not followed across the gap: the gap is the finding."""
    findings: list[ChainFinding] = []

    def changed(number: int, message: str) -> None:
        findings.append(ChainFinding(CHANGED, number, message))

    expected_number, expected_previous = FIRST_NUMBER, ""
    for stored in sealed:
        number = stored.number
        intact = seal(stored.previous_seal, stored.document) == stored.seal
        if number >= series.next_number:
            if not intact:
                changed(number, f"document {number} does not match its seal either")
            continue  # not part of the chain the series issued
        if not intact:
            changed(number, f"document {number} does not match its seal: changed after issue")
        elif stored.previous_seal != expected_previous and number == expected_number > FIRST_NUMBER:
            # This document is intact and chains to a seal the one before no longer has:
            # that one was changed and sealed anew.
            changed(number - 1, f"document {number - 1} is not the document that {number} was chained to: "
                                "changed and resealed")
        expected_number, expected_previous = number + 1, stored.seal
    if expected_number >= series.next_number and series.last_seal != expected_previous:
        changed(expected_number - 1, f"document {expected_number - 1} is not the chain head the series "
                                     "recorded: replaced after issue")
    return findings, expected_previous


def _as_chain_finding(found: SeriesBreak, next_number: int) -> ChainFinding:
    if found.kind is BreakKind.MISSING:
        where = " at the end" if found.at_end else ": the series has no gaps"
        return ChainFinding(DELETED, found.first, f"document(s) {found.span} missing{where}")
    if found.kind is BreakKind.DUPLICATE:
        return ChainFinding(INSERTED, found.first, f"number {found.first} is stored {found.count} times")
    return ChainFinding(INSERTED, found.first, f"document {found.first} was never issued: the series has "
                                               f"issued up to {next_number - 1}")
