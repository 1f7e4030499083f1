"""The ledger: `billing export sie YYYY-MM` (the customer ledger's commands are in receivables_commands.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from billing.cli.context import centre_details, console, fail
from billing.cli.exporting import (AllOption, NumbersOption, SinceOption, document_choice, export_in_transaction,
                                   nothing_written, say_what_was_left_out)
from billing.cli.progress import progress_bars
from billing.ledger.export import Selection, VoucherDate
from billing.money import format_sek
from billing.plural import counted

export_app = typer.Typer(help="Issued documents for other systems.", no_args_is_help=True)


def export_sie(period: Annotated[str, typer.Argument(metavar="YYYY-MM")],
               out: Annotated[Path | None, typer.Option(
                   help="The file to write; default billing-YYYY-MM.si here.")] = None,
               by: Annotated[Selection, typer.Option(
                   help="issued: the documents issued during the month (the period of "
                        "bookkeeping); period: the documents billed for the month (its run "
                        "and corrections).")] = Selection.ISSUED,
               voucher_date: Annotated[VoucherDate, typer.Option(
                   help="invoice: each voucher on its document's date; period-end: on the last "
                        "day of the month billed.")] = VoucherDate.INVOICE,
               everything: AllOption = False, numbers: NumbersOption = None, since: SinceOption = None,
               centre: Annotated[Path | None, typer.Option(
                   help="The centre file with the ledger accounts; default the centre setting.")] = None
               ) -> None:
    """The month's invoices and credit notes not yet booked, as an SIE 4I file for the ledger.

    One balanced voucher per document, receivables on the customer (dimension
    8), codepage 437; one financial year; all or nothing. A document booked in
    an earlier SIE export is left out unless --all."""
    from billing.services.outputs import export_sie as export
    month, choice = document_choice(period, everything, numbers, since, month_required=True)
    path = out or Path(f"billing-{month}.si")
    details = centre_details(centre)
    try:
        with progress_bars() as progress:
            result = export_in_transaction(lambda s: export(s, month, by, path, details, date.today(), choice,
                                                            voucher_date, progress))
    except OSError as error:
        fail(f"cannot write {path}: {error}; no file written")
    if nothing_written(result):
        return
    vouchers = len(result.documents)  # one per document
    console.print(f"SIE 4I file written to {path}: {counted(vouchers, 'voucher')} "
                  f"({counted(result.invoices, 'invoice')}, {counted(result.credit_notes, 'credit note')}), "
                  "receivables "
                  f"{format_sek(result.payable)} SEK; every voucher balances.", highlight=False)
    say_what_was_left_out(result)
