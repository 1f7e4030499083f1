"""A table longer than a screen is summed up unless ``--show`` asks for it.

The commands whose output grows with the number of agencies (the run, a
correction, what-if, the invoices and volume records of a month) print the
whole table only when it fits a screen: the terminal's height when stdout is
a terminal, else 40 rows. A longer one is told by its summary (its count and
sums, the table's last section) and a line saying that ``--show`` prints it.
CSV and JSON are for programs and always hold every row.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Annotated

import typer
from rich.table import Table

from billing.cli.tables import Listing
from billing.cli.width import OutputConsole, print_fitted
from billing.plural import counted

# Rows a table may have and still be printed whole when stdout is not a terminal.
SCREEN_ROWS = 40

ShowOption = Annotated[bool, typer.Option(
    "--show", help="Print the whole table, however long (else a summary beyond a screenful).")]


def screen_rows() -> int:
    """The rows that fit a screen: the terminal's height, else SCREEN_ROWS."""
    if sys.stdout.isatty():
        with contextlib.suppress(OSError):  # a terminal that cannot say its size
            return os.get_terminal_size(sys.stdout.fileno()).lines
    return SCREEN_ROWS


def fits(rows: int) -> bool:
    return rows <= screen_rows()


def summary_table(listing: Listing) -> Table:
    """The listing's heading and its last section (count and sums) without the rows."""
    table = Table(title=listing.title)
    for column in listing.columns:
        table.add_column(column.header, justify="right" if column.kind.right else "left",
                         no_wrap=column.kind.whole, overflow="fold")
    for row in listing.footer:
        table.add_row(*(c.shown(row.get(c.key), footer=True) for c in listing.columns))
    return table


def print_listing(console: OutputConsole, listing: Listing, show: bool, noun: str = "row") -> None:
    """The listing as a table, or beyond a screenful (and without ``show``) its
    summary and how to see the rest."""
    if show or fits(len(listing.rows)):
        print_fitted(console, listing.table())
        return
    if listing.footer:
        print_fitted(console, summary_table(listing))
    console.print(f"{counted(len(listing.rows), noun)} not listed (more than a screenful): "
                  "--show lists them.", highlight=False)


def hidden(rows: int, show: bool) -> bool:
    """Whether a table of ``rows`` is left out (told by its summary only)."""
    return not show and not fits(rows)
