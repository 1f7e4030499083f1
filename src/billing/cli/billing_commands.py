"""Commands that issue or show documents: the run, corrections, credit notes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

import typer

from billing.cli.context import console, fail, parse_date, parse_month, read, run_in_transaction
from billing.cli.render import invoice_document, invoice_list, print_invoices
from billing.cli.text import PlainConsole
from billing.errors import AlreadyDone
from billing.invoicing.credit_balance import held_back_message
from billing.invoicing.document import Invoice
from billing.money import format_sek

invoices_app = typer.Typer(help="Issued invoices and credit notes.", no_args_is_help=True)
invoice_app = typer.Typer(help="One issued invoice or credit note.", no_args_is_help=True)

DateOption = Annotated[str | None, typer.Option("--date", help="Document date (YYYY-MM-DD); default today.")]


def run(period: Annotated[str, typer.Argument(metavar="YYYY-MM")], invoice_date: DateOption = None,
        show: Annotated[bool, typer.Option("--show", help="Print every invoice in full.")] = False,
        dry_run: Annotated[bool, typer.Option(
            "--dry-run", help="Show what the run would issue; write nothing.")] = False) -> None:
    """Bill a month in arrears: one invoice per agency, all issued or none."""
    from billing.invoicing.credit_balance import split_credit_balances
    from billing.services.billing_run import (billed_months, check_in_arrears, check_issuable,
                                              draft_month, run_month)
    month, issue = parse_month(period), parse_date(invoice_date)
    if dry_run:
        def preview(session):
            if month in billed_months(session):
                raise AlreadyDone(f"{month} is already billed: a run would issue nothing; "
                                  f"changes to a billed month are made with 'billing correct {month}'")
            check_in_arrears(month, issue)
            issuable, held = split_credit_balances(draft_month(session, month, issue))
            check_issuable(issuable)  # what the run would refuse, the preview refuses
            return issuable, held
        issuable, held = read(preview)
        drafts = [draft.document for draft in issuable]
        print_invoices(console, drafts) if show else None
        console.print(invoice_list(drafts, title=f"Förhandsgranskning {month}: inget är utfärdat"))
        print_held_back([draft.document for draft in held])
        console.print(f"Dry run: {len(drafts)} invoices would be issued for {month}; nothing was written.")
        return
    result = run_in_transaction(lambda s: run_month(s, month, issue))
    print_held_back(result.held_back)
    if not result.invoices:
        console.print(f"No invoice issued for {month}." if result.held_back
                      else f"Nothing to bill for {month}.")
        return
    if show:
        print_invoices(console, result.invoices)
    console.print(invoice_list(result.invoices))
    console.print(f"{len(result.invoices)} invoices issued for {month}, numbers "
                  f"{result.invoices[0].number}-{result.invoices[-1].number}, total payable "
                  f"{format_sek(sum(i.totals.payable for i in result.invoices))} SEK.")


def correct(period: Annotated[str, typer.Argument(metavar="YYYY-MM")],
            agency: Annotated[str | None, typer.Option(help="Only this organisation number.")] = None,
            reason: Annotated[str | None, typer.Option(help="Why; printed on the documents.")] = None,
            document_date: DateOption = None) -> None:
    """Re-rate a billed month: a credit note and a new invoice for each agency
    whose charges changed; nothing for the others."""
    from billing.services.corrections import DEFAULT_REASON, correct_month
    month, issue = parse_month(period), parse_date(document_date)
    result = run_in_transaction(lambda s: correct_month(s, month, issue, agency, reason or DEFAULT_REASON))
    documents = sorted(result.credit_notes + result.invoices, key=lambda d: d.number or 0)
    print_held_back(result.held_back)
    if not documents:
        console.print(f"Nothing {'else ' if result.held_back else ''}changed in {month}: "
                      "no document issued.")
        return
    print_invoices(console, documents)
    console.print(f"{len(result.credit_notes)} credit notes and {len(result.invoices)} invoices "
                  f"issued for {month}.")


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


@invoices_app.command("list")
def invoices_list(period: Annotated[str | None, typer.Option(metavar="YYYY-MM")] = None) -> None:
    """Issued invoices and credit notes, optionally of one month, with the day
    each was last exported in Peppol, PDF and SIE."""
    from billing.services.outputs import document_list
    month = parse_month(period) if period else None
    listing = read(lambda s: document_list(s, month))
    table = invoice_list(listing.documents, exported=listing.exported)
    if console.is_terminal:
        console.print(table)
        return
    # To a file or a pipe, the whole table: no column is cut at the default width.
    width = console.measure(table, options=console.options.update_width(10_000)).maximum
    PlainConsole(width=max(console.width, width)).print(table)


@invoice_app.command("show")
def invoice_show(number: int) -> None:
    """One document with its lines grouped by service area, VAT and totals, and its seal."""
    from billing.services.outputs import document_with_seal
    sealed = read(lambda s: document_with_seal(s, number))
    if sealed is None:
        fail(f"no invoice number {number}")
    console.print(invoice_document(sealed.document))
    # The seal a reader can check against `billing verify` and against a copy kept elsewhere.
    console.print(f"Sigill: {sealed.seal}")
    console.print()
