"""The ``billing`` command line in-process (typer's CliRunner), for the tests
that drive it on a real database."""

from __future__ import annotations

from typer.testing import CliRunner, Result

from billing.cli.app import app


def cli(url: str, *args) -> Result:
    result = CliRunner().invoke(app, ["--database-url", url, *map(str, args)], env={"COLUMNS": "250"})
    # A crash would also exit with 1: only deliberate exits count.
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def flat(text: str) -> str:
    """Whitespace collapsed, so a wrapped line still matches."""
    return " ".join(text.split())
