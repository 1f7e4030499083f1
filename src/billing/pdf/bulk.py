"""PDF files of documents, by name: one file per document, rendered one at a
time as they are written (services/outputs.py writes them, all or nothing)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from billing.domain.seller import Seller
from billing.errors import DataError
from billing.invoicing.document import Invoice
from billing.pdf.invoice_pdf import render_invoice
from billing.progress import Progress, silent, tracked


def pdf_name(invoice: Invoice) -> str:
    """'faktura-12.pdf' or 'kreditfaktura-13.pdf'."""
    return f"{invoice.kind.file_stem}-{invoice.number}.pdf"


def pdf_files(documents: Sequence[Invoice], seller: Seller, progress: Progress = silent) -> dict[str, bytes]:
    """Every document rendered, by file name; a document that fails to render
    is named, and nothing is returned."""
    return dict(pdf_stream(documents, seller, progress))


def pdf_stream(documents: Sequence[Invoice], seller: Seller,
               progress: Progress = silent) -> Iterator[tuple[str, bytes]]:
    """(file name, PDF) of each document, rendered one at a time as they are
    taken (files/output.write_files writes each before the next is made); a
    document that fails to render raises, naming it."""
    for document in tracked(documents, "Rendering PDFs", progress):
        try:
            data = render_invoice(document, seller)
        except Exception as error:  # any failure: name the document, write nothing
            raise DataError.single(
                f"{pdf_name(document)} could not be rendered, no file was written: "
                f"{type(error).__name__}: {error}") from error
        yield pdf_name(document), data
