"""What-if commands: a quote for a prospective agency, a draft price list's effect."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from billing.cli.context import console, emit, errors, fail, parse_month, read
from billing.cli.progress import progress_bars
from billing.cli.screenful import ShowOption, hidden
from billing.cli.width import keep_whole, print_fitted
from billing.domain.agency import ConnectionItem
from billing.domain.catalogue import ServiceArea
from billing.money import format_sek, round_percent
from billing.period import Month
from billing.plural import counted
from billing.quoting.cost_classes import CostClass
from billing.quoting.request import QuoteRequest, VolumeBasis
from billing.reports.tabular import to_csv, to_json


class Format(StrEnum):
    TABLE = "table"
    CSV = "csv"
    JSON = "json"


FormatOption = Annotated[Format, typer.Option("--format", help="table, csv or json.")]


def _pairs(values: list[str], option: str, form: str = "CODE=NUMBER") -> dict[str, Decimal]:
    """NAME=NUMBER options; split at the last '=', so a description may hold one."""
    result = {}
    for value in values:
        name, _, number = value.rpartition("=")
        try:
            result[name.strip()] = Decimal(number.strip())
        except InvalidOperation:
            raise typer.BadParameter(f"{option} takes {form}, not {value!r}") from None
    return result


def quote(
        employees: Annotated[int, typer.Option(help="The agency's size.")],
        area: Annotated[list[ServiceArea], typer.Option(
            metavar="AREA", help="payroll, finance or eprocurement; repeat for several.")],
        name: Annotated[str, typer.Option(help="The prospective agency.")] = "Ny kundmyndighet",
        volume: Annotated[list[str], typer.Option(help="CODE=QUANTITY per month (hours for special services).")] = [],
        subscription: Annotated[list[str], typer.Option(help="A subscription service code.")] = [],
        connection_item: Annotated[list[str], typer.Option(help="DESCRIPTION=AMOUNT, one-off.")] = [],
        start: Annotated[str | None, typer.Option(help="First month (YYYY-MM); default next month.")] = None,
        years: Annotated[int, typer.Option(help="Years to price, each with the version then in force.")] = 1,
        tariff_id: Annotated[str | None, typer.Option(help="Price every month with this version.")] = None,
        estimate: Annotated[bool, typer.Option(
            "--estimate", help="Estimate missing basic volumes from history.")] = False,
        history_from: Annotated[str | None, typer.Option(help="Estimation window start (YYYY-MM).")] = None,
        history_to: Annotated[str | None, typer.Option(help="Estimation window end (YYYY-MM).")] = None,
        output_format: FormatOption = Format.TABLE,
        html: Annotated[Path | None, typer.Option(help="Also save the quote as an HTML document.")] = None,
) -> None:
    """Price a prospective agency: annual, extraordinary and one-off cost, VAT apart."""
    # The HTML machinery (Jinja2, Babel) loads only for the commands that use it.
    from billing.reports.quote_document import quote_html, quote_rows, volume_rows
    from billing.services.quotes import quote as make_quote
    first = parse_month(start) if start else Month.of(date.today()).next()
    request = QuoteRequest(
        name=name, employees=employees, areas=tuple(dict.fromkeys(area)), start=first,
        months=12 * years,
        volumes={code: VolumeBasis(q, "angivet") for code, q in _pairs(volume, "--volume").items()},
        subscriptions=tuple(dict.fromkeys(subscription)),
        connection_items=tuple(ConnectionItem(d, a) for d, a in _pairs(connection_item, "--connection-item", "DESCRIPTION=AMOUNT").items()),
        price_list_id=tariff_id)
    window = (parse_month(history_from) if history_from else None,
              parse_month(history_to) if history_to else None)
    result, _ = read(lambda s: make_quote(s, request, estimate, *window))
    if html is not None:
        try:
            html.write_text(quote_html(result, date.today()), encoding="utf-8")
        except OSError as exc:
            fail(f"cannot write the quote to {html}: {exc.strerror or exc}")
    if output_format is Format.CSV:
        emit(to_csv(quote_rows(result)))
    elif output_format is Format.JSON:
        emit(to_json({"years": quote_rows(result), "volumes": volume_rows(result)}))
    else:
        _print_quote(result)
    if html is not None:
        # To stderr: stdout may be the CSV or JSON a tool reads.
        errors.print(f"Quote saved as {html}.")


def _print_quote(result) -> None:
    from billing.reports.quote_document import volume_rows
    table = Table("År", *(c.label for c in CostClass), "Summa exkl. moms", "Moms", "Summa inkl. moms",
                  "Löpande/mån", title=f"Prisuppskattning: {result.request.name}")
    for y in result.years():
        table.add_row(f"{y.year} ({y.months} mån)", *(format_sek(y.by_class[c]) for c in CostClass),
                      format_sek(y.net), format_sek(y.vat), format_sek(y.net + y.vat),
                      format_sek(y.recurring_per_month))
    print_fitted(console, keep_whole(table, *range(1, len(table.columns))))
    volumes = Table("Tjänst", "Antal per månad", "Underlag", title="Volymer")
    for row in volume_rows(result):
        volumes.add_row(str(row["service"]), str(row["monthly_quantity"]), str(row["source"]))
    console.print(volumes)
    lists = sorted({p for y in result.years() for p in y.price_lists})
    console.print(f"Prislistor: {', '.join(lists)}. Belopp i SEK exklusive moms där inget annat sägs.")


def whatif(tariff: Annotated[Path, typer.Option(help="The draft price-list file.")],
           from_month: Annotated[str | None, typer.Option("--from", help="First month (YYYY-MM).")] = None,
           to_month: Annotated[str | None, typer.Option("--to", help="Last month (YYYY-MM).")] = None,
           output_format: FormatOption = Format.TABLE,
           html: Annotated[Path | None, typer.Option(
               help="Also save the agencies most affected as an HTML page.")] = None,
           show_unchanged: Annotated[bool, typer.Option(
               "--show-unchanged", help="Also list agencies and areas the draft does not change.")] = False,
           show: ShowOption = False) -> None:
    """Re-rate the recorded volumes of existing agencies under a draft price list;
    per agency and area: current, draft, difference. Changes nothing."""
    from billing.reports.whatif_page import whatif_html
    from billing.services.quotes import what_if
    first = parse_month(from_month) if from_month else None
    last = parse_month(to_month) if to_month else None
    with progress_bars() as progress:
        differences, months, draft_id = read(lambda s: what_if(s, tariff, first, last, progress))
    rows = [{"organisation_number": d.organisation_number, "agency": d.name, "area": str(d.area),
             "current": d.current, "draft": d.draft, "change": d.change, "change_percent": d.percent}
            for d in differences]
    totals = {}
    for d in differences:
        current, draft = totals.get(d.area, (Decimal(0), Decimal(0)))
        totals[d.area] = (current + d.current, draft + d.draft)
    if html is not None:
        try:
            html.write_text(whatif_html(differences, months, draft_id, show_unchanged), encoding="utf-8")
        except OSError as exc:
            fail(f"cannot write the page to {html}: {exc.strerror or exc}")
        # To stderr: stdout may be the CSV or JSON a tool reads.
        errors.print(f"What-if saved as {html}.")
    # CSV and JSON list every agency and area: a tool filters for itself.
    if output_format is Format.CSV:
        emit(to_csv(rows))
        return
    if output_format is Format.JSON:
        emit(to_json({"draft": draft_id, "months": [str(m) for m in months], "agencies": rows,
                      "totals": [{"area": str(a), "current": c, "draft": d, "change": d - c,
                                  "change_percent": round_percent(d - c, c)}
                                 for a, (c, d) in totals.items()]}))
        return
    table = Table("Org.nr", "Kund", "Område", "Nuvarande", "Utkast", "Skillnad", "%",
                  title=f"Utkast {draft_id} mot gällande prislistor, {months[0]}-{months[-1]}")
    shown = [d for d in differences if show_unchanged or d.change]
    summed_up = hidden(len(shown), show)  # beyond a screenful: the sums only
    for d in () if summed_up else shown:
        table.add_row(d.organisation_number, d.name, d.area.label, format_sek(d.current),
                      format_sek(d.draft), format_sek(d.change),
                      "-" if d.percent is None else f"{d.percent}")
    if not summed_up:
        table.add_section()
    for area, (current, draft) in totals.items():
        percent = round_percent(draft - current, current)
        table.add_row("", "Summa", area.label, format_sek(current), format_sek(draft),
                      format_sek(draft - current), "-" if percent is None else str(percent))
    table.columns[0].no_wrap = True  # the organisation number
    print_fitted(console, keep_whole(table, 3, 4, 5, 6))
    if summed_up:
        console.print(f"{counted(len(shown), 'row')} not listed (more than a screenful): "
                      "--show lists them.")
    if len(shown) < len(differences):
        console.print(f"{counted(len(differences) - len(shown), 'row')} without change not shown "
                      "(--show-unchanged shows them); the sums include them.")
    console.print("Nothing was issued or changed.")
