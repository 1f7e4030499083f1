"""What a reader found in a file: its form, where each field is, and what its rows add up to.

An import prints it (``ReadSummary``) so that the person can compare the
rows, agencies, months and totals with the source system's before billing;
and in a workbook, the import's own problems (an unknown agency, a month
already billed) are located by it as the reader's are: sheet, row, column.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from decimal import Decimal

from billing.errors import DataError, Problem
from billing.period import Month

MARKS = {",": "decimal comma", ".": "decimal point"}


@dataclass(frozen=True, slots=True)
class ReadSummary:
    """What an import read, as the person can check it against the source."""

    form: str  # 'Windows-1252, separated by ';', decimal comma', 'sheet Blad1'
    rows: int
    agencies: int | None  # None: the rows name no agency (sub-supplier invoices)
    months: tuple[Month, ...]
    quantities: tuple[tuple[str, Decimal], ...] = ()  # volumes: the total of each service
    amount: Decimal | None = None  # amounts: their total


@dataclass
class Reading:
    """Filled in as a file is read: by the table reader (its form, its columns)
    and by the file's reader (each valid row, through ``count``)."""

    file: str | None = None
    encoding: str | None = None
    separator: str | None = None
    sheet: str | None = None
    columns: dict[str, str] = field(default_factory=dict)  # field: its column letter
    decimal_marks: set[str] = field(default_factory=set)
    rows: int = 0
    agencies: set[str] | None = None
    months: set[Month] = field(default_factory=set)
    quantities: dict[str, Decimal] = field(default_factory=dict)
    amount: Decimal | None = None

    def count(self, period: Month, organisation_number: str | None = None,
              service: str | None = None, quantity: Decimal | None = None,
              amount: Decimal | None = None) -> None:
        """One valid row, with what it adds to the totals."""
        self.rows += 1
        self.months.add(period)
        if organisation_number is not None:
            if self.agencies is None:
                self.agencies = set()
            self.agencies.add(organisation_number)
        if service is not None and quantity is not None:
            self.quantities[service] = self.quantities.get(service, Decimal(0)) + quantity
        if amount is not None:
            self.amount = amount if self.amount is None else self.amount + amount

    def summary(self) -> ReadSummary:
        return ReadSummary(self.describe(), self.rows,
                           None if self.agencies is None else len(self.agencies),
                           tuple(sorted(self.months)), tuple(sorted(self.quantities.items())),
                           self.amount)

    def describe(self) -> str:
        parts = [f"sheet {self.sheet}"] if self.sheet is not None else []
        if self.encoding:
            parts.append(self.encoding)
        if self.separator:
            parts.append("separated by tabs" if self.separator == "\t"
                         else f"separated by '{self.separator}'")
        parts += [MARKS[mark] for mark in sorted(self.decimal_marks)]
        return ", ".join(parts)

    def locate(self, problem: Problem) -> Problem:
        """The problem with its sheet and column, when it is in this workbook's sheet."""
        if self.sheet is None or problem.file != self.file or problem.sheet is not None:
            return problem
        return replace(problem, sheet=self.sheet, column=self.columns.get(problem.field or ""))

    @contextmanager
    def locating(self) -> Iterator[None]:
        """Data errors raised inside are located by ``locate``."""
        try:
            yield
        except DataError as error:
            raise DataError([self.locate(p) for p in error.problems], error.omitted) from None
