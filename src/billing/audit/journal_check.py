"""Checking the journal: every link chained to the one before, every linked
record still the one linked, the head where the chain ends, and no record
written beside the journal.

Like the documents' chain, the journal is keyless: whoever can write every row
can also recompute every seal after a change. What this check proves without
more is that the stored records are the ones linked, in order; a head kept
outside the database (audit/pinned_head.py) adds that nothing was rewritten.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from billing.audit.journal import ChainLink, JournalHead, JournalRecord, RecordKind, link_seal

CHANGED, DELETED, INSERTED = "changed", "deleted", "inserted"


@dataclass(frozen=True, slots=True)
class JournalFinding:
    kind: str  # changed | deleted | inserted
    record_kind: str  # document | event | run (as linked), or "link" for the journal itself
    key: str  # the record's key, or the link position(s)
    position: int | None  # where in the journal
    message: str  # for the controller, in Swedish; kind and record_kind stay the codes

    @property
    def record(self) -> str:
        """What, as a reader names it: "event 12", "run 1", "document 3", "link 7"."""
        return f"{self.record_kind} {self.key}"

    @property
    def document(self) -> int | None:
        return int(self.key) if self.record_kind == RecordKind.DOCUMENT and self.key.isdigit() else None


@dataclass(frozen=True, slots=True)
class JournalVerification:
    links: int
    head: JournalHead  # the newest link as the chain has it: note it outside the database
    counts: dict[str, int]  # links by kind of record
    findings: tuple[JournalFinding, ...]

    @property
    def intact(self) -> bool:
        return not self.findings


def check_journal(links: Sequence[ChainLink], head: JournalHead,
                  records: Iterable[JournalRecord]) -> JournalVerification:
    """``links`` by position, ``head`` as recorded, ``records``: every document,
    run and event stored now. Findings in the order of the journal, records
    never linked last."""
    by_key = {(str(r.kind), r.key): r for r in records}
    findings: list[JournalFinding] = []
    linked: set[tuple[str, str]] = set()
    counts: dict[str, int] = {}
    expected, previous = 1, ""
    before: ChainLink | None = None
    before_found = False  # the link before has a finding of its own: a break after it follows from that
    for link in links:
        record = by_key.get((link.kind, link.key))
        if link.position != expected:
            span = f"{expected}" if link.position == expected + 1 else f"{expected}-{link.position - 1}"
            findings.append(JournalFinding(DELETED, "link", span, expected,
                                           f"journallänk {span} saknas: borttagen ur journalen"))
        elif link.previous_seal != previous and before is not None and not before_found:
            # This link chains to a seal the one before no longer has: that one
            # was changed and sealed anew, with its record or instead of it.
            findings.append(JournalFinding(CHANGED, before.kind, before.key, before.position,
                                           f"{named(before.kind, before.key)} är inte posten som länk "
                                           f"{link.position} kedjades till: posten ändrades och länk "
                                           f"{before.position} förseglades på nytt"))
        own = _own_finding(link, record, linked)
        if own is not None:
            findings.append(own)
        linked.add((link.kind, link.key))
        counts[link.kind] = counts.get(link.kind, 0) + 1
        expected, previous, before, before_found = link.position + 1, link.seal, link, own is not None
    last = before.position if before else 0
    if (head.position, head.seal) != (last, previous):
        if head.position > last:
            span = f"{last + 1}" if head.position == last + 1 else f"{last + 1}-{head.position}"
            findings.append(JournalFinding(DELETED, "link", span, last + 1,
                                           f"journallänk {span} saknas i slutet: det registrerade "
                                           f"huvudet är länk {head.position}"))
        else:
            findings.append(JournalFinding(CHANGED, "link", str(last), last,
                                           f"journalen slutar vid länk {last}, inte vid det registrerade "
                                           f"huvudet (länk {head.position}, {head.seal[:12] or '-'}): "
                                           "länkar ersatta eller tillagda utanför programmet"))
    for (kind, key), record in by_key.items():
        if (kind, key) not in linked:
            findings.append(JournalFinding(INSERTED, kind, key, None,
                                           f"{named(kind, key)} finns inte i journalen: posten "
                                           "skrevs utanför programmet"))
    return JournalVerification(len(links), JournalHead(last, previous), counts, tuple(findings))


def _own_finding(link: ChainLink, record: JournalRecord | None,
                 linked: set[tuple[str, str]]) -> JournalFinding | None:
    """What is wrong with the record a link holds, if anything."""
    if (link.kind, link.key) in linked:
        return JournalFinding(INSERTED, link.kind, link.key, link.position,
                              f"{named(link.kind, link.key)} finns två gånger i journalen (igen vid länk "
                              f"{link.position})")
    if record is None:
        return JournalFinding(DELETED, link.kind, link.key, link.position,
                              f"{named(link.kind, link.key)} (journallänk {link.position}) saknas: "
                              "posten raderades efter att den skrevs")
    if link_seal(link.previous_seal, link.kind, record.content) != link.seal:
        # A document's link holds its seal and run: its own seal names a change to its content.
        what = " (dess sigill eller körningen som utfärdade det)" if link.kind == RecordKind.DOCUMENT else ""
        return JournalFinding(CHANGED, link.kind, link.key, link.position,
                              f"{named(link.kind, link.key)} stämmer inte med journallänk {link.position}"
                              f"{what}: posten ändrades efter att den skrevs")
    return None


# A record's kind as a Swedish reader names it; a kind the program never writes as stored.
RECORD_NAMES = {RecordKind.DOCUMENT: "dokument", RecordKind.EVENT: "händelse", RecordKind.RUN: "körning",
                "link": "länk"}


def named(kind: str, key: str) -> str:
    """A record in Swedish: "dokument 3", "händelse 12", "körning 1", "länk 7"."""
    return f"{RECORD_NAMES.get(kind, kind)} {key}"
