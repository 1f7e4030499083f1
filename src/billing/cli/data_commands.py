"""Commands that take data in: tariffs, agencies, volumes, pass-through amounts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from billing.cli.context import console, read, run_in_transaction

tariffs_app = typer.Typer(help="The service catalogue and price lists.", no_args_is_help=True)
agencies_app = typer.Typer(help="Customer agencies and their agreements.", no_args_is_help=True)
volumes_app = typer.Typer(help="Monthly volume records.", no_args_is_help=True)
passthrough_app = typer.Typer(help="Re-invoiced system services (vidarefakturering).",
                              no_args_is_help=True)


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


@volumes_app.command("import")
def volumes_import(files: Annotated[list[Path], typer.Argument()]) -> None:
    """Import volume CSV files: all of them, or nothing."""
    from billing.services.volumes import import_volumes
    results = run_in_transaction(lambda s: [(f, import_volumes(s, f)) for f in files])
    for file, result in results:
        console.print(f"{file}: {result.added} volume records imported, "
                      f"{result.skipped} already there.")


@volumes_app.command("correct")
def volumes_correct(file: Path, reason: Annotated[str, typer.Option(
        help="Why the volumes are corrected; kept with the records and in the log.")]) -> None:
    """Corrected or late volume records: each supersedes the record with the same
    period, agency, service and reference (which stays readable). Then re-rate
    billed months with 'billing correct'."""
    from billing.services.volumes import correct_volumes
    result = run_in_transaction(lambda s: correct_volumes(s, file, reason))
    console.print(f"{file}: {result.added} records taken in, of which {result.superseded} "
                  f"supersede earlier ones; {result.skipped} unchanged.")


@passthrough_app.command("import")
def passthrough_import(file: Path) -> None:
    """Import pass-through amounts per agency."""
    from billing.services.passthrough import import_pass_through
    result = run_in_transaction(lambda s: import_pass_through(s, file))
    completed = (f", {result.completed} given the VAT exemption reason they lacked"
                 if result.completed else "")
    console.print(f"{file}: {result.added} amounts imported, {result.skipped} already there{completed}.")


@passthrough_app.command("allocate")
def passthrough_allocate(file: Path) -> None:
    """Allocate sub-supplier invoices across the agencies that use the system."""
    from billing.services.passthrough import allocate_supplier_invoices
    result = run_in_transaction(lambda s: allocate_supplier_invoices(s, file))
    console.print(f"{file}: {result.added} allocated amounts stored, {result.skipped} already there.")
