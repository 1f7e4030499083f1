"""Opening a table file: a CSV text file, or a sheet of an Excel workbook.

What a file is, is told by its first bytes, not by its name: an .xlsx
workbook is a zip archive; the old binary .xls is refused with what to do;
anything else is read as CSV text.
"""

from __future__ import annotations

from pathlib import Path

from billing.errors import DataError, ProblemCollector
from billing.files.csv_source import CsvRows
from billing.files.reading import Reading
from billing.files.table_rows import TableRows

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 (.xls), and other old Office files


def open_rows(path: Path, required: tuple[str, ...], optional: tuple[str, ...] = (),
              max_lengths: dict[str, int] | None = None, problems: ProblemCollector | None = None,
              reading: Reading | None = None, sheet: str | None = None) -> TableRows:
    """The file's rows (see TableRows); ``sheet`` names a workbook's sheet."""
    head = _head(path)
    if head.startswith(_ZIP):
        # openpyxl loads only for a workbook: most files are CSV.
        from billing.files.xlsx_source import SheetRows
        return SheetRows(path, required, optional, max_lengths, problems, reading, sheet)
    if head.startswith(_OLE):
        raise DataError.single("an Excel 97-2003 workbook (.xls): save it as an Excel workbook "
                               "(.xlsx) or as CSV", file=str(path), line=1)
    if sheet is not None:
        raise DataError.single(f"a sheet is named ({sheet}), but the file is CSV text, not an "
                               "Excel workbook", file=str(path), field="sheet")
    return CsvRows(path, required, optional, max_lengths, problems, reading)


def _head(path: Path) -> bytes:
    """The first bytes; none when the file cannot be read (the reader tells why)."""
    try:
        with path.open("rb") as file:
            return file.read(4)
    except OSError:
        return b""
