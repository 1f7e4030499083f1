"""Commands for control: the schema, the seal chain, the event log."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from billing.cli.context import console, errors, read, upgrade_database
from billing.cli.formats import FormatOption, OutputFormat, show_listing
from billing.cli.listings import event_listing
from billing.plural import counted

db_app = typer.Typer(help="The database schema.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create the schema, or upgrade it to the newest migration (creates an SQLite
    file if missing). In production, run it as the schema's owner."""
    console.print(upgrade_database(), highlight=False)


def verify() -> None:
    """Recompute every document's seal and the chain; list what was changed,
    deleted or inserted after issue. Exit status 1 when anything is found."""
    from billing.services.verify import verify_documents
    result = read(verify_documents)
    if result.intact:
        console.print(f"{counted(result.documents, 'document')} verified: every seal and the chain "
                      "are intact.")
        console.print(f"Chain head (keep it outside the database): {result.head or '-'}")
        return
    table = Table("Slag", "Dokument", "Avvikelse", title="Verifiering av dokumentkedjan")
    for finding in result.findings:
        table.add_row(finding.kind, str(finding.number or "-"), finding.message)
    errors.print(table)
    errors.print(f"{counted(len(result.findings), 'finding')} in {counted(result.documents, 'document')}.",
                 style="red")
    raise typer.Exit(1)


def log(limit: Annotated[int | None, typer.Option(help="Only the newest N events.")] = None,
        output_format: FormatOption = OutputFormat.TABLE) -> None:
    """The event log: every action that changed state, with time, user and arguments."""
    from billing.services.events import read_events
    events = read(lambda s: [(e.id, e.occurred_at, e.os_user, e.action, e.arguments, e.summary)
                             for e in read_events(s, limit)])
    show_listing(event_listing(events), output_format)
