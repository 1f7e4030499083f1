"""Reading CSV files as a stream, with every problem located by file, line and column.

A file is read line by line, never whole, so memory is bounded by the longest
line and by what the caller keeps, not by the size of the file. Its encoding
is found first (``text_encoding``: UTF-8 or Windows-1252), its separator from
its header line (``csv_dialect``: ';', ',' or tab), and every row is checked
to fit the header before its cells are read (``table_rows``).
"""

from __future__ import annotations

import csv
import functools
import itertools
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

from billing.errors import DataError, ProblemCollector
from billing.domain.organisation import normalise_organisation_number
from billing.files.csv_dialect import declared_separator, header_separator, misfit
from billing.files.fields import ascii_text
from billing.files.reading import Reading
from billing.files.table_rows import LOOK_AHEAD, TableRows
from billing.files.text_encoding import WINDOWS_1252, detect_encoding
from billing.period import Month

# Characters in one physical line: a valid row is a few hundred at most, and a
# longer line is refused without ever being held whole.
MAX_LINE = 65_536
# Bytes the encoding cannot read come in as lone surrogates (errors="surrogateescape"),
# so they are told with their line instead of ending the reading.
_UNDECODABLE = re.compile("[\udc80-\udcff]")


class CsvRows(TableRows):
    """The rows of one CSV file, read as a stream (see TableRows)."""

    def __init__(self, path: Path, required: tuple[str, ...], optional: tuple[str, ...] = (),
                 max_lengths: dict[str, int] | None = None,
                 problems: ProblemCollector | None = None, reading: Reading | None = None):
        super().__init__(path, required, optional, max_lengths, problems, reading)
        self.line = 0  # physical lines read so far
        encoding = detect_encoding(path)
        self._encoding = encoding
        try:
            # newline="" lets the csv module alone decide what ends a row (not U+2028 & co).
            self._file = path.open(encoding=encoding.codec, errors="surrogateescape", newline="")
        except OSError as exc:
            raise DataError.single(f"cannot read file: {exc}", file=str(path)) from None
        self.reading.encoding = encoding.name
        before = self.problems.count
        lines = self._lines()
        first = next(lines, "")
        self.separator = declared_separator(first)
        if self.separator is not None:  # Excel's 'sep=;' line: the header follows it
            first = next(lines, "")
        try:
            self.separator = header_separator(first)
        except ValueError as exc:  # no column can be told from the next
            self.problems.add(str(exc), line=self.line)
            self._file.close()
            self.problems.raise_if_any()
            raise AssertionError("unreachable") from None
        self.reading.separator = self.separator
        self._reader = csv.reader(itertools.chain([first], lines), delimiter=self.separator)
        header_line = max(self.line, 1)
        header = self._next_record() or []
        if not self._take_header(header_line, header, self._later_names) or \
                self.problems.count > before:  # without its columns, no row can be read
            self._file.close()
            self.problems.raise_if_any()

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
                what = ("neither UTF-8 nor Windows-1252 text" if self._encoding is WINDOWS_1252
                        else "not UTF-8 text")
                self.problems.add(f"{what} (byte 0x{byte:02X})", line=self.line)
                continue
            yield text

    def _later_names(self) -> Iterator[tuple[int, list[str]]]:
        """The next lines' values, each split by the separator it uses: where
        a refused header's column names may be."""
        for _ in range(LOOK_AHEAD):
            try:
                text = next(self._lines())
                values = next(csv.reader([text], delimiter=header_separator(text)), [])
            except (StopIteration, ValueError, csv.Error):
                return
            yield self.line, values

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
                wrong = misfit(values, self._fields, self.separator)
                if wrong is not None:
                    index, message = wrong
                    column = None if index is None else self._fields[index]
                    self.problems.add(message, line=line, field=column)
                    continue
                cells = self._cells(line, list(values))
                if cells is not None:
                    yield line, cells
        finally:
            self._file.close()


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
# Between digit groups ('1 234,50'): a space, a no-break space, a narrow no-break space.
_GROUPING = str.maketrans("", "", " \u00a0\u202f")


@functools.lru_cache(maxsize=65_536)  # quantities repeat too; a Decimal is immutable
def decimal(text: str) -> Decimal:
    """Plain notation in ASCII digits only (no exponent), with a decimal point
    or a decimal comma and spaces between digit groups, at most 12 integer and
    6 decimal digits: far beyond any volume or amount, and far inside exact
    arithmetic."""
    compact = text.strip().translate(_GROUPING)
    if compact.count(",") == 1 and "." not in compact:
        compact = compact.replace(",", ".")
    if not _NUMBER.fullmatch(compact):
        raise ValueError(f"not a number: {text!r}")
    if not _IN_RANGE.fullmatch(compact):
        raise ValueError(f"out of range (at most 12 digits before the decimal point, 6 after): {text!r}")
    return Decimal(compact)
