"""Commands that issue or show documents: the run, corrections, credit notes."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from billing.cli.context import (centre_details, console, emit, fail, parse_date, parse_month, read,
                                 run_in_transaction)
from billing.cli.formats import FormatOption, OutputFormat, refuse, show_listing
from billing.cli.listings import document_listing
from billing.cli.progress import progress_bars
from billing.cli.render import invoice_document, print_invoices
from billing.cli.screenful import ShowOption, hidden, print_listing
from billing.cli.width import DOCUMENT_WIDTH, print_fitted
from billing.errors import AlreadyDone
from billing.invoicing.credit_balance import held_back_message
from billing.invoicing.document import DocumentKind, Invoice
from billing.invoicing.in_force import InvoiceStatus
from billing.money import format_sek
from billing.plural import counted

invoices_app = typer.Typer(help="Issued invoices and credit notes.", no_args_is_help=True)
invoice_app = typer.Typer(help="One issued invoice or credit note.", no_args_is_help=True)

# The run's options for a month whose volumes look missing, in a panel of their own.
GUARDS = "Volumes that look missing"
DateOption = Annotated[str | None, typer.Option("--date", help="Document date (YYYY-MM-DD); default today.")]


def run(period: Annotated[str, typer.Argument(metavar="YYYY-MM")], invoice_date: DateOption = None,
        show: Annotated[bool, typer.Option("--show", help="Print every invoice in full.")] = False,
        dry_run: Annotated[bool, typer.Option(
            "--dry-run", help="Show what the run would issue; write nothing.")] = False,
        allow_missing: Annotated[list[str] | None, typer.Option(
            "--allow-missing", metavar="ORGNR|all",
            help="Bill although this agency's volumes (or, with 'all', the month's) look missing; "
                 "repeatable; needs --reason.", rich_help_panel=GUARDS)] = None,
        reason: Annotated[str | None, typer.Option(
            help="Why the month is billed although its volumes look missing; kept in the event log.",
            rich_help_panel=GUARDS)] = None,
        drop_threshold: Annotated[str, typer.Option(
            "--drop-threshold", metavar="PERCENT",
            help="A service's total volume may fall by at most this much against the previous "
                 "billed month.", rich_help_panel=GUARDS)] = "50") -> None:
    """Bill a month in arrears: one invoice per agency, all issued or none.
    Refused while an earlier month is unbilled, or when the month's volumes
    look missing (none at all, an agency without its basic services, a
    service falling by more than the threshold) unless allowed on purpose."""
    from billing.invoicing.credit_balance import split_credit_balances
    from billing.services.billing_run import (Known, Override, already_billed, billed_months, check_in_arrears,
                                              check_issuable, check_run, draft_month, refusal, run_month)
    month, issue = parse_month(period), parse_date(invoice_date)
    threshold = parse_percent(drop_threshold)

    def override():  # checked inside the transaction, so that a bad value is a plain message
        return Override.of(allow_missing or [], reason, threshold)
    if dry_run:
        def preview(session):
            if month in billed_months(session):
                raise already_billed(session, month)
            check_in_arrears(month, issue)
            known = Known(session)
            checks = check_run(session, month, issue, override(), known)
            issuable, held = split_credit_balances(draft_month(session, month, issue, progress=progress,
                                                               known=known))
            check_issuable(issuable)  # what the run would refuse, the preview refuses
            return checks, (issuable, held)
        with progress_bars() as progress:
            checks, (issuable, held) = read(preview)
        drafts = [draft.document for draft in issuable]
        print_invoices(console, drafts) if show else None
        print_listing(console, document_listing(
            drafts, title=f"Förhandsgranskning {month}: inget är utfärdat"), show, "invoice")
        print_held_back([draft.document for draft in held])
        print_findings(checks.findings, checks.blocking)
        refused = refusal(checks, month)
        for problem in refused:
            console.print(f"Refused: {problem.message}", style="red", highlight=False, soft_wrap=True)
        if refused:
            console.print(f"Dry run: the run of {month} would be refused; nothing was written.")
            return
        console.print(f"Dry run: {counted(len(drafts), 'invoice')} would be issued for {month}; "
                      "nothing was written.")
        return
    with progress_bars() as progress:
        result = run_in_transaction(lambda s: run_month(s, month, issue, override(), progress))
    print_findings(result.allowed, ())
    print_held_back(result.held_back)
    if not result.invoices:
        console.print(f"No invoice issued for {month}." if result.held_back
                      else f"Nothing to bill for {month}.")
        return
    if show:
        print_invoices(console, result.invoices)
    print_listing(console, document_listing(result.invoices), show, "invoice")
    console.print(f"{counted(len(result.invoices), 'invoice')} issued for {month}, numbers "
                  f"{result.invoices[0].number}-{result.invoices[-1].number}, total payable "
                  f"{format_sek(sum(i.totals.payable for i in result.invoices))} SEK.")


def parse_percent(text: str) -> Decimal:
    try:
        value = Decimal(text.strip().rstrip("%").strip())
    except InvalidOperation:
        raise typer.BadParameter(f"not a percentage: {text!r}") from None
    if not value.is_finite() or not 0 <= value <= 100:
        raise typer.BadParameter(f"a percentage from 0 to 100, not {text!r}")
    return value


def print_findings(findings: Sequence, blocking: Sequence) -> None:
    """What looks missing in the month's volumes: allowed on purpose, or stopping the run."""
    for finding in findings:
        state = "stops the run" if finding in blocking else "allowed"
        console.print(f"Volumes look missing ({state}): {finding.message}", style="yellow",
                      highlight=False, soft_wrap=True)


def correct(period: Annotated[str, typer.Argument(metavar="YYYY-MM")],
            agency: Annotated[str | None, typer.Option(help="Only this organisation number.")] = None,
            reason: Annotated[str | None, typer.Option(
                help="Why; printed on the documents. Default: the reasons of the volume "
                     "corrections behind each agency's month.")] = None,
            document_date: DateOption = None,
            dry_run: Annotated[bool, typer.Option(
                "--dry-run", help="Show what the correction would issue; write nothing.")] = False,
            show: ShowOption = False) -> None:
    """Re-rate a billed month: a credit note and a new invoice for each agency
    whose charges changed; nothing for the others."""
    from billing.services.corrections import correct_month
    month, issue = parse_month(period), parse_date(document_date)
    result = run_in_transaction(lambda s: correct_month(s, month, issue, agency, reason, dry_run),
                                commit=not dry_run)
    documents = sorted(result.credit_notes + result.invoices, key=lambda d: d.number or 0)
    print_held_back(result.held_back)
    if not documents:
        console.print(f"Nothing {'else ' if result.held_back else ''}changed in {month}: "
                      "no document issued.")
        return
    if hidden(len(result.changes), show):
        # More agencies than a screen: their sums, and --show for the documents and the table.
        old, new = (sum((getattr(c, key) for c in result.changes), Decimal(0))
                    for key in ("old_payable", "new_payable"))
        console.print(f"{counted(len(result.changes), 'agency', 'agencies')} changed: to pay before "
                      f"{format_sek(old)} SEK, after {format_sek(new)} SEK, difference "
                      f"{format_sek(new - old)} SEK (--show lists them).", highlight=False)
    else:
        if not dry_run:
            print_invoices(console, documents)
        console.print(change_table(result.changes, month, dry_run))
    if dry_run:
        console.print(f"Dry run: {counted(len(result.credit_notes), 'credit note')} and "
                      f"{counted(len(result.invoices), 'invoice')} would be issued for {month}; "
                      "nothing was written.")
        return
    console.print(f"{counted(len(result.credit_notes), 'credit note')} and "
                  f"{counted(len(result.invoices), 'invoice')} issued for {month}.")


def change_table(changes: Sequence, month, dry_run: bool) -> Table:
    """Per agency: what it owed, what it owes after the correction, the difference and why."""
    title = f"Rättelse {month}" + (": förhandsgranskning, inget är utfärdat" if dry_run else "")
    table = Table(title=title)
    for header in ("Org.nr", "Kund"):
        table.add_column(header)
    for header in ("Tidigare att betala", "Nytt att betala", "Skillnad"):
        table.add_column(header, justify="right")
    table.add_column("Orsak")
    for change in changes:
        table.add_row(change.organisation_number, change.agency_name, format_sek(change.old_payable),
                      format_sek(change.new_payable), format_sek(change.difference), change.reason)
    return table


def credit(number: int, reason: Annotated[str, typer.Option(help="Why; printed on the credit note.")],
           document_date: DateOption = None) -> None:
    """A full credit note for one invoice."""
    from billing.services.corrections import credit_invoice
    issue = parse_date(document_date)
    note = run_in_transaction(lambda s: credit_invoice(s, number, reason, issue))
    print_invoices(console, [note])
    console.print(f"Credit note {note.number} issued for invoice {number}.")


def credit_balance(period: Annotated[str, typer.Argument(metavar="YYYY-MM")],
                   agency: Annotated[str, typer.Option(help="The agency's organisation number.")],
                   reason: Annotated[str, typer.Option(help="Why; printed on the credit note.")],
                   document_date: DateOption = None) -> None:
    """Issue a month that nets to a credit for one agency (held back by the run
    or a correction) as a credit note; its invoice in force, if any, is credited first."""
    from billing.services.credit_balance import issue_credit_balance
    month, issue = parse_month(period), parse_date(document_date)
    documents = run_in_transaction(lambda s: issue_credit_balance(s, month, agency, reason, issue))
    print_invoices(console, documents)
    note = documents[-1]
    console.print(f"Credit note {note.number} issued for {note.organisation_number}'s {month}: "
                  f"{format_sek(note.totals.payable)} SEK.")


def print_held_back(held: Sequence[Invoice]) -> None:
    """A month netting to a credit, held back: what it comes to and the command that issues it."""
    for draft in held:
        console.print(held_back_message(draft), style="yellow", highlight=False, soft_wrap=True)


class KindChoice(StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit-note"


_KINDS = {KindChoice.INVOICE: DocumentKind.INVOICE, KindChoice.CREDIT_NOTE: DocumentKind.CREDIT_NOTE}


@invoices_app.command("list")
def invoices_list(
        period: Annotated[str | None, typer.Option(metavar="YYYY-MM", help="Billed for this month.")] = None,
        agency: Annotated[str | None, typer.Option(
            metavar="ORGNR|NAME", help="One agency: its organisation number or a part of its name.")] = None,
        kind: Annotated[KindChoice | None, typer.Option(help="Invoices or credit notes only.")] = None,
        status: Annotated[InvoiceStatus | None, typer.Option(
            help="Invoices (and credit balance notes) in force, credited, or replaced by a corrected "
                 "document; a credit balance note reversed; an invoice reversing one "
                 "(a credit note for an invoice has no status).")] = None,
        output_format: FormatOption = OutputFormat.TABLE, show: ShowOption = False) -> None:
    """Issued invoices and credit notes, with each invoice's status and the day
    each was last exported in Peppol, PDF and SIE; all, or those of a month, an
    agency, a kind or a status."""
    from billing.services.listings import DocumentFilter, listed_documents
    wanted = DocumentFilter(parse_month(period) if period else None, agency,
                            _KINDS[kind] if kind else None, status)
    listed = read(lambda s: listed_documents(s, wanted))
    show_listing(document_listing([d.document for d in listed],
                                  {d.document.number or 0: d.status for d in listed},
                                  exported={d.document.number or 0: d.exported for d in listed}),
                 output_format, show)


@invoice_app.command("show")
def invoice_show(ctx: typer.Context, number: int, output_format: FormatOption = OutputFormat.TABLE,
                 centre: Annotated[Path | None, typer.Option(
                     "--centre", help="The centre's details (bankgiro); default the centre setting.")] = None
                 ) -> None:
    """One document with its lines grouped by service area, VAT, totals, how
    to pay it (OCR reference, bankgiro), and its seal."""
    from billing.reports.document_data import LINE_FIELDS, document_data, line_rows
    from billing.reports.tabular import to_csv, to_json
    from billing.services.outputs import document_with_seal
    if output_format is OutputFormat.CSV:
        refuse(ctx, ["centre"], "the CSV has a row per line and no payment details: use the table or json")
    seller = centre_details(centre).seller
    sealed = read(lambda s: document_with_seal(s, number))
    if sealed is None:
        fail(f"no invoice number {number}")
    document = sealed.document
    if output_format is OutputFormat.CSV:
        emit(to_csv(line_rows(document), LINE_FIELDS))
    elif output_format is OutputFormat.JSON:
        emit(to_json({**document_data(document, seller), "seal": sealed.seal}))
    else:
        print_fitted(console, invoice_document(document, seller), at_most=DOCUMENT_WIDTH)
        # The seal a reader can check against `billing verify` and against a copy kept elsewhere.
        console.print(f"Sigill: {sealed.seal}")
        console.print()
