"""`billing verify`: every stored document against its seal and the series,
the journal over documents, runs and events, and a head kept outside."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from billing.audit.chain import Verification, checked_seals, verify_chain
from billing.audit.journal import RecordKind
from billing.audit.journal_check import DELETED, JournalFinding, JournalVerification, check_journal
from billing.audit.pinned_head import HeadMatch, PinnedHead, match_pinned
from billing.errors import DataError
from billing.files.head_file import head_file_text
from billing.files.output import write_file
from billing.invoicing.series import FIRST_NUMBER, SealCheck, SeriesState
from billing.persistence.documents import series_state, stream_sealed_documents
from billing.persistence.journal import journal_head, journal_links, journal_records
from billing.services.events import now


@dataclass(frozen=True, slots=True)
class ChainVerification:
    documents: Verification
    journal: JournalVerification
    # The journal's findings that the documents' own do not already name.
    journal_findings: tuple[JournalFinding, ...]
    pinned: HeadMatch | None = None

    @property
    def intact(self) -> bool:
        return (self.documents.intact and not self.journal_findings
                and (self.pinned is None or self.pinned.found))

    @property
    def finding_count(self) -> int:
        pinned = 0 if self.pinned is None or self.pinned.found else 1
        return len(self.documents.findings) + len(self.journal_findings) + pinned


def verify_documents(session: Session) -> Verification:
    """Recompute every seal from the document as stored, follow the chain, and
    check the numbers against the series (audit/chain.py, audit/numbering.py)."""
    return verify_chain(stored_seals(session), series_state(session))


def verify_everything(session: Session, pinned: PinnedHead | None = None) -> ChainVerification:
    """The documents' chain, the journal, and, when given, the head kept outside."""
    sealed, series = stored_seals(session), series_state(session)
    documents = verify_chain(sealed, series)
    links = journal_links(session)
    journal = check_journal(links, journal_head(session), journal_records(session))
    match = None if pinned is None else match_pinned(pinned, links, [(s.number, s.seal) for s in sealed])
    findings = beyond_documents(journal.findings, documents, sealed, series)
    return ChainVerification(documents, journal, findings, match)


def stored_seals(session: Session) -> list[SealCheck]:
    """Every stored document's seal recomputed, by number: the documents are
    streamed, so only these light checks of all time are held, never the
    documents' lines."""
    return list(checked_seals(stream_sealed_documents(session)))


def journal_findings(session: Session, sealed: Sequence[SealCheck],
                     series: SeriesState) -> tuple[JournalFinding, ...]:
    """What the journal finds beyond the documents' own check (for the audit);
    ``sealed`` as stored_seals gives them, so no seal is recomputed here."""
    journal = check_journal(journal_links(session), journal_head(session), journal_records(session))
    return beyond_documents(journal.findings, verify_chain(sealed, series), sealed, series)


def beyond_documents(journal: tuple[JournalFinding, ...], documents: Verification,
                     sealed: Iterable[SealCheck], series: SeriesState) -> tuple[JournalFinding, ...]:
    """A document deleted, inserted or changed is named once: by the documents'
    own check when it sees it, by the journal only when it alone does (a
    document removed with the series set back, the run a document was issued
    by changed)."""
    missing = set(range(FIRST_NUMBER, series.next_number)) - {s.number for s in sealed}
    named = {(f.kind, f"{RecordKind.DOCUMENT} {f.number}") for f in documents.findings}
    named |= {(DELETED, f"{RecordKind.DOCUMENT} {number}") for number in missing}
    return tuple(f for f in journal if (f.kind, f.record) not in named)


def write_head_file(path: Path, verification: ChainVerification) -> str:
    """The journal head with the time and the number of documents and links;
    written only for a chain with no findings, so a tampered chain is never pinned."""
    if not verification.intact:
        raise DataError.single("the chain has findings: no head written (pinning it would bless them)",
                               file=str(path))
    text = head_file_text(verification.journal.head, verification.documents.documents,
                          now().isoformat(timespec="seconds") + "Z")
    write_file(path, text.encode("utf-8"))
    return text
