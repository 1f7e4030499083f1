"""What ``--verbose`` (or BILLING_LOG_LEVEL) shows: standard logging to stderr,
one line per step (the database in use, a migration, each command's result)."""

from __future__ import annotations

import dataclasses
import logging
import sys
from collections.abc import Sized

import click

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_SCALARS = (str, int, bool, type(None))


class _StderrHandler(logging.StreamHandler):
    """Writes to the sys.stderr of the moment, not of the handler's creation
    (a test runner swaps it for each invocation)."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(logging.Formatter(_FORMAT))

    @property
    def stream(self):  # type: ignore[override]
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        """Ignored: the stream is always the sys.stderr of the moment."""


def configure_logging(level: str) -> None:
    """The root logger at ``level``, to stderr; SQL statements too at DEBUG."""
    root = logging.getLogger()
    if not any(isinstance(h, _StderrHandler) for h in root.handlers):
        root.addHandler(_StderrHandler())
    root.setLevel(level)
    logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO if level == "DEBUG" else logging.WARNING)


def command_name() -> str:
    context = click.get_current_context(silent=True)
    return context.command_path if context else "billing"


def summary(result: object) -> str:
    """A short account of a service's result: scalar fields as they are,
    collections by their size, anything else by its type."""
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        parts = (f"{f.name}={_short(getattr(result, f.name))}" for f in dataclasses.fields(result))
        return f"{type(result).__name__}({', '.join(parts)})"
    return _short(result)


def _short(value: object) -> str:
    if isinstance(value, _SCALARS):
        text = str(value)
        return text if len(text) <= 60 else text[:57] + "..."
    if isinstance(value, Sized) and not isinstance(value, (bytes, str)):
        return f"{len(value)} {type(value).__name__}"
    return type(value).__name__
