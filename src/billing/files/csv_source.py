"""Reading CSV files as a stream, with every problem located by file, line and column.

A file is read line by line, never whole, so memory is bounded by the longest
line and by what the caller keeps, not by the size of the file. Every cell is
checked for characters no text may hold (``fields.text_problem``) and for its
column's width before any reader sees it.
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

from billing.errors import DataError, ProblemCollector
from billing.domain.organisation import normalise_organisation_number
from billing.files.fields import ascii_text, text_problem
from billing.period import Month

T = TypeVar("T")

# Characters in one physical line: a valid row is a few hundred at most, and a
# longer line is refused without ever being held whole.
MAX_LINE = 65_536
# Bytes that are not UTF-8 come in as lone surrogates (errors="surrogateescape"),
# so they are told with their line instead of ending the reading.
_UNDECODABLE = re.compile("[\udc80-\udcff]")


class CsvRows:
    """The rows of one CSV file, read as a stream, and a collector for what is wrong in them.

    Iterating yields ``(line, cells)``: the line is the record's last physical
    line, cells maps each column to its stripped text, or to None when the
    cell was refused (the problem is already recorded).
    """

    def __init__(self, path: Path, required: tuple[str, ...], optional: tuple[str, ...] = (),
                 max_lengths: dict[str, int] | None = None,
                 problems: ProblemCollector | None = None):
        self.path = path
        # The widths of the columns the text is stored in: longer is refused here,
        # located, rather than cut or refused by the database.
        self.max_lengths = {"period": 7, "organisation_number": 13, "quantity": 30, "amount": 30,
                            "vat_rate": 10, "area": 20, **(max_lengths or {})}
        self.problems = problems if problems is not None else ProblemCollector(str(path))
        self.line = 0  # physical lines read so far
        try:
            # newline="" lets the csv module alone decide what ends a row (not U+2028 & co).
            self._file = path.open(encoding="utf-8-sig", errors="surrogateescape", newline="")
        except OSError as exc:
            raise DataError.single(f"cannot read file: {exc}", file=str(path)) from None
        before = self.problems.count
        self._reader = csv.reader(self._lines())
        header = self._next_record() or []
        missing = [c for c in required if c not in header]
        unknown = [c if text_problem(c) is None else repr(c)
                   for c in header if c not in required and c not in optional]
        if missing:
            self.problems.add(f"missing column(s): {', '.join(missing)}", line=1)
        if unknown:
            self.problems.add(f"unknown column(s): {', '.join(unknown)}", line=1)
        if self.problems.count > before:  # without its columns, no row can be read
            self._file.close()
            self.problems.raise_if_any()
        self._header = header

    def _lines(self) -> Iterator[str]:
        """The physical lines, each at most MAX_LINE characters; a longer or
        undecodable line is recorded and left out."""
        while True:
            text = self._file.readline(MAX_LINE)
            if not text:
                return
            self.line += 1
            if len(text) == MAX_LINE and not text.endswith(("\n", "\r")):
                self.problems.add(f"line longer than {MAX_LINE:,} characters", line=self.line)
                while text and not text.endswith(("\n", "\r")):  # the rest, in bounded pieces
                    text = self._file.readline(MAX_LINE)
                continue
            undecodable = _UNDECODABLE.search(text)
            if undecodable:
                byte = ord(undecodable.group()) - 0xDC00
                self.problems.add(f"not UTF-8 text (byte 0x{byte:02X})", line=self.line)
                continue
            yield text

    def _next_record(self) -> list[str] | None:
        """The next record's values, or None at the end; a record the csv module
        cannot read (a field over its size limit, ...) ends the reading, located."""
        try:
            return next(self._reader)
        except StopIteration:
            return None
        except csv.Error as exc:
            self.problems.add(f"cannot read the file from here on: {exc}", line=self.line)
            return None

    def __iter__(self) -> Iterator[tuple[int, dict[str, str | None]]]:
        try:
            while (values := self._next_record()) is not None:
                line = self.line
                if not "".join(values).strip():
                    continue  # blank lines carry nothing
                if len(values) > len(self._header):
                    self.problems.add("more values than columns", line=line)
                    continue
                yield line, self._cells(line, values)
        finally:
            self._file.close()

    def _cells(self, line: int, values: list[str]) -> dict[str, str | None]:
        suspect = text_problem("".join(values)) is not None  # one check for the usual clean row
        cells: dict[str, str | None] = {}
        for column, value in zip(self._header, values):
            problem = text_problem(value) if suspect else None
            if problem is not None:
                self.problems.add(problem, line=line, field=column)
                cells[column] = None
                continue
            value = value.strip()
            limit = self.max_lengths.get(column, 100)
            if len(value) > limit:  # told, and read on: '2012-12-01' is also not a month
                self.problems.add(f"longer than {limit} characters", line=line, field=column)
            cells[column] = value
        return cells

    def field(self, line: int, row: dict[str, str | None], column: str,
              convert: Callable[[str], T], required: bool = True) -> T | None:
        """The converted value of one cell, or None after recording what is wrong."""
        text = row.get(column, "")
        if text is None:
            return None  # refused already
        if not text:
            if required:
                self.problems.add("missing value", line=line, field=column)
            return None
        try:
            return convert(text)
        except ValueError as exc:
            self.problems.add(str(exc), line=line, field=column)
            return None


# A file of millions of rows names few months and agencies: each distinct
# value is checked once.
@functools.lru_cache(maxsize=1024)
def month(text: str) -> Month:
    return Month.parse(text)


@functools.lru_cache(maxsize=16_384)
def organisation_number(text: str) -> str:
    """NNNNNN-NNNN, written in ASCII digits, with a valid check digit."""
    return normalise_organisation_number(ascii_text(text))


_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?", re.ASCII)
_IN_RANGE = re.compile(r"-?[0-9]{1,12}(\.[0-9]{1,6})?", re.ASCII)


def decimal(text: str) -> Decimal:
    """Plain notation in ASCII digits only (no exponent; spaces between digit
    groups allowed), at most 12 integer and 6 decimal digits: far beyond any
    volume or amount, and far inside exact arithmetic."""
    compact = text.strip().replace(" ", "")
    if not _NUMBER.fullmatch(compact):
        raise ValueError(f"not a number: {text!r}")
    if not _IN_RANGE.fullmatch(compact):
        raise ValueError(f"out of range (at most 12 digits before the decimal point, 6 after): {text!r}")
    return Decimal(compact)
