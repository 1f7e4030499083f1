"""The e-invoices of a month: one UBL file per issued document, made all or none
(and, for writing, one at a time)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from billing.domain.seller import Seller
from billing.einvoice.checks import document_problems, seller_problems
from billing.einvoice.ubl import build_document, file_name, to_bytes
from billing.errors import DataError, Problem
from billing.invoicing.document import Invoice
from billing.progress import Progress, silent, tracked


def peppol_documents(documents: Sequence[Invoice], seller: Seller,
                     unknown_kinds: Sequence[tuple[int, str, str]] = (),
                     progress: Progress = silent) -> list[tuple[Invoice, str, bytes]]:
    """(document, file name, XML) of each of a month's documents, in their order.

    ``unknown_kinds``: (number, kind, agency name) of the month's documents
    stored with a kind that has no e-invoice document type. Every document is
    checked before any is made: a problem in any of them (or in the seller's
    details) raises one DataError naming each document.
    """
    files = peppol_files(documents, seller, unknown_kinds, progress)
    return [(document, name, xml) for document, (name, xml) in zip(documents, files)]


def peppol_files(documents: Sequence[Invoice], seller: Seller,
                 unknown_kinds: Sequence[tuple[int, str, str]] = (),
                 progress: Progress = silent) -> Iterator[tuple[str, bytes]]:
    """(file name, XML) of each document, checked as peppol_documents checks
    them (here, before this returns), then made one at a time as they are
    taken: files/output.write_files writes each before the next is made, so a
    batch of any size is never in memory as XML."""
    problems: list[Problem] = list(seller_problems(seller))
    for number, kind, name in unknown_kinds:
        problems.append(Problem(f"document {number} ({name}) is of kind {kind!r}, which has no "
                                "e-invoice document type (invoice or credit note)"))
    if problems:
        raise DataError(problems)
    for document in documents:
        problems += document_problems(document)
    if problems:
        raise DataError(problems)
    # A credit note credits, and a corrected invoice replaces, an invoice of the same month.
    issue_dates = {d.number: d.issue_date for d in documents if d.number is not None}
    return ((file_name(d), to_bytes(build_document(d, seller, issue_dates)))
            for d in tracked(documents, "Making e-invoices", progress))
