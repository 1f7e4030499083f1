"""What agencies and other systems receive of the issued documents: one function
per output. Each reads the documents it needs (persistence/documents.py), makes
the output with the pure module that owns it, and writes files all or nothing
(files/output.py). An export also records which documents it wrote, where and
when (services/exporting.py: the order of recording and writing, and why);
by default it writes only the documents not yet exported in its format."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from billing.collector import bulk_phase
from billing.domain.exports import DocumentChoice, ExportFormat, NumberRange
from billing.domain.seller import Centre, Seller
from billing.einvoice.export import peppol_files
from billing.einvoice.ubl import file_name
from billing.files.output import write_file, write_files
from billing.invoicing.document import Invoice
from billing.invoicing.series import SealedDocument
from billing.ledger.export import Selection, VoucherDate, sie_file
from billing.pdf import pdf_name, render_invoice
from billing.pdf.bulk import pdf_stream
from billing.period import Month
from billing.persistence.documents import sealed_document
from billing.progress import Progress, silent
from billing.services.exporting import (Exported, nothing_to_write, read_selected, select_documents,
                                        write_and_record)


def document_with_seal(session: Session, number: int) -> SealedDocument | None:
    """`billing invoice show`: one document with its seal, or None when there is none of that number."""
    return sealed_document(session, number)


@bulk_phase
def export_peppol(session: Session, choice: DocumentChoice, out: Path, seller: Seller,
                  progress: Progress = silent) -> Exported:
    """The chosen documents' e-invoices into ``out`` (created if missing): all
    are checked first, then each is made and written to a staging directory in
    turn, and moved in all or nothing; bad data or a failed write leaves
    ``out`` as it was. A file of the same name from an earlier
    export is replaced."""
    selected = select_documents(session, ExportFormat.PEPPOL, choice)
    if not selected.chosen.numbers:
        return nothing_to_write(ExportFormat.PEPPOL, selected)
    # A document of an unknown kind cannot be read; the export is refused naming it.
    unknown = selected.unknown_kinds
    documents = [] if unknown else read_selected(selected, session, "an e-invoice")
    # Checked now, made as they are written: the XML of a batch is never in memory whole.
    files = peppol_files(documents, seller, unknown, progress)
    return write_and_record(session, ExportFormat.PEPPOL, selected, documents, out,
                            [out / file_name(d) for d in documents],
                            lambda: write_files(out, files, "e-invoices"))


@bulk_phase
def export_sie(session: Session, month: Month, selection: Selection, path: Path, centre: Centre,
               generated: date, choice: DocumentChoice = DocumentChoice(),
               voucher_date: VoucherDate = VoucherDate.INVOICE, progress: Progress = silent) -> Exported:
    """The documents of ``month`` (issued in it, or billed for it) not yet
    booked, or as ``choice`` narrows or widens them, as one SIE file at
    ``path``, each voucher dated as ``voucher_date`` says; nothing is written
    (and an existing file is left as it was) when a document is refused."""
    by_month = ({"issued_in": month} if selection is Selection.ISSUED else {"billed_for": month})
    choice = DocumentChoice(**by_month, numbers=choice.numbers, since=choice.since, again=choice.again)
    selected = select_documents(session, ExportFormat.SIE, choice)
    if not selected.chosen.numbers:
        return nothing_to_write(ExportFormat.SIE, selected)
    documents = read_selected(selected, session, "a voucher")
    data, _ = sie_file(documents, centre, month, generated, selection, voucher_date, progress)
    return write_and_record(session, ExportFormat.SIE, selected, documents, path,
                            [path] * len(documents), lambda: write_file(path, data))


def document_pdf(session: Session, number: int, seller: Seller, path: Path | None = None) -> Exported:
    """One document as a PDF at ``path`` (default its own name here), replaced in
    one step, whether or not it was made before (it is named: the export is
    recorded again); nothing when there is no document of that number."""
    selected = select_documents(session, ExportFormat.PDF,
                                DocumentChoice(numbers=(NumberRange(number, number),), again=True))
    if not selected.chosen.numbers:
        return nothing_to_write(ExportFormat.PDF, selected)
    [document] = read_selected(selected, session, "a PDF")
    target = path or Path(pdf_name(document))
    data = render_invoice(document, seller)
    return write_and_record(session, ExportFormat.PDF, selected, [document], target.parent, [target],
                            lambda: write_file(target, data))


@bulk_phase
def export_pdfs(session: Session, choice: DocumentChoice, seller: Seller, directory: Path,
                progress: Progress = silent) -> Exported:
    """The chosen documents as PDFs in ``directory``, all or nothing."""
    selected = select_documents(session, ExportFormat.PDF, choice)
    if not selected.chosen.numbers:
        return nothing_to_write(ExportFormat.PDF, selected)
    documents = read_selected(selected, session, "a PDF")
    # Rendered by write_pdfs after the records are flushed: a document that
    # fails to render stops the export, and the records roll back with it.
    return write_and_record(session, ExportFormat.PDF, selected, documents, directory,
                            [directory / pdf_name(d) for d in documents],
                            lambda: write_pdfs(documents, seller, directory, progress))


def write_pdfs(documents: Sequence[Invoice], seller: Seller, directory: Path,
               progress: Progress = silent) -> list[Path]:
    """Every document to ``directory``, all or nothing: each is rendered and
    written to a staging directory in turn (no batch of PDFs is in memory
    whole), and a document that fails to render is named and nothing is written."""
    return write_files(directory, pdf_stream(documents, seller, progress), "PDFs")
