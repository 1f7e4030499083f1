"""PDF documents: ``billing invoice pdf NUMBER`` and ``billing invoices pdf YYYY-MM``.

The commands are added to the ``invoice`` and ``invoices`` groups of
billing_commands; importing this module (app.py does) registers them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from billing.cli.billing_commands import invoice_app, invoices_app
from billing.cli.context import centre_details, console, fail
from billing.cli.exporting import (AllOption, NumbersOption, SinceOption, document_choice, export_in_transaction,
                                   for_what, nothing_written, say_what_was_left_out)
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
    """One invoice or credit note as a PDF, made again if it was before; recorded
    as exported in PDF."""
    from billing.services.outputs import document_pdf
    seller = centre_details(centre).seller
    try:
        written = export_in_transaction(lambda s: document_pdf(s, number, seller, out))
    except OSError as error:
        fail(f"cannot write the PDF of document {number}: {error}")
        return
    if not written.documents:
        fail(f"no invoice number {number}")
    kind = "Credit note" if written.documents[0].kind is DocumentKind.CREDIT_NOTE else "Invoice"
    before = " (made as PDF before; recorded again)" if written.chosen.again else ""
    console.print(f"{kind} {number} written to {written.paths[0]}.{before}", highlight=False)


@invoices_app.command("pdf")
def invoices_pdf(out: Annotated[Path, typer.Option(
                     "--out", help="The directory to write to; created if missing.")],
                 period: Annotated[str | None, typer.Argument(
                     metavar="[YYYY-MM]", help="The month billed; with neither --numbers nor --since, "
                                               "required.", show_default=False)] = None,
                 everything: AllOption = False, numbers: NumbersOption = None, since: SinceOption = None,
                 centre: CentreOption = None) -> None:
    """Every invoice and credit note of a month not yet exported as PDF, one
    file per document, written all or nothing; each document written is recorded."""
    from billing.services.outputs import export_pdfs
    month, choice = document_choice(period, everything, numbers, since)
    seller = centre_details(centre).seller
    try:
        with progress_bars() as progress:
            written = export_in_transaction(lambda s: export_pdfs(s, choice, seller, out, progress))
    except OSError as error:
        fail(f"cannot write the PDF files to {out}: {error}")
        return
    if nothing_written(written):
        return
    paths = written.paths
    console.print(f"{counted(len(paths), 'PDF file')} written to {out} for {for_what(month, written)}: "
                  f"{counted(written.invoices, 'invoice')}, "
                  f"{counted(written.credit_notes, 'credit note')}.", highlight=False)
    say_what_was_left_out(written)
