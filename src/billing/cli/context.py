"""What every command shares: the consoles, the database, one transaction per
command, and the translation of errors into messages and exit codes."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from decimal import InvalidOperation
from typing import TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from billing.cli.fields import user_message
from billing.errors import AlreadyDone, BillingError
from billing.period import Month
from billing.persistence.database import create_engine_for, database_url, upgrade

T = TypeVar("T")

# Wide enough for an invoice when the output goes to a file or a pipe.
console = Console(width=None if sys.stdout.isatty() else 132)
errors = Console(stderr=True)
state: dict[str, str] = {}


@contextmanager
def _session(commit: bool) -> Iterator[Session]:
    """Schema brought up to date, then one transaction that commits only if the
    command completes (and is meant to change something); any error rolls
    everything back."""
    engine = create_engine_for(state.get("url") or database_url())
    try:
        upgrade(engine)
        with Session(engine) as session:
            if commit:
                with session.begin():
                    yield session
            else:
                try:
                    yield session
                finally:
                    session.rollback()
    finally:
        engine.dispose()


def run_in_transaction(action: Callable[[Session], T], commit: bool = True) -> T:
    """Run a command's action; data errors become a message and exit status 1."""
    try:
        with _session(commit) as session:
            return action(session)
    except AlreadyDone as done:
        console.print(f"[yellow]{escape(str(done))}[/yellow]")
        raise typer.Exit(0) from None
    except BillingError as error:
        # Escaped: a located problem reads "file:3 [quantity]", which rich would take for markup.
        fail(user_message(error))
    except IntegrityError as error:
        fail(f"refused by the database, nothing was changed: {error.orig}")
    except (SQLAlchemyError, InvalidOperation) as error:
        fail(f"nothing was changed: {type(error).__name__}: {error}")
    raise AssertionError("unreachable")


def read(action: Callable[[Session], T]) -> T:
    """For commands that only look: the transaction is rolled back."""
    return run_in_transaction(action, commit=False)


def emit(text: str) -> None:
    """Machine-readable output (CSV, JSON, HTML) exactly as made: not through
    rich, which would wrap long lines and read markup or emoji codes in it."""
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    sys.stdout.flush()


def fail(message: str) -> None:
    # soft_wrap: a long path or value stays on one line, as written.
    errors.print(f"[red]{escape(message)}[/red]", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


def parse_month(text: str) -> Month:
    try:
        return Month.parse(text)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


def parse_date(text: str | None) -> date:
    """A --date option; today when not given."""
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"not a date (YYYY-MM-DD): {text}") from None
