"""Ledger and payments: `billing export sie YYYY-MM` and `billing payments match FILE`."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from billing.cli.context import centre_details, console, emit, fail, read
from billing.cli.exporting import (AllOption, NumbersOption, SinceOption, document_choice, export_in_transaction,
                                   nothing_written, say_what_was_left_out)
from billing.cli.progress import progress_bars
from billing.cli.tables import Column, Kind, Listing
from billing.cli.width import print_fitted
from billing.errors import BillingError
from billing.ledger.export import Selection, VoucherDate
from billing.money import format_sek
from billing.plural import counted

if TYPE_CHECKING:
    from billing.payments.matching import MatchReport

export_app = typer.Typer(help="Issued documents for other systems.", no_args_is_help=True)
payments_app = typer.Typer(help="Bank payments matched to invoices; changes nothing.",
                           no_args_is_help=True)


class ReportFormat(StrEnum):
    TABLE = "table"
    CSV = "csv"
    JSON = "json"


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


@payments_app.command("match")
def payments_match(file: Path,
                   output_format: Annotated[ReportFormat, typer.Option("--format")] = ReportFormat.TABLE,
                   sheet: Annotated[str | None, typer.Option(
                       metavar="NAME", help="The sheet of an Excel workbook (.xlsx) to read; "
                                            "without it, the workbook's only sheet.")] = None
                   ) -> None:
    """Match bank payments (CSV or .xlsx: reference,amount,date) to open invoices.

    By OCR reference: lists invoices paid, part-paid or over-paid, and unmatched
    payments with the reason. A report: nothing is stored."""
    from billing.payments.payments_csv import read_payments
    from billing.payments.report import as_json, payment_rows
    from billing.reports.tabular import to_csv, to_json
    from billing.services.outputs import payments_report
    try:
        payments = read_payments(file, sheet)
    except BillingError as error:
        fail(str(error))
    report = read(lambda s: payments_report(s, payments))
    if output_format is ReportFormat.CSV:
        emit(to_csv(payment_rows(report)))
    elif output_format is ReportFormat.JSON:
        emit(to_json(as_json(report)))
    else:
        _print_report(report)


def _print_report(report: MatchReport) -> None:
    from billing.payments.matching import Status
    invoices = Listing("Betalningar per faktura", (
        Column("number", "Faktura", Kind.COUNT), Column("organisation_number", "Org.nr", Kind.CODE),
        Column("agency", "Kund"), Column("due_date", "Förfallodag", Kind.CODE),
        Column("payable", "Att betala", Kind.AMOUNT), Column("paid", "Betalt", Kind.AMOUNT),
        Column("balance", "Kvar", Kind.AMOUNT), Column("status", "Status", label=lambda s: s.label),
        Column("payments", "Betalningar")),
        tuple({"number": e.invoice.number, "organisation_number": e.invoice.organisation_number,
               "agency": e.invoice.agency_name, "due_date": e.invoice.due_date, "payable": e.invoice.payable,
               "paid": e.paid, "balance": e.balance, "status": e.status,
               "payments": ", ".join(f"rad {p.line}" for p in e.payments)} for e in report.invoices))
    unmatched = Listing("Ej matchade betalningar", (
        Column("line", "Rad", Kind.COUNT), Column("reference", "Referens"),
        Column("date", "Datum", Kind.CODE), Column("amount", "Belopp", Kind.AMOUNT),
        Column("reason", "Orsak")),
        tuple({"line": m.payment.line, "reference": m.payment.reference, "date": m.payment.date,
               "amount": m.payment.amount, "reason": m.reason} for m in report.unmatched))
    for listing in (invoices, unmatched):
        print_fitted(console, listing.table())
    console.print(
        f"{counted(len(report.payments), 'payment')}, {format_sek(report.total)} SEK; "
        f"{counted(len(report.invoices), 'invoice')}: {report.count(Status.PAID)} paid, "
        f"{report.count(Status.PART_PAID)} part-paid, "
        f"{report.count(Status.OVER_PAID)} over-paid; {counted(len(report.unmatched), 'unmatched payment')}, "
        f"{format_sek(report.unmatched_total)} SEK. Nothing was changed.", highlight=False)
