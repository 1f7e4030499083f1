"""PDF files on disk: one document to a file, or every document of a month
to a directory, written all or nothing."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from billing.domain.seller import Seller
from billing.errors import DataError
from billing.invoicing.document import DocumentKind, Invoice
from billing.pdf.invoice_pdf import render_invoice


def pdf_name(invoice: Invoice) -> str:
    """'faktura-12.pdf' or 'kreditfaktura-13.pdf'."""
    kind = "kreditfaktura" if invoice.kind is DocumentKind.CREDIT_NOTE else "faktura"
    return f"{kind}-{invoice.number}.pdf"


def write_pdf(invoice: Invoice, seller: Seller, path: Path) -> Path:
    """One document to ``path``, replaced in one step (a temporary file in the
    same directory, then renamed), so a reader never sees half a file."""
    data = render_invoice(invoice, seller)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return path


def write_pdfs(documents: Sequence[Invoice], seller: Seller, directory: Path) -> list[Path]:
    """Every document to ``directory``, all or nothing.

    Each is rendered into a temporary directory beside ``directory`` first; only
    when all have rendered are they moved in, each by a rename. A document that
    fails to render leaves ``directory`` as it was (or not there) and is named
    in the error. Files of the same name are replaced; others are left alone.
    """
    if directory.exists() and not directory.is_dir():
        raise DataError.single("not a directory", file=str(directory))
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", dir=directory.parent))
    try:
        names = []
        for document in documents:
            try:
                data = render_invoice(document, seller)
            except Exception as error:  # any failure: name the document, write nothing
                raise DataError.single(
                    f"{pdf_name(document)} could not be rendered, no file was written: "
                    f"{type(error).__name__}: {error}") from error
            (staging / pdf_name(document)).write_bytes(data)
            names.append(pdf_name(document))
        directory.mkdir(exist_ok=True)
        for name in names:  # a rename within one file system each
            os.replace(staging / name, directory / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [directory / name for name in names]
