"""``billing config``: the effective settings, where each came from, and the
database they point at."""

from __future__ import annotations

from rich.table import Table

from billing.cli.context import console, fail, settings
from billing.errors import BillingError
from billing.settings import config_files


def config() -> None:
    """Show the effective settings and where each came from (passwords masked),
    and the database in use."""
    effective = settings()
    table = Table("Setting", "Value", "From", title="Settings")
    for column in table.columns[1:]:
        column.overflow = "fold"  # a path or URL is shown whole, folded
    for name, value, origin in effective.rows():
        table.add_row(name, value, origin)
    console.print(table)
    looked = ", ".join(f"{path}{'' if path.exists() else ' (none)'}" for path in config_files())
    console.print(f"Config files, first wins: {looked}", highlight=False, soft_wrap=True)
    try:
        database = effective.database()
    except BillingError as error:
        fail(str(error))
        return
    console.print(f"Database in use: {database}", highlight=False, soft_wrap=True)
