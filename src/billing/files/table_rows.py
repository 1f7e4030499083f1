"""What reading a table means, whether a CSV file or a workbook's sheet.

A header row names the columns (``column_names``); each following row is a
record of cells, every cell checked for characters no text may hold and for
its column's width before any reader sees it, and each field converted with
its problem located. A decimal field is written one way down its column: a
decimal comma in one row and a decimal point in another is refused, since one
of them was not meant as the file says.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

from billing.errors import ProblemCollector
from billing.files.column_names import match_header
from billing.files.fields import text_problem
from billing.files.reading import MARKS, Reading

T = TypeVar("T")
# Rows after a refused header that are searched for the column names, to say where they are.
LOOK_AHEAD = 20


class TypedNumber(str):
    """A workbook's number cell, as text: it has no decimal mark of a person's choosing."""

    __slots__ = ()


class TableRows:
    """The records of one table, read as a stream, and a collector for what is wrong in them.

    Iterating yields ``(line, cells)``: the line is the record's (a CSV
    record's last physical line, a sheet's row), cells maps each field to its
    stripped text, or to None when the cell was refused (the problem is
    already recorded). Subclasses read the rows (``_take_header``, ``__iter__``).
    """

    unit = "line"  # what a location counts: a CSV file's lines, a sheet's rows

    def __init__(self, path: Path, required: tuple[str, ...], optional: tuple[str, ...] = (),
                 max_lengths: dict[str, int] | None = None,
                 problems: ProblemCollector | None = None, reading: Reading | None = None):
        self.path = path
        self.required, self.optional = required, optional
        # The widths of the columns the text is stored in: longer is refused here,
        # located, rather than cut or refused by the database.
        self.max_lengths = {"period": 7, "organisation_number": 13, "quantity": 30, "amount": 30,
                            "vat_rate": 10, "area": 20, **(max_lengths or {})}
        self.problems = problems if problems is not None else ProblemCollector(str(path))
        self.reading = reading if reading is not None else Reading()
        self.reading.file = str(path)
        self._fields: tuple[str | None, ...] = ()
        self._marks: dict[str, tuple[str, int]] = {}  # field: its decimal mark, and where first seen

    def _take_header(self, line: int, names: list[str],
                     later: Callable[[], Iterator[tuple[int, list[str]]]]) -> bool:
        """Matches the header; records what is wrong (and where the column names
        are, if on a later row). True when rows can be read under it."""
        header = match_header(names, self.required, self.optional)
        for problem in header.problems:
            self.problems.add(problem, line=line)
        if header.problems:
            self._header_later(later)
        self._fields = header.fields
        return not header.problems

    def _header_later(self, later: Callable[[], Iterator[tuple[int, list[str]]]]) -> None:
        for line, names in later():
            if not match_header(names, self.required, self.optional).problems:
                self.problems.add(f"the column names are on {self.unit} {line}: the first "
                                  f"{self.unit} must name the columns (remove the "
                                  f"{self.unit}s above it)", line=line)
                return

    def _column_name(self, index: int) -> str:
        return str(index + 1)

    def _cells(self, line: int, values: list[str | None]) -> dict[str, str | None] | None:
        """The row's cells, or None when it cannot be read (recorded)."""
        suspect = text_problem("".join(v for v in values if v)) is not None  # one check for a clean row
        cells: dict[str, str | None] = {}
        for index, value in enumerate(values):
            column = self._fields[index] if index < len(self._fields) else None
            if column is None:
                if value:  # the row's values are as likely misplaced: not read
                    self.problems.add(f"a value in column {self._column_name(index)}, which has "
                                      "no name in the header", line=line)
                    return None
                continue
            problem = text_problem(value) if suspect and value is not None else None
            if value is None or problem is not None:
                if problem is not None:
                    self.problems.add(problem, line=line, field=column)
                cells[column] = None
                continue
            if not isinstance(value, TypedNumber):  # a number cell has no spaces, and keeps its type
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
            value = convert(text)
        except ValueError as exc:
            self.problems.add(str(exc), line=line, field=column)
            return None
        if isinstance(value, Decimal) and not isinstance(text, TypedNumber):
            return value if self._one_mark(line, column, text) else None
        return value

    def _one_mark(self, line: int, column: str, text: str) -> bool:
        mark = "," if "," in text else "." if "." in text else None
        if mark is None:
            return True
        first, at = self._marks.setdefault(column, (mark, line))
        if first != mark:
            self.problems.add(f"{MARKS[mark]} in {text!r}, but a {MARKS[first]} on {self.unit} "
                              f"{at}: write the numbers of a column one way", line=line,
                              field=column)
            return False
        self.reading.decimal_marks.add(mark)
        return True
