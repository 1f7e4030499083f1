"""Reading issued documents: every question the program asks of them, by name.

The ORM rows stay here; callers get documents (Invoice), documents with their
agency (AgencyDocument), headers (DocumentHead) or documents with their seals.
Which invoice is in force is decided by the one rule of invoicing/in_force.py,
applied here to headers read in bulk. Lists of numbers are read in chunks, so
no statement carries an unbounded IN list.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.orm import Session, selectinload

from billing.domain.exports import DocumentChoice
from billing.invoicing.document import AgencyDocument, DocumentKind, Invoice
from billing.invoicing.in_force import DocumentHead, credited_alone, documents_in_force
from billing.invoicing.series import SealedDocument, SeriesState
from billing.period import Month
from billing.persistence.invoice_store import document_from_row
from billing.persistence.models import InvoiceLineRow, InvoiceLineVolume, InvoiceRow, NumberSeries
from billing.persistence.numbering import DOCUMENT_SERIES

_CHUNK = 5000
# Documents are read this many at a time (_read): a month at scale is 10,000
# documents of some 35 lines each.
_READ_CHUNK = 1000
# The streams of all time (stream_sealed_documents) keep nothing of a chunk
# once it is passed on, so the chunk alone is their peak: a thousand
# documents with their rows came to some 150 MB, a quarter of it to 40 MB.
_STREAM_CHUNK = 250
# A number beyond the integer column cannot be a document (nor be bound on SQLite).
_LARGEST_NUMBER = 2**31 - 1


# --- whole documents -----------------------------------------------------------------

def documents_for_period(session: Session, month: Month) -> list[Invoice]:
    """The documents billed for ``month``: its run and its corrections, by number."""
    return read_documents(session, InvoiceRow.period == month)


def documents_issued_in(session: Session, month: Month) -> list[Invoice]:
    """The documents dated in ``month``, whatever month they bill, by number."""
    return documents_issued_between(session, month.first_day, month.next().first_day)


def documents_issued_between(session: Session, first: date, end: date) -> list[Invoice]:
    """The documents dated from ``first`` up to, not including, ``end``."""
    return read_documents(session, InvoiceRow.issue_date >= first, InvoiceRow.issue_date < end)


def document_by_number(session: Session, number: int) -> AgencyDocument | None:
    found = documents_by_number(session, [number])
    return found[0] if found else None


def documents_by_number(session: Session, numbers: Iterable[int]) -> list[AgencyDocument]:
    """The documents with these numbers that exist, with their agencies, by number."""
    found: list[AgencyDocument] = []
    for chunk in _chunks(_plausible(numbers)):
        found += [AgencyDocument(row.agency_id, document)
                  for row, document in _read(session, InvoiceRow.number.in_(chunk))]
    return sorted(found, key=lambda d: d.document.number or 0)


def agency_documents(session: Session, period: Month | None = None,
                     agency_id: int | None = None) -> list[AgencyDocument]:
    """The documents billed for ``period`` (every month when None), of one agency
    or of all, with their agencies, by number."""
    criteria = [c for c in (None if period is None else InvoiceRow.period == period,
                            None if agency_id is None else InvoiceRow.agency_id == agency_id)
                if c is not None]
    return [AgencyDocument(row.agency_id, document) for row, document in _read(session, *criteria)]


def in_force_documents(session: Session, month: Month, agency_id: int | None = None) -> list[AgencyDocument]:
    """The documents in force for ``month``, of every agency or of one, by
    number: invoices no credit note reverses, and credit balance notes no
    invoice reverses (invoicing/in_force.py)."""
    heads = [h for h in documents_in_force(heads_for_period(session, month))
             if agency_id is None or h.agency_id == agency_id]
    return documents_by_number(session, [h.number for h in heads])


def read_documents(session: Session, *criteria) -> list[Invoice]:
    """Documents matching SQLAlchemy criteria on InvoiceRow, by number, in four
    queries. For the named queries of this module (and tests); callers outside
    persistence ask by name."""
    return [document for _, document in _read(session, *criteria)]


# --- headers ---------------------------------------------------------------------------

def heads_for_period(session: Session, month: Month) -> list[DocumentHead]:
    """Headers of the documents billed for ``month``, by number."""
    return _heads(session, InvoiceRow.period == month)


def heads_of_agency(session: Session, agency_id: int) -> list[DocumentHead]:
    """Headers of every document of one agency, by number."""
    return _heads(session, InvoiceRow.agency_id == agency_id)


def heads_page(session: Session, agency_id: int | None, period: Month | None, offset: int,
               limit: int) -> tuple[list[DocumentHead], int]:
    """One page of the headers of one agency's documents (or everyone's),
    of one month or all, newest month first and by number within it, and
    how many there are in all."""
    criteria = [c for c in (None if agency_id is None else InvoiceRow.agency_id == agency_id,
                            None if period is None else InvoiceRow.period == period) if c is not None]
    total = session.scalar(select(func.count()).select_from(InvoiceRow).where(*criteria)) or 0
    query = (select(InvoiceRow.number).where(*criteria)
             .order_by(InvoiceRow.period.desc(), InvoiceRow.number.desc()).offset(offset).limit(limit))
    numbers = list(session.scalars(query))
    by_number = {h.number: h for h in _heads(session, InvoiceRow.number.in_(numbers))} if numbers else {}
    return [by_number[n] for n in numbers], total


def heads_of_agency_months(session: Session, heads: Iterable[DocumentHead]) -> list[DocumentHead]:
    """Headers of every document of the agencies and months of ``heads``: the
    documents that decide their statuses (a credit note or a corrected invoice
    bills its invoice's agency and month), read by the agency's index."""
    heads = list(heads)
    if not heads:
        return []
    agencies, months = sorted({h.agency_id for h in heads}), sorted({h.period for h in heads})
    pairs = {(h.agency_id, h.period) for h in heads}
    return [h for h in _heads(session, InvoiceRow.agency_id.in_(agencies), InvoiceRow.period.in_(months))
            if (h.agency_id, h.period) in pairs]


def document_agency(session: Session, number: int) -> int | None:
    """The agency a document was issued to, or None when there is no such document."""
    if number not in _plausible([number]):
        return None
    return session.scalar(select(InvoiceRow.agency_id).where(InvoiceRow.number == number))


def heads_around(session: Session, numbers: Iterable[int]) -> list[DocumentHead]:
    """Headers of the documents with these numbers, and of the credit notes and
    corrected invoices that point to them, by number."""
    found: dict[int, DocumentHead] = {}
    for chunk in _chunks(_plausible(numbers)):
        for head in _heads(session, or_(InvoiceRow.number.in_(chunk), InvoiceRow.credits_number.in_(chunk),
                                        InvoiceRow.replaces_number.in_(chunk))):
            found[head.number] = head
    return [found[n] for n in sorted(found)]


def heads_issued_until(session: Session, last: date | None = None, agency_id: int | None = None) -> list[DocumentHead]:
    """Headers of every document issued on or before ``last`` (all when None), by
    number: the customer ledger's documents (of one agency with ``agency_id``)."""
    criteria = [] if last is None else [InvoiceRow.issue_date <= last]
    if agency_id is not None:
        criteria.append(InvoiceRow.agency_id == agency_id)
    return _heads(session, *criteria)


def credited_alone_invoices(session: Session, month: Month) -> list[DocumentHead]:
    """The invoices of ``month`` credited with no invoice replacing them, by number."""
    return credited_alone(heads_for_period(session, month))


def documents_of_unknown_kind(session: Session, month: Month) -> list[tuple[int, str, str]]:
    """(number, kind, agency name) of the documents of ``month`` stored with a
    kind that is neither invoice nor credit note: they cannot be read as documents."""
    known = [str(kind) for kind in DocumentKind]
    return [tuple(row) for row in session.execute(
        select(InvoiceRow.number, InvoiceRow.kind, InvoiceRow.agency_name)
        .where(InvoiceRow.period == month, InvoiceRow.kind.not_in(known)).order_by(InvoiceRow.number))]


def chosen_documents(session: Session, choice: DocumentChoice) -> list[tuple[int, str, str]]:
    """(number, kind as stored, agency name) of the documents meeting every
    criterion of ``choice`` (its ``again`` aside), by number. The kind is as
    stored: an export refuses, naming it, a document it cannot read."""
    criteria = []
    if choice.billed_for is not None:
        criteria.append(InvoiceRow.period == choice.billed_for)
    if choice.issued_in is not None:
        criteria += [InvoiceRow.issue_date >= choice.issued_in.first_day,
                     InvoiceRow.issue_date < choice.issued_in.next().first_day]
    if choice.since is not None:
        criteria.append(InvoiceRow.issue_date >= choice.since)
    if choice.numbers:
        ranges = [(r.first, min(r.last, _LARGEST_NUMBER)) for r in choice.numbers if r.first <= _LARGEST_NUMBER]
        criteria.append(or_(false(), *(and_(InvoiceRow.number >= first, InvoiceRow.number <= last)
                                     for first, last in ranges)))
    return [tuple(row) for row in session.execute(
        select(InvoiceRow.number, InvoiceRow.kind, InvoiceRow.agency_name)
        .where(*criteria).order_by(InvoiceRow.number))]


def price_lists_used(session: Session) -> set[str]:
    """The price-list versions some issued line was priced with."""
    return set(session.scalars(select(InvoiceLineRow.price_list_id).distinct()
                               .where(InvoiceLineRow.price_list_id.is_not(None))))


# --- the series and the seals -------------------------------------------------------------

def sealed_documents(session: Session) -> list[SealedDocument]:
    """Every stored document with its seals as stored, by number."""
    return list(stream_sealed_documents(session))


def sealed_agency_documents(session: Session) -> list[tuple[int, SealedDocument]]:
    """Every stored document with its agency and its seals as stored, by number."""
    return list(stream_sealed_agency_documents(session))


def stream_sealed_documents(session: Session) -> Iterator[SealedDocument]:
    """Every stored document with its seals as stored, by number, read as the
    caller consumes them (a chunk at a time): checking the seals of all time
    then holds one chunk of whole documents, not the history."""
    return (sealed for _, sealed in stream_sealed_agency_documents(session))


def stream_sealed_agency_documents(session: Session) -> Iterator[tuple[int, SealedDocument]]:
    """Every stored document with its agency and its seals as stored, by
    number, read as the caller consumes them (stream_sealed_documents)."""
    return ((row.agency_id, SealedDocument(document, row.previous_seal, row.seal))
            for row, document in _read(session, chunk=_STREAM_CHUNK))


def sealed_document(session: Session, number: int) -> SealedDocument | None:
    """One stored document with its seals, or None when there is none of that number."""
    if number not in _plausible([number]):
        return None
    found = list(_read(session, InvoiceRow.number == number))
    return SealedDocument(found[0][1], found[0][0].previous_seal, found[0][0].seal) if found else None


def series_state(session: Session) -> SeriesState:
    """The document series as stored; a series never used issues from the first number."""
    row = session.scalars(select(NumberSeries).where(NumberSeries.name == DOCUMENT_SERIES)).first()
    return SeriesState() if row is None else SeriesState(row.next_number, row.last_seal or "")


# --- reading -------------------------------------------------------------------------------

def _read(session: Session, *criteria, chunk: int | None = None) -> Iterator[tuple[InvoiceRow, Invoice]]:
    """The matching documents by number, read a chunk of numbers at a time: the
    rows of one chunk are alive at once, so a caller that keeps only the
    documents (or streams them) never holds the rows of a whole month."""
    numbers = list(session.scalars(select(InvoiceRow.number).where(*criteria).order_by(InvoiceRow.number)))
    for numbers_read in _chunks(numbers, chunk or _READ_CHUNK):
        rows = list(session.scalars(
            select(InvoiceRow).where(InvoiceRow.number.in_(numbers_read)).order_by(InvoiceRow.number)
            .options(selectinload(InvoiceRow.lines), selectinload(InvoiceRow.vat_subtotals))))
        volumes: dict[tuple[int, int], list[int]] = {}
        for number, line_no, record_id in session.execute(
                select(InvoiceLineVolume.invoice_number, InvoiceLineVolume.line_no,
                       InvoiceLineVolume.volume_record_id)
                .where(InvoiceLineVolume.invoice_number.in_(numbers_read))):
            volumes.setdefault((number, line_no), []).append(record_id)
        for row in rows:
            yield row, document_from_row(row, volumes)


def _heads(session: Session, *criteria) -> list[DocumentHead]:
    query = (select(InvoiceRow.number, InvoiceRow.kind, InvoiceRow.agency_id, InvoiceRow.organisation_number,
                    InvoiceRow.agency_name, InvoiceRow.period, InvoiceRow.issue_date, InvoiceRow.due_date,
                    InvoiceRow.payable, InvoiceRow.credits_number, InvoiceRow.replaces_number)
             .where(*criteria).order_by(InvoiceRow.number))
    return [DocumentHead(r.number, DocumentKind(r.kind), r.agency_id, r.organisation_number, r.agency_name,
                         r.period, r.issue_date, r.due_date, r.payable, r.credits_number, r.replaces_number)
            for r in session.execute(query)]


def _plausible(numbers: Iterable[int]) -> list[int]:
    return sorted({n for n in numbers if 0 < n <= _LARGEST_NUMBER})


def _chunks(items: list[int], size: int = _CHUNK) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
