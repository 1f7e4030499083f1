"""What every command shares: the consoles, the database, one transaction per
command, and the translation of errors into messages and exit codes."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from decimal import InvalidOperation
from pathlib import Path
from typing import TypeVar

import typer
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from billing.cli.text import PlainConsole, visible
from billing.domain.seller import Centre
from billing.cli.fields import user_message
from billing.errors import AlreadyDone, BillingError
from billing.files.centre_file import DEFAULT_CENTRE_FILE, load_centre
from billing.period import Month
from billing.services.database import database_url, open_database

T = TypeVar("T")

# Wide enough for an invoice when the output goes to a file or a pipe.
# Plain: what they print is data, shown as written (see billing.cli.text).
console = PlainConsole(width=None if sys.stdout.isatty() else 132)
errors = PlainConsole(stderr=True)
state: dict[str, str] = {}


@contextmanager
def _session(commit: bool) -> Iterator[Session]:
    """Schema brought up to date, then one transaction that commits only if the
    command completes (and is meant to change something); any error rolls
    everything back."""
    engine = open_database(state.get("url") or database_url())
    try:
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
        console.print(str(done), style="yellow")
        raise typer.Exit(0) from None
    except BillingError as error:
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
    errors.print(message, style="red", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


def centre_details(path: Path | None) -> Centre:
    """The centre's details and ledger accounts from ``path`` (default
    config/centre.toml); a bad file is a message and exit status 1."""
    try:
        return load_centre(path or DEFAULT_CENTRE_FILE)
    except BillingError as error:
        fail(str(error))
        raise AssertionError("unreachable") from error


def parse_month(text: str) -> Month:
    try:
        return Month.parse(text)
    except ValueError as exc:
        raise typer.BadParameter(visible(str(exc))) from None


def parse_date(text: str | None) -> date:
    """A --date option; today when not given."""
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        # Typer prints this itself, not through the consoles.
        raise typer.BadParameter(f"not a date (YYYY-MM-DD): {visible(text)}") from None
