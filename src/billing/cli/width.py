"""How wide the command line writes, and the rule that no number is ever cut.

The width is COLUMNS when set, else the terminal's, else (a file or a pipe)
132 columns. A table folds its text columns to fit, but keeps every number,
date and identifier whole: when even the narrowest layout is wider than the
width, the table is printed as wide as it needs (a terminal then wraps its
lines; a file keeps them), never with an amount cut or wrapped. Messages are
not wrapped at all (see OutputConsole.print).

An invoice is laid out at most 132 columns wide, as a page, however wide the
terminal: the same document reads the same on every screen and in a file.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console, ConsoleDimensions, Group, RenderableType
from rich.measure import Measurement
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from billing.cli.text import PlainConsole

PIPE_WIDTH = 132
DOCUMENT_WIDTH = 132
# A text column may fold to this width, not narrower, before a table is widened.
NARROWEST_TEXT = 10
_UNBOUNDED = 100_000


class OutputConsole(PlainConsole):
    """A PlainConsole of the width above; ``exactly`` lets one print be wider."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._exact_width: int | None = None

    @property
    def size(self) -> ConsoleDimensions:
        found = Console.size.fget(self)
        if self._exact_width is not None:
            return ConsoleDimensions(self._exact_width, found.height)
        if not self.is_terminal and not os.environ.get("COLUMNS", "").isdigit():
            return ConsoleDimensions(PIPE_WIDTH, found.height)
        return found

    @size.setter
    def size(self, new_size: tuple[int, int]) -> None:
        Console.size.fset(self, new_size)

    def print(self, *objects: Any, **options: Any) -> None:
        """A message (text only) is one line as written, however long: the
        terminal wraps it where it must, and a file or pipe has it whole, so an
        amount or a path in it is never split by a line break."""
        if "soft_wrap" not in options and all(isinstance(o, (str, Text)) for o in objects):
            options["soft_wrap"] = True
        super().print(*objects, **options)

    @contextmanager
    def exactly(self, width: int) -> Iterator[None]:
        saved, self._exact_width = self._exact_width, width
        try:
            yield
        finally:
            self._exact_width = saved


def keep_whole(table: Table, *columns: int) -> Table:
    """Mark the ``columns`` (indexes) of a table built by hand as numbers: never
    wrapped, folded rather than cut (print_fitted then keeps them whole)."""
    for index in columns:
        table.columns[index].no_wrap = True
        table.columns[index].overflow = "fold"
        table.columns[index].justify = "right"
    return table


def needed_width(console: Console, renderable: RenderableType) -> int:
    """The narrowest width at which the tables in ``renderable`` keep every
    column that may not wrap whole, with text folded to NARROWEST_TEXT."""
    if isinstance(renderable, Table):
        return _table_width(console, renderable)
    if isinstance(renderable, Group):
        return max((needed_width(console, part) for part in renderable.renderables), default=0)
    if isinstance(renderable, Panel):
        _, right, _, left = Padding.unpack(renderable.padding)
        return needed_width(console, renderable.renderable) + 2 + left + right
    return 0


def _table_width(console: Console, table: Table) -> int:
    options = console.options.update_width(_UNBOUNDED)
    _, right, _, left = table.padding
    width = (2 if table.box and table.show_edge else 0) + (len(table.columns) - 1 if table.box else 0)
    for column in table.columns:
        widest = max((Measurement.get(console, options, cell).maximum
                      for cell in (column.header, *column.cells)), default=0)
        widest = max(widest, column.min_width or 0)
        # A text column's min_width is what it may not fold below (the widest number in it).
        narrowest = widest if column.no_wrap else max(min(widest, NARROWEST_TEXT), column.min_width or 0)
        width += narrowest + left + right
    return width


def print_fitted(console: OutputConsole, renderable: RenderableType, at_most: int | None = None) -> None:
    """``renderable`` at the console's width (or ``at_most``, if narrower),
    widened as far as its numbers need."""
    width = console.width if at_most is None else min(console.width, at_most)
    width = max(width, needed_width(console, renderable))
    if width == console.width:
        console.print(renderable)
        return
    with console.exactly(width):
        console.print(renderable)
