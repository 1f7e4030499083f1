"""The progress of long work (imports, runs, exports, audits, what-ifs), told
to whoever watches through a plain callable.

Services and pure modules take a ``Progress`` and call it as they go; they know
nothing of terminals. The command line passes one that draws a bar on stderr
(cli/progress.py); everything else gets ``silent``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")

# (what is being done, how many done, how many in all or None when not known)
Progress = Callable[[str, int, "int | None"], None]


def silent(step: str, done: int, total: int | None) -> None:
    """No one is watching."""


def tracked(items: Sequence[T], step: str, progress: Progress) -> Iterator[T]:
    """``items`` one by one, telling ``progress`` before the first and after each."""
    total = len(items)
    progress(step, 0, total)
    for done, item in enumerate(items, start=1):
        yield item
        progress(step, done, total)
