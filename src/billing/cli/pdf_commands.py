"""PDF documents: ``billing invoice pdf NUMBER`` and ``billing invoices pdf YYYY-MM``.

The commands are added to the ``invoice`` and ``invoices`` groups of
billing_commands; importing this module (app.py does) registers them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from billing.cli.billing_commands import invoice_app, invoices_app
from billing.cli.context import centre_details, console, fail, parse_month, read
from billing.cli.progress import progress_bars
from billing.invoicing.document import DocumentKind
from billing.plural import counted

CentreOption = Annotated[Path | None, typer.Option(
    "--centre", help="The centre's details printed on the documents; default the centre setting.")]


@invoice_app.command("pdf")
def invoice_pdf(number: int,
                out: Annotated[Path | None, typer.Option(
                    "--out", help="The file to write; default faktura-NUMBER.pdf "
                                  "(kreditfaktura-NUMBER.pdf) here.")] = None,
                centre: CentreOption = None) -> None:
    """One invoice or credit note as a PDF."""
    from billing.services.outputs import document_pdf
    seller = centre_details(centre).seller
    try:
        written = read(lambda s: document_pdf(s, number, seller, out))
    except OSError as error:
        fail(f"cannot write the PDF of document {number}: {error}")
        return
    if not written.documents:
        fail(f"no invoice number {number}")
    kind = "Credit note" if written.documents[0].kind is DocumentKind.CREDIT_NOTE else "Invoice"
    console.print(f"{kind} {number} written to {written.paths[0]}.", highlight=False)


@invoices_app.command("pdf")
def invoices_pdf(period: Annotated[str, typer.Argument(metavar="YYYY-MM")],
                 out: Annotated[Path, typer.Option(
                     "--out", help="The directory to write to; created if missing.")],
                 centre: CentreOption = None) -> None:
    """Every invoice and credit note of a month as PDF files, one per document,
    written all or nothing."""
    from billing.services.outputs import month_pdfs
    month = parse_month(period)
    seller = centre_details(centre).seller
    try:
        with progress_bars() as progress:
            written = read(lambda s: month_pdfs(s, month, seller, out, progress))
    except OSError as error:
        fail(f"cannot write the PDF files to {out}: {error}")
        return
    if not written.documents:
        fail(f"no invoices or credit notes for {month}; nothing was written")
    credit_notes = sum(1 for d in written.documents if d.kind is DocumentKind.CREDIT_NOTE)
    paths = written.paths
    console.print(f"{counted(len(paths), 'PDF file')} written to {out} for {month}: "
                  f"{counted(len(paths) - credit_notes, 'invoice')}, "
                  f"{counted(credit_notes, 'credit note')}.", highlight=False)
