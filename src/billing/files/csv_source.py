"""Reading CSV files with every problem located by file, line and column."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

from billing.errors import DataError, ProblemCollector
from billing.money import parse_decimal
from billing.period import Month

T = TypeVar("T")


class CsvRows:
    """The rows of one CSV file, and a collector for what is wrong in them."""

    def __init__(self, path: Path, required: tuple[str, ...], optional: tuple[str, ...] = (),
                 max_lengths: dict[str, int] | None = None):
        self.path = path
        # The widths of the columns the text is stored in: longer is refused here,
        # located, rather than cut or refused by the database.
        self.max_lengths = {"period": 7, "organisation_number": 13, "quantity": 30, "amount": 30,
                            "vat_rate": 10, "area": 20, **(max_lengths or {})}
        self.problems = ProblemCollector(str(path))
        try:
            self.text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise DataError.single(f"cannot read file: {exc}", file=str(path)) from None
        # newline="" lets the csv module alone decide what ends a row (not U+2028 & co).
        self.reader = csv.DictReader(io.StringIO(self.text, newline=""))
        header = self.reader.fieldnames or []
        missing = [c for c in required if c not in header]
        unknown = [c for c in header if c not in required and c not in optional]
        if missing:
            self.problems.add(f"missing column(s): {', '.join(missing)}", line=1)
        if unknown:
            self.problems.add(f"unknown column(s): {', '.join(unknown)}", line=1)
        self.problems.raise_if_any()

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        for row in self.reader:
            line = self.reader.line_num
            if None in row:
                self.problems.add("more values than columns", line=line)
                continue
            if all(not (value or "").strip() for value in row.values()):
                continue  # blank lines carry nothing
            cells = {k: (v or "").strip() for k, v in row.items()}
            for column, value in cells.items():
                if len(value) > self.max_lengths.get(column, 100):
                    self.problems.add(f"longer than {self.max_lengths.get(column, 100)} characters",
                                      line=line, field=column)
            yield line, cells

    def field(self, line: int, row: dict[str, str], column: str,
              convert: Callable[[str], T], required: bool = True) -> T | None:
        """The converted value of one cell, or None after recording what is wrong."""
        text = row.get(column, "")
        if not text:
            if required:
                self.problems.add("missing value", line=line, field=column)
            return None
        try:
            return convert(text)
        except ValueError as exc:
            self.problems.add(str(exc), line=line, field=column)
            return None


def month(text: str) -> Month:
    return Month.parse(text)


_PLAIN_NUMBER = re.compile(r"^-?\d{1,12}(\.\d{1,6})?$")


def decimal(text: str) -> Decimal:
    """Plain notation only (no exponent), at most 12 integer and 6 decimal digits:
    far beyond any volume or amount, and far inside exact arithmetic."""
    if not _PLAIN_NUMBER.match(text.strip().replace(" ", "")):
        if not text.strip().lstrip("-").replace(".", "", 1).replace(" ", "").isdigit():
            raise ValueError(f"not a number: {text!r}")
        raise ValueError(f"out of range (at most 12 digits before the decimal point, 6 after): {text!r}")
    return parse_decimal(text)
