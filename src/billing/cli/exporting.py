"""What the export commands share: the options that choose the documents, the
transaction that writes and records them, and what is said about the choice."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from billing.cli.context import console, errors, parse_month, run_in_transaction
from billing.cli.text import visible
from billing.domain.exports import DocumentChoice, number_ranges, parse_numbers
from billing.period import Month

if TYPE_CHECKING:  # the database layer loads with the command that exports
    from sqlalchemy.orm import Session

    from billing.services.exporting import Exported

AllOption = Annotated[bool, typer.Option(
    "--all", help="Also the documents exported in this format before (written and recorded again).")]
NumbersOption = Annotated[str | None, typer.Option(
    "--numbers", metavar="N-M,K", help="Only these document numbers: ranges and lists, e.g. 12-40,45.")]
SinceOption = Annotated[str | None, typer.Option(
    "--since", metavar="DATE", help="Only documents issued on or after DATE (YYYY-MM-DD).")]


def document_choice(period: str | None, everything: bool, numbers: str | None, since: str | None,
                    *, month_required: bool = False) -> tuple[Month | None, DocumentChoice]:
    """The month given (if any) and the documents asked for by the month billed,
    --numbers and --since together; a usage error when none names any."""
    month = parse_month(period) if period else None
    try:
        ranges = parse_numbers(numbers) if numbers is not None else ()
    except ValueError as error:
        raise typer.BadParameter(visible(str(error)), param_hint="'--numbers'") from None
    try:
        first = date.fromisoformat(since) if since is not None else None
    except ValueError:
        raise typer.BadParameter(f"not a date (YYYY-MM-DD): {visible(since or '')}",
                                 param_hint="'--since'") from None
    if month is None and not ranges and first is None and not month_required:
        raise typer.BadParameter("name the documents: a month (YYYY-MM), --numbers or --since",
                                 param_hint="'YYYY-MM'")
    return month, DocumentChoice(billed_for=month, numbers=ranges, since=first, again=everything)


def export_in_transaction(action: Callable[[Session], Exported]) -> Exported:
    """Run an export in its command's transaction. The files are written at the
    end of the action, before the commit: if the commit then fails, the files
    are there but not recorded, and the message says so."""
    done: list[Exported] = []

    def exporting(session: Session) -> Exported:
        done.append(action(session))
        return done[-1]

    try:
        return run_in_transaction(exporting)
    except typer.Exit:
        if done and done[0].paths:
            paths = done[0].paths
            errors.print(f"{len(paths)} files were written ({paths[0]}{' and others' if len(paths) > 1 else ''})"
                         " but the export could not be recorded: the next export writes these documents again.",
                         style="red", highlight=False, soft_wrap=True)
        raise


def nothing_written(result: Exported) -> bool:
    """Says so when the export wrote nothing (exit status 0): there was nothing
    chosen, or everything chosen was exported before."""
    if result.documents:
        return False
    chosen, label = result.chosen, result.format.label
    if not chosen.left_out:
        console.print(f"No documents {result.choice.described()}: nothing written.", highlight=False)
    else:
        console.print(f"Nothing new to write: the {len(chosen.left_out)} documents "
                      f"{result.choice.described()} were exported as {label} before "
                      f"({number_ranges(chosen.left_out)}); --all writes them again. Nothing written.",
                      highlight=False)
    return True


def say_what_was_left_out(result: Exported) -> None:
    """After the line saying what was written: what was not, and what was written again."""
    chosen, label = result.chosen, result.format.label
    if chosen.left_out:
        console.print(f"{len(chosen.left_out)} documents exported as {label} before were left out "
                      f"({number_ranges(chosen.left_out)}); --all writes them again.", highlight=False)
    if chosen.again:
        console.print(f"{len(chosen.again)} of them were exported as {label} before "
                      f"({number_ranges(chosen.again)}); written and recorded again.", highlight=False)


def for_what(month: Month | None, result: Exported) -> str:
    """'2012-12' for a month's export, else the documents described."""
    return str(month) if result.choice.month_only and month else f"the documents {result.choice.described()}"
