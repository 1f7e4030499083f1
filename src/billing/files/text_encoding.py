"""Which encoding a text file is in: UTF-8, with or without a byte-order mark, or Windows-1252.

Swedish spreadsheet programs save CSV as UTF-8 ('CSV UTF-8', with a BOM) or
in the Windows code page ('CSV (semikolonavgränsad)': Windows-1252, whose å,
ä and ö are single bytes that are never valid UTF-8). So the choice is made
by rule, not by a statistical guess:

- a byte-order mark says UTF-8: bytes that are not UTF-8 are then errors, told
  with their line by the reader;
- a file that is valid UTF-8 is UTF-8 (a pure ASCII file is both);
- a file that is not, and has no character written as UTF-8 does (two to four
  bytes), is Windows-1252;
- a file with both was saved partly in one encoding and partly in the other:
  no reading of it is right, so it is refused, naming a line of each.

The file is scanned in chunks, never held whole.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from billing.errors import DataError

_CHUNK = 1 << 20
# A character that UTF-8 writes as several bytes: a lead byte and its continuation bytes.
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


@dataclass(frozen=True, slots=True)
class TextEncoding:
    codec: str  # as open() takes it
    name: str  # as a person reads it, in the import's summary and in messages


UTF8 = TextEncoding("utf-8", "UTF-8")
UTF8_BOM = TextEncoding("utf-8-sig", "UTF-8 with BOM")
WINDOWS_1252 = TextEncoding("cp1252", "Windows-1252")


def detect_encoding(path: Path) -> TextEncoding:
    """The file's encoding, or DataError (located at a line) when it has none of ours.

    A file that cannot be opened is left to the reader, which tells it."""
    try:
        file = path.open("rb")
    except OSError:
        return UTF8
    with file:
        try:
            head = file.read(4)
        except OSError:
            return UTF8
        if head.startswith(codecs.BOM_UTF8):
            return UTF8_BOM
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise DataError.single(
                "not UTF-8 text: the file is UTF-16 (saved as 'Unicode text'); save it as "
                "'CSV UTF-8' or as CSV", file=str(path), line=1)
        file.seek(0)
        bad = _first_invalid_utf8(file)
        if bad is None:
            return UTF8
        file.seek(0)
        utf8_line = _first_utf8_sequence(file)
    if utf8_line is not None:
        line, byte = bad
        raise DataError.single(
            f"the file mixes encodings: line {utf8_line} is UTF-8, but line {line} has byte "
            f"0x{byte:02X}, which is not (Windows-1252 '{bytes([byte]).decode('cp1252', 'replace')}'); "
            "save the whole file in one encoding, best as 'CSV UTF-8'", file=str(path), line=line)
    return WINDOWS_1252


def _first_invalid_utf8(file: BinaryIO) -> tuple[int, int] | None:
    """(line, byte) of the first byte that is not UTF-8, or None when all of it is."""
    line, carry = 1, b""
    while True:
        chunk = file.read(_CHUNK)
        data = carry + chunk
        try:
            data.decode("utf-8")
            line += data.count(b"\n")
            carry = b""
        except UnicodeDecodeError as exc:
            cut = chunk and exc.reason == "unexpected end of data" and len(data) - exc.start < 4
            if not cut:  # a bad byte, or a sequence the file ends in the middle of
                return line + data.count(b"\n", 0, exc.start), data[exc.start]
            # A character split by the chunk's end: read on with its first bytes.
            line += data.count(b"\n", 0, exc.start)
            carry = data[exc.start:]
        if not chunk:
            return None


def _first_utf8_sequence(file: BinaryIO) -> int | None:
    """The line of the first character written as UTF-8 writes it, if any."""
    line, carry = 1, b""
    while chunk := file.read(_CHUNK):
        data = carry + chunk
        match = _UTF8_SEQUENCE.search(data)
        if match:
            return line + data.count(b"\n", 0, match.start())
        keep = len(data) - 3  # a sequence may go on in the next chunk
        line += data.count(b"\n", 0, max(keep, 0))
        carry = data[max(keep, 0):]
    return None
