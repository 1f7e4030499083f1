"""The documents' seal chain: what was changed, deleted or inserted after issue.

A keyless hash chain proves that the stored documents are the ones issued, as
long as its head is known from outside the database (print it, file it with
the month's report): whoever could rewrite every row could also recompute
every seal after the change. Numbers deleted or never issued are found by the
one numbering check (audit/numbering.py); this module adds what only the
seals show.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from billing.audit.numbering import BreakKind, SeriesBreak, series_breaks
from billing.invoicing.seal import seal
from billing.invoicing.series import FIRST_NUMBER, SealCheck, SealedDocument, SeriesState

CHANGED, DELETED, INSERTED = "changed", "deleted", "inserted"


@dataclass(frozen=True, slots=True)
class ChainFinding:
    kind: str  # changed | deleted | inserted
    number: int | None
    message: str  # for the controller, in Swedish; kind stays the code


@dataclass(frozen=True, slots=True)
class Verification:
    documents: int
    head: str  # the newest seal: note it outside the database to pin the chain
    findings: tuple[ChainFinding, ...]

    @property
    def intact(self) -> bool:
        return not self.findings


Sealed = SealedDocument | SealCheck


def checked_seals(sealed: Iterable[Sealed]) -> Iterator[SealCheck]:
    """Each document's seal recomputed, as it comes: ``sealed`` is consumed
    once, so a reader may stream whole documents and only these light checks
    are kept. A check already made passes through unchanged."""
    for stored in sealed:
        if isinstance(stored, SealCheck):
            yield stored
        else:
            yield SealCheck(stored.number, stored.document.issue_date, stored.previous_seal, stored.seal,
                            seal(stored.previous_seal, stored.document) == stored.seal)


def verify_chain(sealed: Iterable[Sealed], series: SeriesState) -> Verification:
    """Every seal recomputed and the chain followed (``sealed`` by number, read
    once), with the series' breaks as documents deleted or inserted; in the
    order of the numbers, a number's deletion or insertion before its change."""
    checks = list(checked_seals(sealed))
    changed, head = seal_findings(checks, series)
    breaks = [_as_chain_finding(b, series.next_number)
              for b in series_breaks((s.number for s in checks), series.next_number)]
    findings = sorted(breaks + changed, key=lambda f: (f.number or 0, f.kind == CHANGED))
    return Verification(len(checks), head, tuple(findings))


def seal_findings(sealed: Iterable[Sealed], series: SeriesState) -> tuple[list[ChainFinding], str]:
    """Documents that no longer match their seal, or that the next one is no
    longer chained to, and the chain head; ``sealed`` by number, read once (a
    seal already checked is not recomputed). Where numbers are missing the
    chain is not followed across the gap: the gap is the finding."""
    findings: list[ChainFinding] = []

    def changed(number: int, message: str) -> None:
        findings.append(ChainFinding(CHANGED, number, message))

    expected_number, expected_previous = FIRST_NUMBER, ""
    for stored in checked_seals(sealed):
        number, intact = stored.number, stored.intact
        if number >= series.next_number:
            if not intact:
                changed(number, f"dokument {number} stämmer inte heller med sitt sigill")
            continue  # not part of the chain the series issued
        if not intact:
            changed(number, f"dokument {number} stämmer inte med sitt sigill: ändrat efter utfärdandet")
        elif stored.previous_seal != expected_previous and number == expected_number > FIRST_NUMBER:
            # This document is intact and chains to a seal the one before no longer has:
            # that one was changed and sealed anew.
            changed(number - 1, f"dokument {number - 1} är inte det dokument som {number} kedjades till: "
                                "ändrat och förseglat på nytt")
        expected_number, expected_previous = number + 1, stored.seal
    if expected_number >= series.next_number and series.last_seal != expected_previous:
        changed(expected_number - 1, f"dokument {expected_number - 1} är inte det kedjehuvud som serien "
                                     "registrerade: ersatt efter utfärdandet")
    return findings, expected_previous


def _as_chain_finding(found: SeriesBreak, next_number: int) -> ChainFinding:
    if found.kind is BreakKind.MISSING:
        where = " i slutet" if found.at_end else ": serien har inga luckor"
        return ChainFinding(DELETED, found.first, f"dokument {found.span} saknas{where}")
    if found.kind is BreakKind.DUPLICATE:
        return ChainFinding(INSERTED, found.first, f"nummer {found.first} är lagrat {found.count} gånger")
    return ChainFinding(INSERTED, found.first, f"dokument {found.first} har aldrig utfärdats: serien har "
                                               f"utfärdat till och med {next_number - 1}")
