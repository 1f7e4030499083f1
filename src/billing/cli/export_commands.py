"""``billing export``: one group for every receiving system. The ledger's
module owns the group; each system's command lives with its own kind of
output, and is added here, in the order the group lists them."""

from __future__ import annotations

from billing.cli.einvoice_commands import export_peppol
from billing.cli.ledger_commands import export_app, export_sie
from billing.cli.receivables_commands import export_sie_payments

export_app.command("sie")(export_sie)
export_app.command("peppol")(export_peppol)
export_app.command("sie-payments")(export_sie_payments)

__all__ = ["export_app"]
