"""The ``billing`` command line. Each command owns its transaction: it either
completes or leaves the database as it was."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Annotated

import click
import typer
from typer.core import TyperGroup

from billing.cli import audit_commands, billing_commands, control_commands, data_commands, quote_commands
from billing.cli import pdf_commands  # noqa: F401  (adds "invoice pdf" and "invoices pdf")
from billing.cli import ledger_commands, receivables_commands
from billing.cli import einvoice_commands
from billing.cli import pricing_commands
from billing.cli import users_commands
from billing.cli.config_command import config
from billing.cli.context import fail, state
from billing.cli.diagnostics import configure_logging
from billing.errors import BillingError

# Help panels and commands in the order of the month's work.
MONTHLY, CORRECTIONS, OUTPUTS, PAYMENTS, PRICING, CONTROL, DATA = (
    "Monthly run", "Corrections", "Outputs", "Receivables and payments", "Pricing",
    "Audit and control", "Data and setup")
# (command or group, name, panel), in the order they are listed.
ENTRIES = (
    (data_commands.volumes_app, "volumes", MONTHLY),
    (data_commands.passthrough_app, "passthrough", MONTHLY),
    (billing_commands.run, "run", MONTHLY),
    (billing_commands.invoices_app, "invoices", MONTHLY),
    (billing_commands.invoice_app, "invoice", MONTHLY),
    (billing_commands.correct, "correct", CORRECTIONS),
    (billing_commands.credit, "credit", CORRECTIONS),
    (billing_commands.credit_balance, "credit-balance", CORRECTIONS),
    (ledger_commands.export_app, "export", OUTPUTS),
    (einvoice_commands.validate_einvoice, "validate-einvoice", OUTPUTS),
    (receivables_commands.payments_app, "payments", PAYMENTS),
    (receivables_commands.receivables, "receivables", PAYMENTS),
    (receivables_commands.reminders, "reminders", PAYMENTS),
    (data_commands.tariffs_app, "tariffs", PRICING),
    (quote_commands.quote, "quote", PRICING),
    (quote_commands.whatif, "whatif", PRICING),
    (pricing_commands.prices_app, "prices", PRICING),
    (audit_commands.audit, "audit", CONTROL),
    (control_commands.verify, "verify", CONTROL),
    (control_commands.log, "log", CONTROL),
    (data_commands.agencies_app, "agencies", DATA),
    (users_commands.users_app, "users", DATA),
    (users_commands.serve, "serve", DATA),
    (control_commands.db_app, "db", DATA),
    (config, "config", DATA),
)
_ORDER = [name for _, name, _ in ENTRIES]


class _Ordered(TyperGroup):
    """Lists the commands panel by panel, in the month's order (typer would
    list every command before every group)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(super().list_commands(ctx), key=_ORDER.index)


def _summary(command) -> str:
    """The docstring's first paragraph on one line, for the list of commands."""
    return " ".join(inspect.getdoc(command).split("\n\n")[0].split())


app = typer.Typer(cls=_Ordered, no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False,
                  help="Billing for a government shared-service centre.\n\nSettings come from the "
                       "options, else BILLING_* environment variables, else ./billing.toml, "
                       "~/.config/billing/billing.toml or /etc/billing/billing.toml: see 'billing config'.")
for entry, name, panel in ENTRIES:
    if isinstance(entry, typer.Typer):
        app.add_typer(entry, name=name, rich_help_panel=panel)
    else:
        app.command(name, rich_help_panel=panel, short_help=_summary(entry))(entry)
# "export" is one group for every receiving system; "export sie" is the ledger's.
ledger_commands.export_app.command("sie")(ledger_commands.export_sie)
ledger_commands.export_app.command("peppol")(einvoice_commands.export_peppol)
ledger_commands.export_app.command("sie-payments")(receivables_commands.export_sie_payments)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version  # a slow import, for this option only
        typer.echo(f"billing {version('billing')}")
        raise typer.Exit()


@app.callback()
def _options(
        database: Annotated[str | None, typer.Option(
            "--database-url", metavar="URL", show_default=False,
            help="The database [BILLING_DATABASE_URL; default sqlite:///billing.sqlite]")] = None,
        centre: Annotated[Path | None, typer.Option(
            "--centre", metavar="FILE", show_default=False,
            help="The centre's details and accounts [BILLING_CENTRE]")] = None,
        no_auto_upgrade: Annotated[bool, typer.Option(
            "--no-auto-upgrade", show_default=False,
            help="Never create or upgrade the schema: 'billing db upgrade' does "
                 "[BILLING_AUTO_UPGRADE=false]")] = False,
        verbose: Annotated[int, typer.Option(
            "--verbose", "-v", count=True, metavar="", show_default=False,
            help="Log each step to stderr; -vv the SQL too [BILLING_LOG_LEVEL]")] = 0,
        _show_version: Annotated[bool, typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit.")] = False,
) -> None:
    # Loaded here, not at import: 'billing --help' needs no settings (pydantic).
    from billing.settings import load_settings
    level = {0: None, 1: "INFO"}.get(verbose, "DEBUG")
    try:
        state["settings"] = load_settings(database_url=database, centre=centre,
                                          auto_upgrade=False if no_auto_upgrade else None,
                                          log_level=level)
    except BillingError as error:
        fail(str(error))
    configure_logging(state["settings"].settings.log_level)


def main() -> None:
    app()
