"""The ``billing`` command line. Each command owns its transaction: it either
completes or leaves the database as it was."""

from __future__ import annotations

from typing import Annotated

import typer

from billing.cli import audit_commands, billing_commands, control_commands, data_commands, quote_commands
from billing.cli import pdf_commands  # noqa: F401  (adds "invoice pdf" and "invoices pdf")
from billing.cli import ledger_commands
from billing.cli import einvoice_commands
from billing.cli.context import state
from billing.services.database import database_url

app = typer.Typer(help="Billing for a government shared-service centre.", no_args_is_help=True,
                  pretty_exceptions_enable=False)
for sub, name in ((control_commands.db_app, "db"), (data_commands.tariffs_app, "tariffs"),
                  (data_commands.agencies_app, "agencies"), (data_commands.volumes_app, "volumes"),
                  (data_commands.passthrough_app, "passthrough"),
                  (billing_commands.invoices_app, "invoices"), (billing_commands.invoice_app, "invoice")):
    app.add_typer(sub, name=name)
app.command("run")(billing_commands.run)
app.command("correct")(billing_commands.correct)
app.command("credit")(billing_commands.credit)
app.command("credit-balance")(billing_commands.credit_balance)
app.command("verify")(control_commands.verify)
app.command("log")(control_commands.log)
app.command("quote")(quote_commands.quote)
app.command("whatif")(quote_commands.whatif)
app.command("audit")(audit_commands.audit)
# "export" is one group for every receiving system; "export sie" is the ledger's.
ledger_commands.export_app.command("sie")(ledger_commands.export_sie)
ledger_commands.export_app.command("peppol")(einvoice_commands.export_peppol)
app.command("validate-einvoice")(einvoice_commands.validate_einvoice)
app.add_typer(ledger_commands.export_app, name="export")
app.add_typer(ledger_commands.payments_app, name="payments")


@app.callback()
def _options(database: Annotated[str | None, typer.Option(
        "--database-url", envvar="BILLING_DATABASE_URL",
        help="SQLAlchemy URL; default an SQLite file billing.sqlite here.")] = None) -> None:
    state["url"] = database_url(database)


def main() -> None:
    app()
