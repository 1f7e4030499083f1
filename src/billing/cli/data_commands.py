"""Commands that take data in: tariffs, agencies, volumes, pass-through amounts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from billing.cli.agency_view import ViewFormat, overview_data, print_overview
from billing.cli.context import console, emit, parse_month, read, run_in_transaction
from billing.cli.formats import FormatOption, OutputFormat, show_listing
from billing.cli.listings import agency_listing, price_list_listing, volume_listing
from billing.cli.progress import progress_bars
from billing.cli.screenful import ShowOption
from billing.files.reading import ReadSummary
from billing.money import format_sek
from billing.plural import counted
from billing.reports.tabular import to_json

tariffs_app = typer.Typer(help="The service catalogue and price lists.", no_args_is_help=True)
agencies_app = typer.Typer(help="Customer agencies and their agreements.", no_args_is_help=True)
volumes_app = typer.Typer(help="Monthly volume records.", no_args_is_help=True)
passthrough_app = typer.Typer(help="Re-invoiced system services (vidarefakturering).",
                              no_args_is_help=True)
# Every file of volumes or amounts may be CSV or an Excel workbook (.xlsx).
Sheet = Annotated[str | None, typer.Option(
    "--sheet", metavar="NAME", help="The sheet of an Excel workbook (.xlsx) to read; without "
                                    "it, the workbook's only sheet.")]


@tariffs_app.command("load")
def tariffs_load(directory: Annotated[Path, typer.Argument()] = Path("tariffs")) -> None:
    """Load the catalogue and every price list in DIRECTORY (all or nothing)."""
    from billing.services.tariffs import load_tariffs
    result = run_in_transaction(lambda s: load_tariffs(s, directory))
    console.print(f"Catalogue: {counted(len(result.services_added), 'new service')}. Price lists: "
                  f"{len(result.added)} added {result.added}, {len(result.replaced)} replaced "
                  f"{result.replaced}, {len(result.unchanged)} unchanged.")


@tariffs_app.command("list")
def tariffs_list(output_format: FormatOption = OutputFormat.TABLE) -> None:
    """The price-list versions in the database."""
    from billing.services.catalogue import price_list_versions
    show_listing(price_list_listing(read(price_list_versions)), output_format)


@agencies_app.command("import")
def agencies_import(file: Path) -> None:
    """Add or update agencies, sizes, agreements and discounts from a TOML file."""
    from billing.services.agencies import import_agencies
    with progress_bars() as progress:
        result = run_in_transaction(lambda s: import_agencies(s, file, progress))
    console.print(f"{file}: {counted(result.added, 'agency', 'agencies')} added, {result.updated} updated, "
                  f"{result.unchanged} unchanged.")


@agencies_app.command("list")
def agencies_list(output_format: FormatOption = OutputFormat.TABLE) -> None:
    """The agencies in the database."""
    from billing.services.agencies import agency_names
    show_listing(agency_listing(read(agency_names)), output_format)


@agencies_app.command("show")
def agencies_show(agency: Annotated[str, typer.Argument(
                      metavar="ORGNR|NAME", help="The organisation number, or a part of the name.")],
                  output_format: Annotated[ViewFormat, typer.Option(
                      "--format", help="table to read; json for a script.")] = ViewFormat.TABLE) -> None:
    """One agency: its sizes, agreements and discounts, and every document issued to it."""
    from billing.services.listings import agency_overview
    overview = read(lambda s: agency_overview(s, agency))
    if output_format is ViewFormat.JSON:
        emit(to_json(overview_data(overview)))
    else:
        print_overview(console, overview)


@volumes_app.command("list")
def volumes_list(period: Annotated[str, typer.Option(metavar="YYYY-MM", help="The month.")],
                 agency: Annotated[str | None, typer.Option(
                     metavar="ORGNR|NAME", help="One agency: its organisation number or a part of its name."
                 )] = None,
                 output_format: FormatOption = OutputFormat.TABLE, show: ShowOption = False) -> None:
    """A month's volume records in force (corrected ones replace what they correct)."""
    from billing.services.listings import volume_listing as records_of
    month = parse_month(period)
    records = read(lambda s: records_of(s, month, agency))
    show_listing(volume_listing(records, f"Volymposter {month}"), output_format, show)


AllowFuture = Annotated[str, typer.Option(
    "--allow-future", metavar="REASON",
    help="Take in periods more than a month ahead of today, and say why (kept with the import).")]


def imported(file: Path, added: int, skipped: int, taken: str) -> str:
    """What an import took in; a file whose every record was there already is
    said to be imported before (a second import of it, or the loser of two at once)."""
    message = f"{file}: {taken}, {skipped} already there."
    if added == 0 and skipped > 0:
        message += " The file is already imported: nothing added."
    return message


@volumes_app.command("import")
def volumes_import(files: Annotated[list[Path], typer.Argument()], allow_future: AllowFuture = "",
                   sheet: Sheet = None) -> None:
    """Import volume files (CSV or .xlsx): all of them, or nothing."""
    from billing.services.volumes import import_volumes
    with progress_bars() as progress:
        results = run_in_transaction(lambda s: [(f, import_volumes(s, f, allow_future, sheet=sheet,
                                                                   progress=progress))
                                                for f in files])
    for file, result in results:
        _print_read(file, result.read)
        console.print(imported(file, result.added, result.skipped,
                               f"{counted(result.added, 'volume record')} imported"))


@volumes_app.command("correct")
def volumes_correct(file: Path, reason: Annotated[str, typer.Option(
        help="Why the volumes are corrected; kept with the records and in the log.")],
        allow_future: AllowFuture = "", sheet: Sheet = None) -> None:
    """Corrected or late volume records: each supersedes the record with the same
    period, agency, service and reference (which stays readable). Then re-rate
    billed months with 'billing correct'."""
    from billing.services.volumes import correct_volumes
    with progress_bars() as progress:
        result = run_in_transaction(lambda s: correct_volumes(s, file, reason, allow_future,
                                                              sheet=sheet, progress=progress))
    _print_read(file, result.read)
    console.print(f"{file}: {counted(result.added, 'record')} taken in, of which {result.superseded} "
                  f"supersede earlier ones; {result.skipped} unchanged.")


@passthrough_app.command("import")
def passthrough_import(file: Path, allow_future: AllowFuture = "", sheet: Sheet = None) -> None:
    """Import pass-through amounts per agency (CSV or .xlsx)."""
    from billing.services.passthrough import import_pass_through
    with progress_bars() as progress:
        result = run_in_transaction(lambda s: import_pass_through(s, file, allow_future, sheet=sheet,
                                                                  progress=progress))
    _print_read(file, result.read)
    completed = (f", {result.completed} given the VAT exemption reason they lacked"
                 if result.completed else "")
    console.print(imported(file, result.added, result.skipped,
                           f"{counted(result.added, 'amount')} imported{completed}"))


@passthrough_app.command("allocate")
def passthrough_allocate(file: Path, allow_future: AllowFuture = "", sheet: Sheet = None) -> None:
    """Allocate sub-supplier invoices (CSV or .xlsx) across the agencies that use the system."""
    from billing.services.passthrough import allocate_supplier_invoices
    result = run_in_transaction(lambda s: allocate_supplier_invoices(s, file, allow_future,
                                                                     sheet=sheet))
    _print_read(file, result.read)
    console.print(imported(file, result.added, result.skipped,
                           f"{counted(result.added, 'allocated amount')} stored"))


def _print_read(file: Path, read: ReadSummary | None) -> None:
    """What the file holds, to compare with the source system's totals before billing."""
    if read is None:
        return
    agencies = "" if read.agencies is None else f"{read.agencies} agencies, "
    months = ", ".join(str(month) for month in read.months) or "none"
    console.print(f"{file}: read {counted(read.rows, 'row')} ({read.form}): {agencies}months {months}")
    if read.quantities:
        width = max(len(service) for service, _ in read.quantities)
        console.print(f"  quantity per service ({len(read.quantities)} services):")
        for service, quantity in read.quantities:
            console.print(f"    {service:<{width}}  {quantity:>14}")
    if read.amount is not None:
        console.print(f"  total amount: {format_sek(read.amount)} SEK")
