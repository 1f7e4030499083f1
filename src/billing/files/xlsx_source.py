"""Reading a sheet of an Excel workbook (.xlsx) as a stream, located by sheet, row and column letter.

openpyxl's read-only mode parses the sheet row by row, so memory is bounded
by a row and the workbook's shared strings, not by the number of rows. The
sheet is the one named (``--sheet``) or the workbook's only one. Rows and
columns are told as the spreadsheet shows them: 'volymer.xlsx [Blad1] row 7,
column D (quantity)'.

Each cell becomes the text a CSV file would hold, so that one set of readers
serves both: a number cell its exact decimal, a percentage cell in a
``vat_rate`` column its per cent (0.25 shown as 25 % is 25), a date cell its
month (in a ``period`` column) or its day (in a ``date`` column). A cell of a
type the field cannot be (TRUE/FALSE, a time, a date or a percentage
elsewhere) is refused.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from billing.errors import DataError, ProblemCollector
from billing.files.reading import Reading
from billing.files.table_rows import LOOK_AHEAD, TableRows, TypedNumber

_MONTH_FIELDS = frozenset({"period"})
_DATE_FIELDS = frozenset({"date"})
_PERCENT_FIELDS = frozenset({"vat_rate"})
MAX_DECIMALS = 6  # as csv_source.decimal: more in a number cell is a calculation's binary rest


class SheetRows(TableRows):
    """The rows of one sheet of a workbook (see TableRows); the line is the row."""

    unit = "row"

    def __init__(self, path: Path, required: tuple[str, ...], optional: tuple[str, ...] = (),
                 max_lengths: dict[str, int] | None = None,
                 problems: ProblemCollector | None = None, reading: Reading | None = None,
                 sheet: str | None = None):
        super().__init__(path, required, optional, max_lengths, problems, reading)
        self._book = None
        try:
            # Opened here: openpyxl would judge a file it opens itself by its name.
            self._file = path.open("rb")
        except OSError as exc:
            raise DataError.single(f"cannot read file: {exc}", file=str(path)) from None
        try:
            try:
                # data_only: a formula's value as the spreadsheet last computed it, not its
                # text. openpyxl warns of parts it does not read (styles, data validation):
                # none of them is data, and the warnings would only alarm the person.
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    self._book = load_workbook(self._file, read_only=True, data_only=True)
            except Exception as exc:  # noqa: BLE001 - whatever the parser meets is the file's
                raise DataError.single(f"cannot read the file as an Excel workbook (.xlsx): "
                                       f"{type(exc).__name__}: {exc}; save it as .xlsx or as CSV",
                                       file=str(path), line=1) from None
            self._open(path, sheet)
        except BaseException:
            self._close()
            raise

    def _open(self, path: Path, sheet: str | None) -> None:
        names = self._book.sheetnames
        if sheet is None and len(names) != 1:
            raise DataError.single(f"the workbook has {len(names)} sheets ({', '.join(names)}): "
                                   "name the one to read (--sheet)", file=str(path), field="sheet")
        if sheet is not None and sheet not in names:
            raise DataError.single(f"the workbook has no sheet {sheet!r}; its sheets are "
                                   f"{', '.join(names)}", file=str(path), field="sheet")
        self.sheet = sheet if sheet is not None else names[0]
        self.reading.sheet = self.sheet
        self.problems.locate = self.reading.locate
        worksheet = self._book[self.sheet]
        if not hasattr(worksheet, "reset_dimensions"):  # a chart sheet has no cells
            raise DataError.single(f"the sheet {self.sheet!r} holds no cells (a chart?)",
                                   file=str(path), field="sheet")
        # The size a workbook states may be wrong; read every row there is.
        worksheet.reset_dimensions()
        # Cells, not bare values: a number's format tells a percentage (25 % is 0.25).
        self._rows = self._guarded(worksheet.iter_rows(min_row=1))
        before = self.problems.count
        _, header = next(self._rows, (1, ()))
        names = [_name(cell.value) for cell in header]
        ahead = [] if any(names) else list(self._peek())  # an empty first row: what follows?
        if not any(names) and not any(_nonempty(cells) for _, cells in ahead):
            self.problems.add(f"the sheet {self.sheet!r} is empty: its first row must name "
                              "the columns", line=1)
        else:
            later = (lambda: self._names(ahead)) if ahead else (lambda: self._names(self._peek()))
            if self._take_header(1, names, later):
                self.reading.columns.update({field: get_column_letter(i + 1)
                                             for i, field in enumerate(self._fields) if field})
        if self.problems.count > before:  # without its columns, no row can be read
            self.problems.raise_if_any()

    def _guarded(self, rows: Iterator[tuple]) -> Iterator[tuple[int, tuple]]:
        """(row number, values); a sheet the parser cannot read on (broken XML
        in the archive, ...) ends the reading, located, as a CSV file's does."""
        row = 0
        try:
            for row, values in enumerate(rows, start=1):
                yield row, values
        except Exception as exc:  # noqa: BLE001 - whatever the parser meets is the file's
            self.problems.add(f"cannot read the sheet from here on: {type(exc).__name__}: {exc}",
                              line=row + 1)

    def _peek(self) -> Iterator[tuple[int, tuple]]:
        for _ in range(LOOK_AHEAD):
            item = next(self._rows, None)
            if item is None:
                return
            yield item

    @staticmethod
    def _names(rows) -> Iterator[tuple[int, list[str]]]:
        for row, cells in rows:
            yield row, [_name(cell.value) for cell in cells]

    def _column_name(self, index: int) -> str:
        return get_column_letter(index + 1)

    def __iter__(self) -> Iterator[tuple[int, dict[str, str | None]]]:
        try:
            for row, cells in self._rows:
                if not _nonempty(cells):
                    continue  # blank rows carry nothing
                texts = self._cells(row, [self._text(row, index, cell)
                                          for index, cell in enumerate(cells)])
                if texts is not None:
                    yield row, texts
        finally:
            self._close()

    def _close(self) -> None:
        if self._book is not None:
            self._book.close()
        self._file.close()

    def _text(self, row: int, index: int, cell: Any) -> str | None:
        """The cell as the text a CSV file would hold, or None when refused (recorded)."""
        field = self._fields[index] if index < len(self._fields) else None
        value = cell.value
        if value is None:
            return ""
        if isinstance(value, str):
            return value
        try:
            if isinstance(value, (int, float)) and not isinstance(value, bool) \
                    and "%" in (cell.number_format or ""):
                return _percent_text(value, field)
            return _typed_text(value, field)
        except ValueError as exc:
            self.problems.add(str(exc), line=row, field=field)
            return None


def _typed_text(value: Any, field: str | None) -> str:
    """A typed cell's text; ValueError when the field cannot be of its type."""
    if isinstance(value, bool):  # before int: True is an int
        raise ValueError(f"a TRUE/FALSE cell ({value}) where text or a number is expected")
    if isinstance(value, int):
        return TypedNumber(value)
    if isinstance(value, (float, Decimal)):
        return TypedNumber(_number_text(value))
    if isinstance(value, datetime):
        if value.time() != time(0):
            raise ValueError(f"a date and time ({value.isoformat(' ')}) where a "
                             f"{'month' if field in _MONTH_FIELDS else 'date'} is expected")
        value = value.date()
    if isinstance(value, date):
        if field in _DATE_FIELDS:
            return value.isoformat()
        if field in _MONTH_FIELDS and value.day == 1:
            return f"{value.year:04d}-{value.month:02d}"
        if field in _MONTH_FIELDS:
            raise ValueError(f"a date ({value.isoformat()}) where a month is expected: write "
                             "the month (2012-12) or its first day")
        raise ValueError(f"a date cell ({value.isoformat()}) where text or a number is expected")
    if isinstance(value, (time, timedelta)):
        raise ValueError(f"a time cell ({value}) where text or a number is expected")
    return str(value)


def _number_text(value: int | float | Decimal) -> str:
    """A number cell's exact decimal, in plain notation.

    float ok: openpyxl reads a number cell as a float; repr gives the shortest
    decimal that reads back as the same float, which is what the workbook
    holds (Excel writes a cell's number that way), so Decimal(repr(x)) is exact
    to the file. More decimals than any field allows mean a calculation left
    a binary rest (0.1 + 0.2 is 0.30000000000000004): refused, not rounded.
    """
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)  # float ok
    if not number.is_finite():
        raise ValueError(f"not a number: {value}")
    if -number.as_tuple().exponent > MAX_DECIMALS:  # type: ignore[operator]
        raise ValueError(f"the cell holds {number}, more than {MAX_DECIMALS} decimals (the "
                         "binary rest of a calculation?): round it in the sheet (AVRUNDA/ROUND) "
                         "or type the number")
    return format(number, "f")


def _percent_text(value: int | float, field: str | None) -> str:
    """A percentage cell, as the sheet shows it: 0.25 formatted as a percentage is 25 %."""
    if field not in _PERCENT_FIELDS:
        raise ValueError(f"a percentage cell ({_number_text(value)} shown as a per cent) where "
                         "a number is expected: format the cell as a number")
    return TypedNumber(format(Decimal(_number_text(value)).scaleb(2), "f"))


def _name(value: Any) -> str:
    return "" if value is None else str(value)


def _nonempty(cells: tuple) -> bool:
    return any(cell.value is not None and (not isinstance(cell.value, str) or cell.value.strip())
               for cell in cells)
