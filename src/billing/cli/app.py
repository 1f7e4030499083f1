"""The ``billing`` command line. Each command owns its transaction: it either
completes or leaves the database as it was."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from billing.errors import AlreadyDone, BillingError
from billing.money import format_sek
from billing.period import Month
from billing.persistence.database import create_engine_for, database_url, upgrade
from billing.persistence.invoice_store import read_invoices
from billing.persistence.models import AgencyRow, InvoiceRow, PriceListRow
from billing.cli.render import invoice_list, print_invoices

T = TypeVar("T")

app = typer.Typer(help="Billing for a government shared-service centre.", no_args_is_help=True,
                  pretty_exceptions_enable=False)
db_app = typer.Typer(help="The database schema.", no_args_is_help=True)
tariffs_app = typer.Typer(help="The service catalogue and price lists.", no_args_is_help=True)
agencies_app = typer.Typer(help="Customer agencies and their agreements.", no_args_is_help=True)
volumes_app = typer.Typer(help="Monthly volume records.", no_args_is_help=True)
passthrough_app = typer.Typer(help="Re-invoiced system services (vidarefakturering).",
                              no_args_is_help=True)
invoices_app = typer.Typer(help="Issued invoices.", no_args_is_help=True)
invoice_app = typer.Typer(help="One issued invoice.", no_args_is_help=True)
for sub, name in ((db_app, "db"), (tariffs_app, "tariffs"), (agencies_app, "agencies"),
                  (volumes_app, "volumes"), (passthrough_app, "passthrough"),
                  (invoices_app, "invoices"), (invoice_app, "invoice")):
    app.add_typer(sub, name=name)

# Wide enough for an invoice when the output goes to a file or a pipe.
console = Console(width=None if sys.stdout.isatty() else 132)
errors = Console(stderr=True)
_state: dict[str, str] = {}


@app.callback()
def _options(database: Annotated[str | None, typer.Option(
        "--database-url", envvar="BILLING_DATABASE_URL",
        help="SQLAlchemy URL; default an SQLite file billing.sqlite here.")] = None) -> None:
    _state["url"] = database_url(database)


@contextmanager
def _transaction() -> Iterator[Session]:
    """Schema brought up to date, then one transaction that commits only if the
    command completes; any error rolls everything back."""
    engine = create_engine_for(_state.get("url") or database_url())
    try:
        upgrade(engine)
        with Session(engine) as session, session.begin():
            yield session
    finally:
        engine.dispose()


def _run(action: Callable[[Session], T]) -> T:
    try:
        with _transaction() as session:
            return action(session)
    except AlreadyDone as done:
        console.print(f"[yellow]{done}[/yellow]")
        raise typer.Exit(0) from None
    except BillingError as error:
        # Escaped: a located problem reads "file:3 [quantity]", which rich would take for markup.
        errors.print(f"[red]{escape(str(error))}[/red]", highlight=False)
        raise typer.Exit(1) from None
    except IntegrityError as error:
        errors.print(f"[red]refused by the database, nothing was changed: {escape(str(error.orig))}[/red]")
        raise typer.Exit(1) from None


def _month(text: str) -> Month:
    try:
        return Month.parse(text)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or upgrade the schema to the newest migration."""
    _run(lambda session: None)
    console.print("Database schema is up to date.")


@tariffs_app.command("load")
def tariffs_load(directory: Annotated[Path, typer.Argument()] = Path("tariffs")) -> None:
    """Load the catalogue and every price list in DIRECTORY (all or nothing)."""
    from billing.services.tariffs import load_tariffs
    result = _run(lambda s: load_tariffs(s, directory))
    console.print(f"Catalogue: {len(result.services_added)} new services. Price lists: "
                  f"{len(result.added)} added {result.added}, {len(result.replaced)} replaced "
                  f"{result.replaced}, {len(result.unchanged)} unchanged.")


@tariffs_app.command("list")
def tariffs_list() -> None:
    """The price-list versions in the database."""
    rows = _run(lambda s: [(r.id, r.series, r.valid_from, r.content_hash[:12], r.source_file)
                           for r in s.scalars(select(PriceListRow).order_by(
                               PriceListRow.series, PriceListRow.valid_from))])
    table = Table("Id", "Serie", "Gäller från", "Hash", "Fil", title="Prislistor")
    for row in rows:
        table.add_row(row[0], row[1], row[2].isoformat(), row[3], row[4])
    console.print(table)


@agencies_app.command("import")
def agencies_import(file: Path) -> None:
    """Add or update agencies, sizes, agreements and discounts from a TOML file."""
    from billing.services.agencies import import_agencies
    result = _run(lambda s: import_agencies(s, file))
    console.print(f"{file}: {result.added} agencies added, {result.updated} updated, "
                  f"{result.unchanged} unchanged.")


@agencies_app.command("list")
def agencies_list() -> None:
    """The agencies in the database."""
    rows = _run(lambda s: list(s.execute(select(AgencyRow.organisation_number, AgencyRow.name)
                                         .order_by(AgencyRow.name)).all()))
    table = Table("Org.nr", "Namn", title=f"Kundmyndigheter ({len(rows)})")
    for org, name in rows:
        table.add_row(org, name)
    console.print(table)


@volumes_app.command("import")
def volumes_import(files: Annotated[list[Path], typer.Argument()]) -> None:
    """Import volume CSV files: all of them, or nothing."""
    from billing.services.volumes import import_volumes
    results = _run(lambda s: [(f, import_volumes(s, f)) for f in files])
    for file, result in results:
        console.print(f"{file}: {result.added} volume records imported, "
                      f"{result.skipped} already there.")


@passthrough_app.command("import")
def passthrough_import(file: Path) -> None:
    """Import pass-through amounts per agency."""
    from billing.services.passthrough import import_pass_through
    result = _run(lambda s: import_pass_through(s, file))
    console.print(f"{file}: {result.added} amounts imported, {result.skipped} already there.")


@passthrough_app.command("allocate")
def passthrough_allocate(file: Path) -> None:
    """Allocate sub-supplier invoices across the agencies that use the system."""
    from billing.services.passthrough import allocate_supplier_invoices
    result = _run(lambda s: allocate_supplier_invoices(s, file))
    console.print(f"{file}: {result.added} allocated amounts stored, {result.skipped} already there.")


@app.command("run")
def run(period: Annotated[str, typer.Argument(metavar="YYYY-MM")],
        invoice_date: Annotated[str | None, typer.Option(
            "--date", help="Invoice date (YYYY-MM-DD); default today.")] = None,
        show: Annotated[bool, typer.Option(help="Print every invoice issued.")] = False) -> None:
    """Bill a month in arrears: one invoice per agency, all issued or none."""
    from billing.services.billing_run import run_month
    month = _month(period)
    try:
        issue = date.fromisoformat(invoice_date) if invoice_date else date.today()
    except ValueError:
        raise typer.BadParameter(f"not a date (YYYY-MM-DD): {invoice_date}") from None
    result = _run(lambda s: run_month(s, month, issue))
    if not result.invoices:
        console.print(f"Nothing to bill for {month}.")
        return
    if show:
        print_invoices(console, result.invoices)
    console.print(invoice_list(result.invoices))
    console.print(f"{len(result.invoices)} invoices issued for {month}, numbers "
                  f"{result.invoices[0].number}-{result.invoices[-1].number}, total payable "
                  f"{format_sek(sum(i.totals.payable for i in result.invoices))} SEK.")


@invoices_app.command("list")
def invoices_list(period: Annotated[str | None, typer.Option(metavar="YYYY-MM")] = None) -> None:
    """Issued invoices, optionally of one month."""
    criteria = [InvoiceRow.period == _month(period)] if period else []
    console.print(invoice_list(_run(lambda s: read_invoices(s, *criteria))))


@invoice_app.command("show")
def invoice_show(number: int) -> None:
    """One invoice with its lines grouped by service area, VAT and totals."""
    invoices = _run(lambda s: read_invoices(s, InvoiceRow.number == number))
    if not invoices:
        errors.print(f"[red]no invoice number {number}[/red]")
        raise typer.Exit(1)
    print_invoices(console, invoices)


def main() -> None:
    app()


if __name__ == "__main__":
    sys.exit(main())
