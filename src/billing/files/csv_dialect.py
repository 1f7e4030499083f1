"""How a CSV file separates its values: told by its header line, and checked on every row.

Spreadsheet programs save CSV with ',' or, where the comma is the decimal
mark (Swedish settings), with ';'; 'Unicode text' is separated by tabs. The
header line names the columns and holds no numbers, so the separator it uses
is the file's. A row that does not fit is refused, never read another way:

- a row with too few values that uses another separator is a mixed file;
- in a file separated by commas, a row with too many values, where a number
  column's value is followed by digits, may hold an unquoted decimal comma
  ('12,5'): whether that is one value or two is a guess, and none is made.

Excel's own 'sep=;' first line is honoured.
"""

from __future__ import annotations

import re

from billing.files.column_names import NUMBER_FIELDS

SEPARATORS = (";", "\t", ",")
_QUOTED = re.compile(r'"[^"]*"')
_SEP_LINE = re.compile(r"sep=(.)\r?\n?", re.ASCII)
# A value that ends a number ('12', '1 234') and one that could be its decimals ('5', '50').
_WHOLE = re.compile(r"-?[0-9][0-9 \u00a0\u202f]*", re.ASCII)
_DIGITS = re.compile(r"[0-9]+", re.ASCII)


def shown(separator: str) -> str:
    return "tab" if separator == "\t" else f"'{separator}'"


def declared_separator(line: str) -> str | None:
    """The separator of a 'sep=X' line (Excel's), or None for any other line."""
    match = _SEP_LINE.fullmatch(line)
    return match.group(1) if match and match.group(1) in SEPARATORS else None


def header_separator(line: str) -> str:
    """The separator the header line uses; ValueError when it uses several.

    A header of one name has none: ',' then, and the missing columns are told."""
    bare = _QUOTED.sub("", line)
    used = [s for s in SEPARATORS if s in bare]
    if len(used) > 1:
        raise ValueError(f"the column names are separated by {' and '.join(map(shown, used))}: "
                         "save the file with one separator")
    return used[0] if used else ","


def misfit(values: list[str], fields: tuple[str | None, ...],
           separator: str) -> tuple[int | None, str] | None:
    """(index of the value to name, what is wrong) when a row of ``values``
    cannot be the header's ``fields`` separated by ``separator``; None when it fits.

    A short row that is not a mixed one fits: its missing values are told as
    such. (A spreadsheet program writes every row as wide as the header.)"""
    width = len(fields)
    if len(values) == width:
        return None
    if len(values) < width:
        # A line without one of the file's separators, and with another's: a
        # line of another file (a short line with a comma in a value is not).
        others = [other for other in SEPARATORS if other != separator and other in values[0]]
        if len(values) == 1 and others:
            return 0, (f"this line is separated by {shown(others[0])}, the header by "
                       f"{shown(separator)}: save the file with one separator")
        return None
    if separator == ",":
        # The first value split is still in its own column; those after it are shifted.
        for index in range(min(width, len(values) - 1)):
            whole, decimals = values[index].strip(), values[index + 1].strip()
            if fields[index] in NUMBER_FIELDS and _WHOLE.fullmatch(whole) and \
                    _DIGITS.fullmatch(decimals):
                return index, (f"more values than columns: is '{whole},{decimals}' one number "
                               "with a decimal comma? In a file separated by commas, write it "
                               f"with a point ({whole}.{decimals}) or in quotes "
                               f"(\"{whole},{decimals}\"), or save the file separated by ';'")
    return None, "more values than columns"
