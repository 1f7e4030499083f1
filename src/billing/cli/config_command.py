"""``billing config``: the effective settings, where each came from, and the
database they point at."""

from __future__ import annotations

import json

from billing.cli.context import console, fail, settings
from billing.errors import BillingError


def config() -> None:
    """Show the effective settings and where each came from (passwords masked),
    and the database in use."""
    from billing.settings import config_files
    effective = settings()
    # In billing.toml's own syntax, so that a line can be copied into one.
    say = lambda text: console.print(text, highlight=False, soft_wrap=True, markup=False)  # noqa: E731
    for name, value, origin in effective.rows():
        shown = value if name == "auto_upgrade" else json.dumps(value, ensure_ascii=False)
        say(f"{name} = {shown}  # {origin}")
    say("# config files, first wins: " + ", ".join(
        f"{path}{'' if path.exists() else ' (none)'}" for path in config_files()))
    try:
        database = effective.database()
    except BillingError as error:
        fail(str(error))
        return
    say(f"# database in use: {database}")
