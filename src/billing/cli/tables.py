"""Listings: one set of rows, shown as a table for a person or written as CSV
or JSON for a script, from the same values.

A column names its value (the key in CSV and JSON), heads it in the table
(in Swedish) and says what kind of value it is: text folds to fit the width;
codes (dates, organisation numbers) and numbers are never wrapped or cut (see
cli/width.py). The table shows amounts and quantities as a Swedish reader
writes them (billing/swedish.py); CSV and JSON keep the exact values, amounts
as decimal text.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any

from rich.cells import cell_len
from rich.table import Table

from billing import swedish
from billing.cli.text import visible
from billing.period import Month


class Kind(Enum):
    TEXT = "text"  # folded to fit
    CODE = "code"  # a date, an organisation number, a period, an id: whole, left
    COUNT = "count"  # an integer: whole, right
    AMOUNT = "amount"  # kronor and öre: whole, right
    QUANTITY = "quantity"  # a decimal as written: whole, right

    @property
    def whole(self) -> bool:
        return self is not Kind.TEXT

    @property
    def right(self) -> bool:
        return self in (Kind.COUNT, Kind.AMOUNT, Kind.QUANTITY)


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    header: str
    kind: Kind = Kind.TEXT
    # How the table words a value, when not as the kind does (a status in Swedish).
    label: Callable[[Any], str] | None = None
    missing: str = ""  # what the table shows for None (JSON has null, CSV an empty cell)

    def shown(self, value: object, footer: bool = False) -> str:
        """The cell; a footer's text (a count, "Summa") is shown as it is."""
        if value is None or value == "":
            return "" if footer else self.missing
        if footer and isinstance(value, str):
            return value
        if self.label is not None:
            return self.label(value)
        if self.kind is Kind.AMOUNT:
            return swedish.amount(value)  # type: ignore[arg-type]
        if self.kind is Kind.QUANTITY:
            return swedish.number(value)  # type: ignore[arg-type]
        return plain(value) if not isinstance(value, (dict, list, tuple)) else _pairs(value)


@dataclass(frozen=True, slots=True)
class Listing:
    title: str
    columns: tuple[Column, ...]
    rows: tuple[Mapping[str, object], ...]
    # Rows of the table's last section (totals), not in CSV or JSON.
    footer: tuple[Mapping[str, object], ...] = field(default=())

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.columns]

    def records(self) -> list[dict[str, object]]:
        """The rows for JSON: every value exact, dates and months as ISO text."""
        return [{c.key: exact(row.get(c.key)) for c in self.columns} for row in self.rows]

    def csv_records(self) -> list[dict[str, object]]:
        """The rows for CSV: as for JSON, a structured value as its JSON text."""
        return [{k: json.dumps(v, ensure_ascii=False, default=str) if isinstance(v, (dict, list)) else v
                 for k, v in record.items()} for record in self.records()]

    def table(self) -> Table:
        table = Table(title=self.title)
        for column in self.columns:
            widest = max((cell_len(visible(column.shown(row.get(column.key), row in self.footer)))
                          for row in (*self.rows, *self.footer)), default=0)
            table.add_column(column.header, justify="right" if column.kind.right else "left",
                             no_wrap=column.kind.whole, overflow="fold",
                             min_width=widest if column.kind.whole else None)
        for row in self.rows:
            table.add_row(*(c.shown(row.get(c.key)) for c in self.columns))
        if self.footer and self.rows:
            table.add_section()
            for row in self.footer:
                table.add_row(*(c.shown(row.get(c.key), footer=True) for c in self.columns))
        return table


def exact(value: object) -> object:
    """A value as JSON carries it: Decimals stay (written as their exact text),
    dates, months and enumerations become text."""
    if isinstance(value, (datetime, date)):
        return value.isoformat(sep=" ", timespec="seconds") if isinstance(value, datetime) \
            else value.isoformat()
    if isinstance(value, (Month, Enum)):
        return str(value.value if isinstance(value, Enum) else value)
    if isinstance(value, Mapping):
        return {str(k): exact(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [exact(v) for v in value]
    return value


def plain(value: object) -> str:
    """A value as a table cell shows it when nothing else is said."""
    shown = exact(value)
    return str(shown)


def _pairs(value: Mapping | Sequence) -> str:
    if isinstance(value, Mapping):
        return ", ".join(f"{k}={plain(v)}" for k, v in value.items())
    return ", ".join(plain(v) for v in value)
