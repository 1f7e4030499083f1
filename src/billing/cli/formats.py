"""The ``--format`` of the listings, and the refusal of options a command
cannot honour.

Every listing is a table to read (the default), or CSV or JSON for a script:
the same rows, CSV through reports/tabular.py (cells a spreadsheet would run
as formulas neutralised), JSON with amounts as exact decimal text.

An option given where it has no effect (``--out`` with a table, ``--to`` with
``audit trace``) is refused, with exit status 2, rather than silently ignored:
a user who asked for something gets it or is told why not. Tables are for the
terminal: a table in a file is made with ``> FILE``; ``--out`` writes the
formats a program reads.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import click
import typer
from click.core import ParameterSource

from billing.cli.context import console, emit
from billing.cli.tables import Listing
from billing.cli.width import print_fitted
from billing.reports.tabular import to_csv, to_json


class OutputFormat(StrEnum):
    TABLE = "table"
    CSV = "csv"
    JSON = "json"


FormatOption = Annotated[OutputFormat, typer.Option(
    "--format", help="table to read; csv or json for a script.")]


def show_listing(listing: Listing, output_format: OutputFormat, show: bool = True) -> None:
    """The listing on stdout in the format asked for; without ``show``, a table
    longer than a screen is summed up (see cli/screenful.py)."""
    if output_format is OutputFormat.CSV:
        emit(to_csv(listing.csv_records(), listing.keys))
    elif output_format is OutputFormat.JSON:
        emit(to_json(listing.records()))
    elif show:
        print_fitted(console, listing.table())
    else:
        from billing.cli.screenful import print_listing
        print_listing(console, listing, show)


def given(ctx: click.Context, *names: str) -> list[str]:
    """Of the parameters ``names``, those the user gave (on the command line or
    through the environment), as typed: ``--to``, ``NUMBER``."""
    typed = []
    for param in ctx.command.params:
        if param.name in names and ctx.get_parameter_source(param.name) in (
                ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT):
            typed.append(param.opts[0] if isinstance(param, click.Option)
                         else (param.metavar or param.name.upper()))
    return typed


def refuse(ctx: click.Context, names: tuple[str, ...] | list[str], why: str) -> None:
    """Stop with a usage error (exit status 2) if any of ``names`` was given."""
    typed = given(ctx, *names)
    if typed:
        raise click.UsageError(f"{', '.join(typed)}: {why}", ctx)
