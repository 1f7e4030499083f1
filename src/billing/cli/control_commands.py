"""Commands for control: the schema, the seal chain, the event log."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from billing.cli.context import console, errors, fail, read, upgrade_database
from billing.cli.fields import user_message
from billing.cli.formats import FormatOption, OutputFormat, show_listing
from billing.cli.listings import event_listing
from billing.cli.width import print_fitted
from billing.errors import BillingError
from billing.plural import counted
from billing.reports.wrapped_text import WrappedText, number_width

db_app = typer.Typer(help="The database schema.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create the schema, or upgrade it to the newest migration (creates an SQLite
    file if missing). In production, run it as the schema's owner."""
    console.print(upgrade_database(), highlight=False)


def verify(
    expect_head: Annotated[str | None, typer.Option(
        "--expect-head", metavar="HEX|@FILE",
        help="A journal head kept outside the database (a seal, or @FILE written by --write-head): "
             "it must still be in the chain.")] = None,
    head_file: Annotated[Path | None, typer.Option(
        "--head-file", metavar="FILE", help="The same as --expect-head @FILE.")] = None,
    write_head: Annotated[Path | None, typer.Option(
        "--write-head", metavar="FILE",
        help="Write the journal head, with the time and the number of documents and links, to FILE "
             "(only when nothing is found).")] = None,
) -> None:
    """Recompute every document's seal and the chain, and the journal over
    documents, billing runs and events; list what was changed, deleted or
    inserted after it was written. Exit status 1 when anything is found."""
    from billing.services.verify import verify_everything, write_head_file
    if expect_head is not None and head_file is not None:
        fail("give --expect-head or --head-file, not both")
    result = read(lambda s: verify_everything(s, _pinned(expect_head, head_file)))
    if not result.intact:
        _print_findings(result)
        if write_head is not None:
            errors.print(f"No head written to {write_head}: pinning a chain with findings would bless them.",
                         style="red")
        raise typer.Exit(1)
    journal = result.journal
    console.print(f"{counted(result.documents.documents, 'document')} verified: every seal and the chain "
                  "are intact.")
    kinds = ", ".join(counted(journal.counts.get(k, 0), k) for k in ("document", "run", "event"))
    console.print(f"{journal.links} journal links verified ({kinds}): every record is the one linked.")
    console.print(f"Document chain head: {result.documents.head or '-'}")
    console.print(f"Journal head, link {journal.head.position} (keep it outside the database, "
                  f"e.g. with --write-head FILE): {journal.head.seal or '-'}")
    if result.pinned is not None:
        console.print(f"Pinned head found: {result.pinned.message}.")
    if write_head is not None:
        try:
            write_head_file(write_head, result)
        except BillingError as error:
            fail(user_message(error))
        console.print(f"Journal head written to {write_head}.")


def _pinned(expect_head: str | None, head_file: Path | None):
    """The head kept outside, if one is given: a seal, or a head file."""
    from billing.audit.pinned_head import PinnedHead, parse_seal
    from billing.files.head_file import read_head_file
    if head_file is None and expect_head is not None and expect_head.startswith("@"):
        head_file = Path(expect_head[1:])
    if head_file is not None:
        return read_head_file(head_file)
    return None if expect_head is None else PinnedHead(parse_seal(expect_head))


# What was found, as the controller reads it; the findings keep the English kinds as codes.
_KIND = {"changed": "ändrad", "deleted": "borttagen", "inserted": "tillagd", "rewritten": "omskriven"}


def _print_findings(result) -> None:
    from billing.audit.journal_check import named
    rows = [(finding.kind, named("document", str(finding.number or "-")), finding.message)
            for finding in result.documents.findings]
    rows += [(found.kind, named(found.record_kind, found.key), found.message)
             for found in result.journal_findings]
    if result.pinned is not None and not result.pinned.found:
        rows.append(("rewritten", "huvud", result.pinned.message))
    # Kind and record whole; the message wraps between words, never inside a number (cli/width.py).
    table = Table(title="Verifiering av dokumentkedjan och journalen")
    table.add_column("Slag", no_wrap=True)
    table.add_column("Post", no_wrap=True)
    table.add_column("Avvikelse", min_width=number_width(message for _, _, message in rows))
    for kind, record, message in rows:
        table.add_row(_KIND.get(kind, kind), record, WrappedText(message))
    print_fitted(errors, table)
    errors.print(f"{counted(len(result.documents.findings), 'finding')} in "
                 f"{counted(result.documents.documents, 'document')}.", style="red")
    outside = " and the head kept outside" if result.pinned is not None else ""
    errors.print(f"{counted(result.finding_count - len(result.documents.findings), 'finding')} in the journal "
                 f"({counted(result.journal.links, 'link')}){outside}.", style="red")


def log(limit: Annotated[int | None, typer.Option(help="Only the newest N events.")] = None,
        output_format: FormatOption = OutputFormat.TABLE) -> None:
    """The event log: every action that changed state, with time, user and arguments."""
    from billing.services.events import read_events
    events = read(lambda s: [(e.id, e.occurred_at, e.os_user, e.action, e.arguments, e.summary)
                             for e in read_events(s, limit)])
    show_listing(event_listing(events), output_format)
