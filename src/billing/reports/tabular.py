"""Rows out as CSV or JSON, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from decimal import Decimal

# A text cell starting with one of these is run as a formula by spreadsheets
# (CSV injection); a leading apostrophe makes it plain text again.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _cell(value: object) -> object:
    """Decimals as their exact text (never float); None as empty."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return str(value)
    return neutralise(value)


def to_csv(rows: Sequence[dict[str, object]], fields: Sequence[str] | None = None) -> str:
    """With ``fields``, the header is written even when there are no rows."""
    out = io.StringIO()
    if rows or fields:
        # CRLF as RFC 4180 has it: the csv module then quotes any cell holding \r or \n.
        writer = csv.DictWriter(out, fieldnames=list(fields or rows[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows({k: _cell(v) for k, v in row.items()} for row in rows)
    return out.getvalue()


def to_json(data: object) -> str:
    """The data exactly: Decimals as their exact text, strings as they are. Only
    CSV cells are neutralised: JSON is read by programs, not run by spreadsheets,
    and '-2+3' there is the text '-2+3'."""
    def convert(value: object) -> object:
        if isinstance(value, dict):
            return {k: convert(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [convert(v) for v in value]
        return str(value) if isinstance(value, Decimal) else value
    return json.dumps(convert(data), ensure_ascii=False, indent=2)
