"""Commands that take data in: tariffs, agencies, volumes, pass-through amounts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from billing.cli.context import console, read, run_in_transaction
from billing.files.reading import ReadSummary
from billing.money import format_sek

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
    console.print(f"Catalogue: {len(result.services_added)} new services. Price lists: "
                  f"{len(result.added)} added {result.added}, {len(result.replaced)} replaced "
                  f"{result.replaced}, {len(result.unchanged)} unchanged.")


@tariffs_app.command("list")
def tariffs_list() -> None:
    """The price-list versions in the database."""
    from billing.services.catalogue import price_list_versions
    versions = read(price_list_versions)
    table = Table("Id", "Serie", "Gäller från", "Hash", "Fil", title="Prislistor")
    for v in versions:
        table.add_row(v.id, v.series, v.valid_from.isoformat(), v.content_hash[:12], v.source_file)
    console.print(table)


@agencies_app.command("import")
def agencies_import(file: Path) -> None:
    """Add or update agencies, sizes, agreements and discounts from a TOML file."""
    from billing.services.agencies import import_agencies
    result = run_in_transaction(lambda s: import_agencies(s, file))
    console.print(f"{file}: {result.added} agencies added, {result.updated} updated, "
                  f"{result.unchanged} unchanged.")


@agencies_app.command("list")
def agencies_list() -> None:
    """The agencies in the database."""
    from billing.services.agencies import agency_names
    rows = read(agency_names)
    table = Table("Org.nr", "Namn", title=f"Kundmyndigheter ({len(rows)})")
    for org, name in rows:
        table.add_row(org, name)
    console.print(table)


AllowFuture = Annotated[str, typer.Option(
    "--allow-future", metavar="REASON",
    help="Take in periods more than a month ahead of today, and say why (kept with the import).")]


def imported(file: Path, added: int, skipped: int, counted: str) -> str:
    """What an import took in; a file whose every record was there already is
    said to be imported before (a second import of it, or the loser of two at once)."""
    message = f"{file}: {counted}, {skipped} already there."
    if added == 0 and skipped > 0:
        message += " The file is already imported: nothing added."
    return message


@volumes_app.command("import")
def volumes_import(files: Annotated[list[Path], typer.Argument()], allow_future: AllowFuture = "",
                   sheet: Sheet = None) -> None:
    """Import volume files (CSV or .xlsx): all of them, or nothing."""
    from billing.services.volumes import import_volumes
    results = run_in_transaction(lambda s: [(f, import_volumes(s, f, allow_future, sheet=sheet))
                                            for f in files])
    for file, result in results:
        _print_read(file, result.read)
        console.print(imported(file, result.added, result.skipped,
                               f"{result.added} volume records imported"))


@volumes_app.command("correct")
def volumes_correct(file: Path, reason: Annotated[str, typer.Option(
        help="Why the volumes are corrected; kept with the records and in the log.")],
        allow_future: AllowFuture = "", sheet: Sheet = None) -> None:
    """Corrected or late volume records: each supersedes the record with the same
    period, agency, service and reference (which stays readable). Then re-rate
    billed months with 'billing correct'."""
    from billing.services.volumes import correct_volumes
    result = run_in_transaction(lambda s: correct_volumes(s, file, reason, allow_future,
                                                          sheet=sheet))
    _print_read(file, result.read)
    console.print(f"{file}: {result.added} records taken in, of which {result.superseded} "
                  f"supersede earlier ones; {result.skipped} unchanged.")


@passthrough_app.command("import")
def passthrough_import(file: Path, allow_future: AllowFuture = "", sheet: Sheet = None) -> None:
    """Import pass-through amounts per agency (CSV or .xlsx)."""
    from billing.services.passthrough import import_pass_through
    result = run_in_transaction(lambda s: import_pass_through(s, file, allow_future, sheet=sheet))
    _print_read(file, result.read)
    completed = (f", {result.completed} given the VAT exemption reason they lacked"
                 if result.completed else "")
    console.print(imported(file, result.added, result.skipped,
                           f"{result.added} amounts imported{completed}"))


@passthrough_app.command("allocate")
def passthrough_allocate(file: Path, allow_future: AllowFuture = "", sheet: Sheet = None) -> None:
    """Allocate sub-supplier invoices (CSV or .xlsx) across the agencies that use the system."""
    from billing.services.passthrough import allocate_supplier_invoices
    result = run_in_transaction(lambda s: allocate_supplier_invoices(s, file, allow_future,
                                                                     sheet=sheet))
    _print_read(file, result.read)
    console.print(imported(file, result.added, result.skipped,
                           f"{result.added} allocated amounts stored"))


def _print_read(file: Path, read: ReadSummary | None) -> None:
    """What the file holds, to compare with the source system's totals before billing."""
    if read is None:
        return
    agencies = "" if read.agencies is None else f"{read.agencies} agencies, "
    months = ", ".join(str(month) for month in read.months) or "none"
    console.print(f"{file}: read {read.rows} rows ({read.form}): {agencies}months {months}")
    if read.quantities:
        width = max(len(service) for service, _ in read.quantities)
        console.print(f"  quantity per service ({len(read.quantities)} services):")
        for service, quantity in read.quantities:
            console.print(f"    {service:<{width}}  {quantity:>14}")
    if read.amount is not None:
        console.print(f"  total amount: {format_sek(read.amount)} SEK")
