"""Progress bars for long work, drawn on stderr while a command runs.

Only when stderr is a terminal: a script, a pipe or the systemd journal gets
nothing (no bar, no control codes), and stdout, which may carry CSV or JSON,
is never touched. The bars vanish when the work is done. The services are
given a plain callable (billing/progress.py) and know nothing of this.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from typing import TYPE_CHECKING

from billing.cli.context import errors
from billing.progress import Progress, silent

if TYPE_CHECKING:
    from rich.progress import TaskID


@contextmanager
def progress_bars() -> Iterator[Progress]:
    """A Progress that draws one bar per step it is told of."""
    if not errors.is_terminal:
        yield silent
        return
    # Here, not at import: a command in a script or a pipe draws nothing.
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as Bars
    with Bars(TextColumn("{task.description}", markup=False), BarColumn(), MofNCompleteColumn(),
              TimeElapsedColumn(), console=errors, transient=True) as bars:
        tasks: dict[str, TaskID] = {}

        def report(step: str, done: int, total: int | None) -> None:
            if step not in tasks:
                tasks[step] = bars.add_task(step, total=total)
            bars.update(tasks[step], completed=done, total=total)

        yield report
