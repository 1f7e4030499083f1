"""One exception root for the package.

Data errors (bad input files, inconsistent agreements) are collected with their
source and raised together, so that a user fixes a whole file in one pass.
Programming errors are left to raise as the usual Python exceptions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


class BillingError(Exception):
    """Root of every error this package raises on purpose."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input, and where it is.

    In a workbook the line is the sheet's row, and the column its letter."""

    message: str
    file: str | None = None
    line: int | None = None
    field: str | None = None
    sheet: str | None = None
    column: str | None = None

    def __str__(self) -> str:
        if self.sheet is not None:  # volymer.xlsx [Blad1] row 7, column D (quantity): ...
            row = "" if self.line is None else f" row {self.line}"
            column = "" if self.column is None else f"{',' if row else ''} column {self.column}"
            field = f" ({self.field})" if self.field else ""
            return f"{self.file} [{self.sheet}]{row}{column}{field}: {self.message}"
        where = ":".join(str(part) for part in (self.file, self.line) if part is not None)
        field = f" [{self.field}]" if self.field else ""
        return f"{where}{field}: {self.message}" if where or field else self.message


# A million bad rows are told as the first hundred and a count: enough to see
# what is wrong, without a message of its own million lines.
SHOWN_PROBLEMS = 100


class DataError(BillingError):
    """Input that cannot be accepted; nothing was changed.

    ``problems`` holds at most SHOWN_PROBLEMS, the first ones; ``omitted``
    counts the others."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...], omitted: int = 0):
        self.problems = tuple(problems[:SHOWN_PROBLEMS])
        self.omitted = omitted + max(0, len(problems) - SHOWN_PROBLEMS)
        count = len(self.problems) + self.omitted
        head = f"{count:,} problem{'s' if count != 1 else ''} found, nothing was changed:"
        tail = [f"  … and {self.omitted:,} more problem{'s' if self.omitted != 1 else ''}"
                ] if self.omitted else []
        super().__init__("\n".join([head, *(f"  {p}" for p in self.problems), *tail]))

    @classmethod
    def single(cls, message: str, **where: object) -> "DataError":
        return cls([Problem(message, **where)])  # type: ignore[arg-type]


class AlreadyDone(BillingError):
    """The requested action was done before; doing it again would change nothing."""


class ProblemCollector:
    """Collects problems while a file is read; raises them together at the end.

    Keeps the first SHOWN_PROBLEMS and counts the rest, so a file of any size
    is checked to its end in bounded memory. ``locate``, when set, completes
    each problem's place (a workbook's sheet and column) as it is added."""

    def __init__(self, file: str | None = None,
                 locate: Callable[[Problem], Problem] | None = None):
        self.file = file
        self.locate = locate
        self.problems: list[Problem] = []
        self.omitted = 0

    @property
    def count(self) -> int:
        """Problems found so far, shown or not."""
        return len(self.problems) + self.omitted

    def add(self, message: str, *, line: int | None = None, field: str | None = None) -> None:
        self.append(Problem(message, self.file, line, field))

    def append(self, problem: Problem) -> None:
        if self.locate is not None:
            problem = self.locate(problem)
        if len(self.problems) < SHOWN_PROBLEMS:
            self.problems.append(problem)
        else:
            self.omitted += 1

    def raise_if_any(self) -> None:
        if self.problems:
            raise DataError(self.problems, self.omitted)
