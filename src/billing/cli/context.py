"""What every command shares: the consoles, the database, one transaction per
command, and the translation of errors into messages and exit codes."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from decimal import InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import typer

from billing.cli.diagnostics import command_name, summary
from billing.cli.fields import user_message
from billing.cli.text import visible
from billing.cli.width import OutputConsole
from billing.errors import AlreadyDone, BillingError
from billing.period import Month

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from billing.domain.seller import Centre
    from billing.settings import EffectiveSettings

T = TypeVar("T")
log = logging.getLogger("billing.cli")

# COLUMNS, the terminal's width, or 132 for a file or a pipe (see billing.cli.width).
# Plain: what they print is data, shown as written (see billing.cli.text).
console = OutputConsole()
errors = OutputConsole(stderr=True)
state: dict[str, EffectiveSettings] = {}


def settings() -> EffectiveSettings:
    """The settings of this invocation (the app's callback loads them)."""
    if "settings" not in state:
        from billing.settings import load_settings
        state["settings"] = load_settings()
    return state["settings"]


# The database layer (SQLAlchemy, and Alembic when the schema must move) and
# the file readers load inside the functions that use them, so that 'billing
# --help' and commands that never open the database do not pay for them.

@contextmanager
def _engine():
    from billing.services.database import create_engine_for, describe
    url = settings().settings.database_url
    engine = create_engine_for(url)
    log.info("database: %s", describe(url))
    try:
        yield engine
    finally:
        engine.dispose()


@contextmanager
def _session(commit: bool) -> Iterator[Session]:
    """Schema checked (created or upgraded only as the settings allow: a command
    that only reads never creates a database), then one transaction that commits
    only if the command completes (and is meant to change something); any error
    rolls everything back. Readers take no write lock (see for_reading)."""
    from sqlalchemy.orm import Session

    from billing.services.database import for_reading, prepare_schema
    with _engine() as engine:
        prepare_schema(engine, may_create=commit, auto_upgrade=settings().settings.auto_upgrade)
        with Session(engine if commit else for_reading(engine)) as session:
            if commit:
                with session.begin():
                    yield session
            else:
                try:
                    yield session
                finally:
                    session.rollback()


def upgrade_database() -> str:
    """'billing db upgrade', the one command that always may create and migrate:
    what it did."""
    from billing.services.database import describe, upgrade
    with _errors_as_messages(), _engine() as engine:
        return upgrade(engine).message(describe(settings().settings.database_url))
    raise AssertionError("unreachable")


def centre_file(option: Path | None) -> Path:
    """A command's --centre, else the setting (BILLING_CENTRE, a config file, or
    the example shipped in the package)."""
    return option or settings().settings.centre


def run_in_transaction(action: Callable[[Session], T], commit: bool = True) -> T:
    """Run a command's action; data errors become a message and exit status 1."""
    started = time.perf_counter()
    with _errors_as_messages():
        with _session(commit) as session:
            result = action(session)
        log.info("%s: %s in %.2f s: %s", command_name(), "committed" if commit else "read",
                 time.perf_counter() - started, summary(result))
        return result
    raise AssertionError("unreachable")


@contextmanager
def _errors_as_messages() -> Iterator[None]:
    from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError
    try:
        yield
    except AlreadyDone as done:
        console.print(str(done), style="yellow")
        raise typer.Exit(0) from None
    except BillingError as error:
        fail(user_message(error))
    except IntegrityError as error:
        fail(f"refused by the database, nothing was changed: {error.orig}")
    except DBAPIError as error:
        # E.g. a server that cannot be reached: the driver's own words, on one line.
        fail(f"nothing was changed: {type(error).__name__}: {' '.join(str(error.orig).split())}")
    except (SQLAlchemyError, InvalidOperation) as error:
        fail(f"nothing was changed: {type(error).__name__}: {error}")


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
    """The centre's details and ledger accounts from ``path``, else the
    setting (see centre_file); a bad file is a message and exit status 1."""
    from billing.files.centre_file import load_centre
    try:
        return load_centre(centre_file(path))
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
