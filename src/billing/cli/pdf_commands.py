"""PDF documents: ``billing invoice pdf NUMBER`` and ``billing invoices pdf YYYY-MM``.

The commands are added to the ``invoice`` and ``invoices`` groups of
billing_commands; importing this module (app.py does) registers them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from billing.cli.billing_commands import invoice_app, invoices_app
from billing.cli.context import centre_file, console, fail, parse_month, read
from billing.domain.seller import Seller
from billing.errors import BillingError
from billing.files.centre_file import load_centre
from billing.invoicing.document import DocumentKind
from billing.pdf import pdf_name, write_pdf, write_pdfs
from billing.persistence.invoice_store import read_invoices
from billing.persistence.models import InvoiceRow

CentreOption = Annotated[Path | None, typer.Option(
    "--centre", help="The centre's details printed on the documents; default the centre setting.")]


def _seller(path: Path | None) -> Seller:
    try:
        return load_centre(centre_file(path)).seller
    except BillingError as error:
        fail(str(error))
        raise AssertionError("unreachable") from error


@invoice_app.command("pdf")
def invoice_pdf(number: int,
                out: Annotated[Path | None, typer.Option(
                    "--out", help="The file to write; default faktura-NUMBER.pdf "
                                  "(kreditfaktura-NUMBER.pdf) here.")] = None,
                centre: CentreOption = None) -> None:
    """One invoice or credit note as a PDF."""
    seller = _seller(centre)
    documents = read(lambda s: read_invoices(s, InvoiceRow.number == number))
    if not documents:
        fail(f"no invoice number {number}")
    document = documents[0]
    try:
        path = write_pdf(document, seller, out or Path(pdf_name(document)))
    except OSError as error:
        fail(f"cannot write the PDF of document {number}: {error}")
        return
    kind = "Credit note" if document.kind is DocumentKind.CREDIT_NOTE else "Invoice"
    console.print(f"{kind} {number} written to {path}.", highlight=False)


@invoices_app.command("pdf")
def invoices_pdf(period: Annotated[str, typer.Argument(metavar="YYYY-MM")],
                 out: Annotated[Path, typer.Option(
                     "--out", help="The directory to write to; created if missing.")],
                 centre: CentreOption = None) -> None:
    """Every invoice and credit note of a month as PDF files, one per document,
    written all or nothing."""
    month = parse_month(period)
    seller = _seller(centre)
    documents = read(lambda s: read_invoices(s, InvoiceRow.period == month))
    if not documents:
        fail(f"no invoices or credit notes for {month}; nothing was written")
    try:
        paths = write_pdfs(documents, seller, out)
    except BillingError as error:
        fail(str(error))
        return
    except OSError as error:
        fail(f"cannot write the PDF files to {out}: {error}")
        return
    credit_notes = sum(1 for d in documents if d.kind is DocumentKind.CREDIT_NOTE)
    console.print(f"{len(paths)} PDF files written to {out} for {month}: "
                  f"{_count(len(paths) - credit_notes, 'invoice')}, "
                  f"{_count(credit_notes, 'credit note')}.", highlight=False)


def _count(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
