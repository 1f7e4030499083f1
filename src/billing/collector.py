"""Python's cyclic garbage collector, paused while a command works in bulk.

A month at scale builds millions of small objects that live to the end of the
command (volume records, rated lines, documents, rows to insert). The cyclic
collector scans every one of them again and again as they accumulate, though
none is garbage yet and hardly any is in a cycle: it took about a third of a
billing run of 10,000 agencies. So a bulk phase freezes what exists (moved out
of the collector's sight) and switches automatic collection off; reference
counting still frees everything that is not in a cycle. At the end the
collector is restored and what the phase left in cycles is collected once.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def collector_paused() -> Iterator[None]:
    """Nested phases leave it to the outermost to restore the collector."""
    if not gc.isenabled():
        yield
        return
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.enable()
        gc.collect()


def bulk_phase(function: Callable[P, R]) -> Callable[P, R]:
    """``function`` runs with the collector paused (collector_paused)."""
    @functools.wraps(function)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        with collector_paused():
            return function(*args, **kwargs)
    return paused
