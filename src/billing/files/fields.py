"""Field types shared by the input files: exact, bounded, immutable, plain text.

Every number read from a file has a stated range (docs/formats.md) and is
written in ASCII digits: Python's int(), Decimal() and date parsing also take
other scripts' digits ('１２', '٢٠١٢'), which no file of ours is meant to hold.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from billing.errors import DataError
from billing.period import FIRST_YEAR, LAST_YEAR

# An agency's size: the largest Swedish agency has under 100,000 employees.
MAX_EMPLOYEES = 1_000_000
# A number in ASCII digits, as a TOML string may hold it ("4500.00", "1e3").
_NUMBER = re.compile(r"[-+]?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?", re.ASCII)
_ASCII_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def text_problem(text: str) -> str | None:
    """What makes ``text`` unfit to store and print, or None when it is plain.

    Refused: control characters (Unicode Cc: NUL, tab, line breaks, vertical
    tab, escape ...), invisible format characters (Cf: bidirectional overrides,
    zero-width characters, a byte-order mark inside the text), the line and
    paragraph separators U+2028/U+2029, lone surrogates and the noncharacters.
    They break the XML of e-invoices, the layout of PDFs and printed lists,
    or hide what a text says; none belongs in a name, description, reference
    or reason.
    """
    if text.isascii():  # the usual case, in C: only C0 controls and DEL to look for
        match = _ASCII_CONTROL.search(text)
        return None if match is None else _refused(match.group(), match.start() + 1)
    for position, char in enumerate(text, start=1):
        category = unicodedata.category(char)
        if category in ("Cc", "Cf", "Cs", "Zl", "Zp") or _noncharacter(char):
            return _refused(char, position)
    return None


def _refused(char: str, position: int) -> str:
    kind = ("control character" if unicodedata.category(char) == "Cc"
            else "invisible or separator character")
    return f"{kind} U+{ord(char):04X} at position {position} is not allowed in text"


def _noncharacter(char: str) -> bool:
    code = ord(char)
    return 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE


def ascii_text(value: Any) -> Any:
    """Codes and numbers written in ASCII only: stdnum, for one, reads '２０２１００-０００１'
    as an organisation number."""
    if isinstance(value, str) and not value.isascii():
        raise ValueError(f"only ASCII letters and digits belong here: {value!r}")
    return value


def _number_text(value: Any) -> Any:
    """Before pydantic makes a Decimal of a string: ASCII digits only."""
    if isinstance(value, str) and not _NUMBER.fullmatch(value.strip()):
        raise ValueError(f"not a number (digits 0-9, optional sign, decimal point and exponent): "
                         f"{value!r}")
    return value


def in_years(day: date) -> date:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(f"date out of range ({FIRST_YEAR}-{LAST_YEAR}): {day.isoformat()}")
    return day


_Number = BeforeValidator(_number_text)
NumberText = _Number  # a number in ASCII digits, for the files that build their own types
# Unit prices may carry fractions of an öre; amounts charged as they stand are
# whole öre. Neither may be negative: a reduction is a discount, not a price.
Price = Annotated[Decimal, _Number, Field(ge=0, le=Decimal("1e12"), decimal_places=4)]
Amount = Annotated[Decimal, _Number, Field(ge=0, le=Decimal("1e12"), decimal_places=2)]
Percent = Annotated[Decimal, _Number, Field(ge=0, le=100, decimal_places=2)]
Employees = Annotated[int, Field(ge=1, le=MAX_EMPLOYEES)]
Day = Annotated[date, AfterValidator(in_years)]


class Frozen(BaseModel):
    """A file-edge model: immutable, and an unknown key is an error, not ignored."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


MAX_REASON = 500  # the width of the columns a reason is kept in


def checked_reason(reason: str, what: str) -> str:
    """A reason given on the command line (--reason), stripped: not empty, plain
    text, and no longer than the column it is kept in; else DataError."""
    text = reason.strip()
    if not text:
        raise DataError.single(f"{what} needs a reason (--reason)", field="reason")
    problem = text_problem(text)
    if problem is None and len(text) > MAX_REASON:
        problem = f"longer than {MAX_REASON} characters"
    if problem is not None:
        raise DataError.single(f"the reason: {problem}", field="reason")
    return text
