"""Invoices and reports as a person reads them (rich tables)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from billing.cli.text import shown, visible
from billing.domain.exports import ExportFormat
from billing.invoicing.document import DocumentKind, Invoice
from billing.money import format_sek

NOT_EXPORTED = "\u2013"  # an en dash: not exported in that format


def _number(value: Decimal) -> str:
    """Quantities and rates as written, with a decimal comma."""
    text = format(value.normalize(), "f") if value == value.to_integral_value() else str(value)
    return text.replace(".", ",")


def _price(value: Decimal) -> str:
    """Unit prices in kronor and öre, or with all their decimals when they have more."""
    return format_sek(value) if value == value.quantize(Decimal("0.01")) else _number(value)


def invoice_list(invoices: Sequence[Invoice], title: str = "Fakturor och kreditfakturor",
                 exported: Mapping[int, Mapping[ExportFormat, datetime]] | None = None) -> Table:
    """The documents one per row with their totals; with ``exported``, also the
    day (UTC) each was last exported in each format, or "–"."""
    table = Table(title=title, show_lines=False)
    formats = tuple(ExportFormat) if exported is not None else ()
    # Only the name may be shortened; numbers are never cut.
    for header, justify, width in (("Nr", "right", 5), ("Typ", "left", 7), ("Period", "left", 7),
                                   ("Fakturadatum", "left", 12), ("Org.nr", "left", 11),
                                   ("Kund", "left", None), ("Netto", "right", 14),
                                   ("Moms", "right", 13), ("Att betala", "right", 14),
                                   *((fmt.label, "left", 10) for fmt in formats)):
        table.add_column(header, justify=justify, no_wrap=True, overflow="ellipsis",
                         min_width=width, max_width=width or 30)
    for inv in invoices:
        when = (exported or {}).get(inv.number or 0, {})
        table.add_row(str(inv.number or "-"), inv.kind.short_label, str(inv.period),
                      inv.issue_date.isoformat(), inv.organisation_number, inv.agency_name,
                      format_sek(inv.totals.net), format_sek(inv.totals.vat),
                      format_sek(inv.totals.payable),
                      *(when[fmt].date().isoformat() if fmt in when else NOT_EXPORTED for fmt in formats))
    if invoices:
        table.add_section()
        credit_notes = sum(1 for i in invoices if i.kind is DocumentKind.CREDIT_NOTE)
        count = f"{len(invoices) - credit_notes} fakturor" + (
            f", {credit_notes} kreditfakturor" if credit_notes else "")
        table.add_row("", "", "", "", "", count,
                      format_sek(sum((i.totals.net for i in invoices), Decimal(0))),
                      format_sek(sum((i.totals.vat for i in invoices), Decimal(0))),
                      format_sek(sum((i.totals.payable for i in invoices), Decimal(0))),
                      *("" for _ in formats))
    return table


def invoice_document(inv: Invoice) -> Group:
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
    for label, value in ((inv.kind.number_label, str(inv.number or "-")),
                         ("Fakturadatum", inv.issue_date.isoformat()),
                         ("Förfallodatum", inv.due_date.isoformat()),
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
            table.add_column(col, justify=justify, ratio=1 if col == "Beskrivning" else None,
                             no_wrap=col != "Beskrivning")
        for line in lines:
            # Text made here is not a string the console escapes: data goes through shown().
            description = shown(line.description)
            notes = [line.detail] if line.detail else []
            if line.proration:
                notes.append(f"{line.proration.days}/{line.proration.of_days} dagar")
            if line.price_list_id:
                notes.append(f"prislista {line.price_list_id}")
            if line.volume_record_ids:
                notes.append(f"underlag: {len(line.volume_record_ids)} volymposter")
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
    totals.add_column(justify="left")
    totals.add_column(justify="right")
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


def print_invoices(console: Console, invoices: Sequence[Invoice]) -> None:
    for invoice in invoices:
        console.print(invoice_document(invoice))
        console.print()
