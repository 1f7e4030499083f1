"""Invoices and reports as a person reads them (rich tables)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from billing.cli.text import shown, visible
from billing.cli.width import DOCUMENT_WIDTH, OutputConsole, print_fitted
from billing.domain.seller import Seller
from billing.invoicing.document import DocumentKind, Invoice
from billing.money import format_sek
from billing.plural import counted
from billing.reports.document_data import payment_details


def _number(value: Decimal) -> str:
    """Quantities and rates as written, with a decimal comma."""
    text = format(value.normalize(), "f") if value == value.to_integral_value() else str(value)
    return text.replace(".", ",")


def _price(value: Decimal) -> str:
    """Unit prices in kronor and öre, or with all their decimals when they have more."""
    return format_sek(value) if value == value.quantize(Decimal("0.01")) else _number(value)


def invoice_document(inv: Invoice, seller: Seller | None = None) -> Group:
    """The document as the agency reads it; with ``seller``, where to pay too."""
    header = Table.grid(padding=(0, 2))
    header.add_column(style="bold")
    header.add_column()
    references = []
    if inv.credits is not None:
        references.append(("Krediterar faktura" if inv.kind is DocumentKind.CREDIT_NOTE
                           else "Återför kreditfaktura", str(inv.credits)))
    if inv.replaces is not None:
        references.append(("Ersätter faktura", str(inv.replaces)))
    if inv.reason:
        references.append(("Orsak", inv.reason))
    payment = payment_details(inv, seller)
    paid_to = [(label, payment[key]) for label, key in (("OCR-nummer", "ocr_reference"),
                                                         ("Bankgiro", "bankgiro")) if key in payment]
    for label, value in ((inv.kind.number_label, str(inv.number or "-")),
                         ("Fakturadatum", inv.issue_date.isoformat()),
                         ("Förfallodatum", inv.due_date.isoformat()),
                         *paid_to,
                         ("Kund", inv.agency_name),
                         *([("Adress", Text("\n").join(shown(l) for l in inv.buyer_address.lines()))]
                           if inv.buyer_address else []),
                         ("Organisationsnummer", inv.organisation_number),
                         ("Er referens", inv.buyer_reference or "-"),
                         ("Avser", f"{inv.period} (fakturering i efterskott av faktiska volymer)"),
                         *references):
        header.add_row(label, value)
    parts = [Panel(header, title=inv.kind.label, expand=False)]
    for area, lines in inv.lines_by_area():
        table = Table(title=area.label, title_justify="left", expand=True)
        for col, justify in (("Beskrivning", "left"), ("Antal", "right"), ("Enhet", "left"),
                             ("À-pris", "right"), ("Belopp", "right"), ("Moms", "right")):
            # The description folds; quantities and amounts are never cut (cli/width.py).
            table.add_column(col, justify=justify, ratio=1 if col == "Beskrivning" else None,
                             no_wrap=col != "Beskrivning", overflow="fold")
        for line in lines:
            # Text made here is not a string the console escapes: data goes through shown().
            description = shown(line.description)
            notes = [line.detail] if line.detail else []
            if line.proration:
                notes.append(f"{line.proration.days}/{line.proration.of_days} dagar")
            if line.price_list_id:
                notes.append(f"prislista {line.price_list_id}")
            if line.volume_record_ids:
                notes.append(f"underlag: {counted(len(line.volume_record_ids), 'volympost', 'volymposter')}")
            if line.vat_exemption is not None:
                notes.append(f"momsfri: {line.vat_exemption.label}")
            if notes:
                description.append("\n" + visible("; ".join(notes)), style="dim")
            table.add_row(description, _number(line.quantity), line.unit, _price(line.unit_price),
                          format_sek(line.amount), f"{_number(line.vat_rate)} %")
        subtotal = sum((line.amount for line in lines), Decimal(0))
        table.add_section()
        table.add_row(Text("Summa " + area.label.lower(), style="bold"), "", "", "",
                      Text(format_sek(subtotal), style="bold"), "")
        parts.append(table)
    totals = Table.grid(padding=(0, 2))
    totals.add_column(justify="left", no_wrap=True)
    totals.add_column(justify="right", no_wrap=True)
    totals.add_row("Summa exkl. moms", format_sek(inv.totals.net))
    for sub in inv.totals.vat_subtotals:
        totals.add_row(f"Moms {_number(sub.rate)} % på {format_sek(sub.taxable)}", format_sek(sub.vat))
    totals.add_row("Öresavrundning", format_sek(inv.totals.rounding))
    totals.add_row(Text(total_label(inv), style="bold"),
                   Text(format_sek(inv.totals.payable), style="bold"))
    parts.append(Panel(totals, expand=False))
    return Group(*parts)


def total_label(inv: Invoice) -> str:
    """What the bottom line of a document is: a credit, an amount to pay, or a reversal's amount."""
    if inv.kind is DocumentKind.CREDIT_NOTE:
        return "Kreditbelopp (SEK)"
    return "Återfört belopp (SEK)" if inv.is_reversal else "Att betala (SEK)"


def print_invoices(console: OutputConsole, invoices: Sequence[Invoice], seller: Seller | None = None) -> None:
    """Each document as a page: at most DOCUMENT_WIDTH wide, wider only if its numbers need it."""
    for invoice in invoices:
        print_fitted(console, invoice_document(invoice, seller), at_most=DOCUMENT_WIDTH)
        console.print()
