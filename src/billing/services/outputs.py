"""What agencies and other systems receive of the issued documents: one function
per output. Each reads the documents it needs (persistence/documents.py), makes
the output with the pure module that owns it, and writes files all or nothing
(files/output.py). Nothing here changes the database."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from billing.domain.seller import Centre, Seller
from billing.einvoice.export import PeppolExport, peppol_documents
from billing.files.output import write_file, write_files
from billing.invoicing.document import Invoice
from billing.ledger.export import Selection, SieExport, VoucherDate, sie_file
from billing.payments.matching import MatchReport, match_payments, referenced_numbers
from billing.payments.payments_csv import Payment
from billing.pdf import pdf_files, pdf_name, render_invoice
from billing.period import Month
from billing.persistence.documents import (all_documents, document_by_number, documents_for_period,
                                           documents_issued_in, documents_of_unknown_kind, heads_around)


@dataclass(frozen=True, slots=True)
class PdfFiles:
    documents: tuple[Invoice, ...]
    paths: tuple[Path, ...]


def document_list(session: Session, period: Month | None = None) -> list[Invoice]:
    """`billing invoices list`: every document, or those billed for ``period``, by number."""
    return documents_for_period(session, period) if period else all_documents(session)


def one_document(session: Session, number: int) -> Invoice | None:
    """`billing invoice show`: one document, or None when there is none of that number."""
    found = document_by_number(session, number)
    return found.document if found else None


def export_peppol(session: Session, month: Month, out: Path, seller: Seller) -> PeppolExport:
    """The month's e-invoices into ``out`` (created if missing): all are made in
    memory first, then written all or nothing; bad data or a failed write
    leaves ``out`` as it was. A file of the same name from an earlier export is replaced."""
    unknown = documents_of_unknown_kind(session, month)
    # A document of an unknown kind cannot be read; the export is refused naming it.
    made = peppol_documents([] if unknown else documents_for_period(session, month), seller, unknown)
    if not made:
        return PeppolExport(month, (), ())
    paths = write_files(out, {name: content for _, name, content in made}, "e-invoices")
    return PeppolExport(month, tuple(d for d, _, _ in made), tuple(paths))


def export_sie(session: Session, month: Month, path: Path, centre: Centre, generated: date,
               selection: Selection = Selection.PERIOD,
               voucher_date: VoucherDate = VoucherDate.INVOICE) -> SieExport:
    """The month's documents booked, then the file written; nothing is written
    (and an existing file is left as it was) when a document is refused."""
    documents = (documents_issued_in(session, month) if selection is Selection.ISSUED
                 else documents_for_period(session, month))
    data, vouchers = sie_file(documents, centre, month, generated, selection, voucher_date)
    write_file(path, data)
    return SieExport(path, tuple(documents), vouchers)


def document_pdf(session: Session, number: int, seller: Seller, path: Path | None = None) -> PdfFiles:
    """One document as a PDF at ``path`` (default its own name here), replaced in
    one step; nothing when there is no document of that number."""
    document = one_document(session, number)
    if document is None:
        return PdfFiles((), ())
    written = write_file(path or Path(pdf_name(document)), render_invoice(document, seller))
    return PdfFiles((document,), (written,))


def month_pdfs(session: Session, month: Month, seller: Seller, directory: Path) -> PdfFiles:
    """Every document billed for ``month`` as a PDF in ``directory``, all or
    nothing; nothing when the month has no documents."""
    documents = documents_for_period(session, month)
    if not documents:
        return PdfFiles((), ())
    return PdfFiles(tuple(documents), tuple(write_pdfs(documents, seller, directory)))


def write_pdfs(documents: Sequence[Invoice], seller: Seller, directory: Path) -> list[Path]:
    """Every document to ``directory``, all or nothing: all are rendered first,
    and a document that fails to render is named and nothing is written."""
    return write_files(directory, pdf_files(documents, seller), "PDFs")


def payments_report(session: Session, payments: Sequence[Payment]) -> MatchReport:
    """A bank file's payments matched to the documents their references name."""
    heads = heads_around(session, referenced_numbers(payments))
    return match_payments(payments, {head.number: head for head in heads})
