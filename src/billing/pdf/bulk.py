"""PDF files on disk: one document to a file, or every document of a month
to a directory, written all or nothing."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from billing.domain.seller import Seller
from billing.errors import DataError
from billing.invoicing.document import Invoice
from billing.pdf.invoice_pdf import render_invoice
from billing.files.output import write_file, write_files


def pdf_name(invoice: Invoice) -> str:
    """'faktura-12.pdf' or 'kreditfaktura-13.pdf'."""
    return f"{invoice.kind.file_stem}-{invoice.number}.pdf"


def write_pdf(invoice: Invoice, seller: Seller, path: Path) -> Path:
    """One document to ``path``, replaced in one step."""
    return write_file(path, render_invoice(invoice, seller))


def write_pdfs(documents: Sequence[Invoice], seller: Seller, directory: Path) -> list[Path]:
    """Every document to ``directory``, all or nothing: all are rendered first,
    and a document that fails to render is named and nothing is written."""
    files = {}
    for document in documents:
        try:
            files[pdf_name(document)] = render_invoice(document, seller)
        except Exception as error:  # any failure: name the document, write nothing
            raise DataError.single(
                f"{pdf_name(document)} could not be rendered, no file was written: "
                f"{type(error).__name__}: {error}") from error
    return write_files(directory, files, "PDFs")
