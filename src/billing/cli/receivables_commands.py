"""The customer ledger on the command line: `billing payments import|list|
assign|refund|reverse`, `billing receivables`, `billing reminders` and
`billing export sie-payments`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated

import typer

from billing.cli.context import centre_details, console, emit, fail, parse_date, parse_month, read, run_in_transaction
from billing.cli.formats import FormatOption, OutputFormat, show_listing
from billing.cli.tables import Column, Kind, Listing, exact
from billing.cli.width import print_fitted
from billing.money import format_sek
from billing.plural import counted

payments_app = typer.Typer(help="Incoming payments: imported from the bank, applied, assigned, refunded.",
                           no_args_is_help=True)

SheetOption = Annotated[str | None, typer.Option(
    metavar="NAME", help="The sheet of an Excel workbook (.xlsx) to read; without it, the only sheet.")]
DateOption = Annotated[str | None, typer.Option("--date", metavar="YYYY-MM-DD",
                                                help="The day it is booked; default today.")]
AmountOption = Annotated[str | None, typer.Option(metavar="KRONOR", help="Part of what is left; default all of it "
                                                                         "(that the document has open).")]


def _amount(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        return Decimal(text.replace(",", ".").replace(" ", ""))
    except InvalidOperation:
        raise typer.BadParameter(f"not an amount: {text!r}") from None


@payments_app.command("import")
def payments_import(file: Path, sheet: SheetOption = None) -> None:
    """Import a bank file of incoming payments and apply them to open items.

    BGMax (Bankgirot), camt.054 (ISO 20022) or the plain CSV (reference,amount,
    date), told apart by content. By OCR reference first, then by the payer's
    organisation number and exact amount; what is left is the agency's credit
    balance, or unapplied. The whole file or nothing; a file imported before is refused."""
    from billing.services.receivables import import_bank_file
    result = run_in_transaction(lambda s: import_bank_file(s, file, sheet))
    bank = result.bank_file
    listing = Listing(f"Inbetalningar i {file.name}", (
        Column("line", "Rad", Kind.COUNT), Column("booked_on", "Bokförd", Kind.CODE),
        Column("amount", "Belopp", Kind.AMOUNT), Column("reference", "Referens"),
        Column("applied", "Avräknat"), Column("left", "Kvar", Kind.AMOUNT), Column("how", "Hur")),
        tuple({"line": o.payment.line, "booked_on": o.payment.booked_on, "amount": o.payment.amount,
               "reference": o.payment.reference,
               "applied": ", ".join(f"{d}: {format_sek(a)}" for d, a in o.applied),
               "left": o.left, "how": o.how} for o in result.outcomes))
    print_fitted(console, listing.table())
    console.print(f"{bank.format} file {bank.identity}: {counted(len(bank.payments), 'payment')}, "
                  f"{format_sek(bank.total)} SEK; applied {format_sek(result.applied)} SEK, credit balances "
                  f"{format_sek(result.credit_balance)} SEK, {counted(len(result.unapplied), 'unapplied payment')} "
                  f"({format_sek(sum((o.left for o in result.unapplied), Decimal('0.00')))} SEK).", highlight=False)


@payments_app.command("list")
def payments_list(unapplied: Annotated[bool, typer.Option(
                      "--unapplied", help="Only payments with something left that no agency is known for.")] = False,
                  output_format: FormatOption = OutputFormat.TABLE) -> None:
    """The payments stored: amount, what was applied and to which documents, what is left."""
    from billing.services.payment_listing import listed_payments
    rows = read(lambda s: listed_payments(s, unapplied))
    show_listing(Listing("Inbetalningar", (
        Column("payment", "Betalning", Kind.COUNT), Column("booked_on", "Bokförd", Kind.CODE),
        Column("amount", "Belopp", Kind.AMOUNT), Column("reference", "Referens"),
        Column("payer_organisation_number", "Betalare", Kind.CODE), Column("agency", "Kund"),
        Column("applied", "Avräknat", Kind.AMOUNT), Column("documents", "Dokument"),
        Column("left", "Kvar", Kind.AMOUNT), Column("status", "Status", label=_status_label),
        Column("file", "Fil")), tuple(rows)), output_format)


_STATUS = {"applied": "avräknad", "credit-balance": "tillgodo", "unapplied": "oidentifierad",
           "refunded": "återbetald"}


def _status_label(value: object) -> str:
    return _STATUS.get(str(value), str(value))


@payments_app.command("assign")
def payments_assign(payment: int, document: int, amount: AmountOption = None, day: DateOption = None) -> None:
    """Put what is left of a payment on a document by hand.

    On the document's chain: an invoice credited and replaced passes it to its
    replacement. An unapplied payment, or an agency's credit balance."""
    from billing.services.receivables import assign_payment
    done = run_in_transaction(lambda s: assign_payment(s, payment, document, parse_date(day), _amount(amount)))
    via = "" if done.document == done.named else f" (the document in force in place of {done.named})"
    console.print(f"Payment {payment}: {format_sek(done.amount)} SEK applied to document {done.document}{via}; "
                  f"{format_sek(done.left)} SEK left.", highlight=False)


@payments_app.command("refund")
def payments_refund(payment: int, reason: Annotated[str, typer.Option(help="Why it is paid back.")],
                    amount: AmountOption = None, day: DateOption = None) -> None:
    """Record a repayment of what is left of a payment (a credit balance paid back)."""
    from billing.services.receivables import refund_payment
    _, paid = run_in_transaction(lambda s: refund_payment(s, payment, parse_date(day), reason, _amount(amount)))
    console.print(f"Payment {payment}: {format_sek(paid)} SEK recorded as paid back.", highlight=False)


@payments_app.command("reverse")
def payments_reverse(application: int, reason: Annotated[str, typer.Option(help="Why it is undone.")],
                     day: DateOption = None) -> None:
    """Undo an application by its counter-entry (the application itself stays)."""
    from billing.services.receivables import reverse_application
    done = run_in_transaction(lambda s: reverse_application(s, application, parse_date(day), reason))
    console.print(f"Application {application} reversed by application {done.id}: "
                  f"{format_sek(-done.amount)} SEK back on payment {done.payment_id}.", highlight=False)


def receivables(as_of: Annotated[str | None, typer.Option(
                    "--as-of", metavar="YYYY-MM-DD", help="The state on that day (payments after it ignored); "
                                                          "default today.")] = None,
                output_format: FormatOption = OutputFormat.TABLE,
                html: Annotated[Path | None, typer.Option(help="Also save the ledger as one HTML page.")] = None,
                pdf: Annotated[Path | None, typer.Option(help="Also save the ledger as a PDF.")] = None,
                centre: Annotated[Path | None, typer.Option(help="The centre file; default the setting.")] = None
                ) -> None:
    """Open items per agency, with an ageing summary (kundreskontra).

    Per document: due date, original amount, paid, open, days overdue; per
    agency: not due, 1-30, 31-60, 61-90, over 90 days, and its credit."""
    from billing.pdf.receivables_pdf import render_receivables
    from billing.reports.receivables_page import receivables_html
    from billing.reports.tabular import to_csv, to_json
    from billing.services.receivables_report import receivables_on
    day = parse_date(as_of)
    report = read(lambda s: receivables_on(s, day if as_of else None, day))
    if html is not None:
        html.write_text(receivables_html(report), encoding="utf-8")
    if pdf is not None:
        pdf.write_bytes(render_receivables(report, centre_details(centre).seller))
    if output_format is OutputFormat.JSON:
        emit(to_json(exact(report.as_json())))
        return
    items = _items_listing(report)
    if output_format is OutputFormat.CSV:
        emit(to_csv(items.csv_records(), items.keys))
        return
    print_fitted(console, items.table())
    print_fitted(console, _ageing_listing(report).table())
    if report.unapplied:
        console.print(f"{counted(len(report.unapplied), 'unapplied payment')}, "
                      f"{format_sek(sum((u['left'] for u in report.unapplied), Decimal('0.00')))} SEK: "
                      "billing payments list --unapplied", highlight=False)


def _items_listing(report) -> Listing:
    return Listing(f"Öppna poster per {report.day.isoformat()}", (
        Column("organisation_number", "Org.nr", Kind.CODE), Column("agency", "Kund"),
        Column("document", "Dokument", Kind.COUNT, missing="tillgodo"), Column("due_date", "Förfallodag", Kind.CODE),
        Column("original", "Belopp", Kind.AMOUNT), Column("paid", "Betalt", Kind.AMOUNT),
        Column("open", "Kvar", Kind.AMOUNT), Column("days_overdue", "Dagar", Kind.COUNT),
        Column("ageing", "Ålder")), report.items)


def _ageing_listing(report) -> Listing:
    from billing.reports.receivables import BUCKET_LABELS
    from billing.payments.ageing import BUCKET_KEYS
    columns = (Column("organisation_number", "Org.nr", Kind.CODE), Column("agency", "Kund"),
               *(Column(key, label, Kind.AMOUNT) for key, label in zip(BUCKET_KEYS, BUCKET_LABELS)),
               Column("credits", "Tillgodo", Kind.AMOUNT), Column("total", "Summa", Kind.AMOUNT))
    return Listing("Åldersanalys", columns, report.ageing,
                   footer=({"agency": "Summa", **report.total},))


def reminders(days: Annotated[int, typer.Option(help="Remind items overdue by at least this many days.")] = 10,
              interval: Annotated[int, typer.Option(
                  help="Do not remind an item again within this many days.")] = 30,
              out: Annotated[Path, typer.Option(help="The directory for the PDFs.")] = Path("paminnelser"),
              day: DateOption = None,
              dry_run: Annotated[bool, typer.Option("--dry-run", help="Show who would be reminded; "
                                                                       "write nothing.")] = False,
              centre: Annotated[Path | None, typer.Option(help="The centre file; default the setting.")] = None
              ) -> None:
    """Payment reminders: a PDF per agency with its overdue items, OCR and bankgiro.

    Recorded, so an item is not reminded again within --interval days. No fee
    between state agencies unless the centre file sets [receivables] reminder_fee."""
    from billing.services.reminders import send_reminders
    details = centre_details(centre)
    when = parse_date(day)
    try:
        sent = run_in_transaction(lambda s: send_reminders(s, when, days, interval, out, details, dry_run),
                                  commit=not dry_run)
    except OSError as error:
        fail(f"cannot write to {out}: {error}; nothing was recorded")
        return
    for s in sent:
        where = "would be written" if s.path is None else f"written to {s.path}"
        console.print(f"{s.letter.name} ({s.letter.organisation_number}): "
                      f"{counted(len(s.letter.lines), 'item')}, {format_sek(s.letter.total)} SEK; {where}",
                      highlight=False)
    if not sent:
        console.print(f"No item overdue by {days} days or more that was not reminded in the last {interval} days.",
                      highlight=False)
    elif dry_run:
        console.print("Dry run: nothing was written or recorded.", highlight=False)


def export_sie_payments(period: Annotated[str, typer.Argument(metavar="YYYY-MM")],
                        out: Annotated[Path | None, typer.Option(
                            help="The file to write; default billing-payments-YYYY-MM.si here.")] = None,
                        centre: Annotated[Path | None, typer.Option(
                            help="The centre file with the ledger accounts; default the setting.")] = None) -> None:
    """The month's payments and applications as an SIE 4I file for the ledger.

    A voucher per payment (bank against receivables, the rest on the account
    for money not yet applied) and per later application or refund; the agency
    is the customer object (dimension 8). Every voucher balances."""
    from billing.services.payments_sie import export_payments_sie
    month = parse_month(period)
    path = out or Path(f"billing-payments-{month}.si")
    details = centre_details(centre)
    try:
        result = run_in_transaction(lambda s: export_payments_sie(s, month, path, details, date.today()))
    except OSError as error:
        fail(f"cannot write {path}: {error}; no file written")
        return
    console.print(f"SIE 4I file written to {path}: {counted(len(result.vouchers), 'voucher')} "
                  f"({counted(result.payments, 'payment')}, {format_sek(result.received)} SEK received); "
                  "every voucher balances.", highlight=False)
