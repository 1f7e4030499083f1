"""The billing month."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache, lru_cache

# ASCII digits only: \d would also take other scripts' digits ('٢٠١٢-12').
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
# The years a month read from a file or a command may fall in (docs/formats.md).
FIRST_YEAR, LAST_YEAR = 2000, 2099


@dataclass(frozen=True, slots=True, order=True)
class Month:
    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"month out of range: {self.month}")
        if not 1 <= self.year <= 9999:
            raise ValueError(f"year out of range: {self.year}")

    @classmethod
    def parse(cls, text: str) -> "Month":
        match = _MONTH.fullmatch(text.strip())
        if not match:
            raise ValueError(f"not a month (YYYY-MM): {text!r}")
        year = int(match.group(1))
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValueError(f"year out of range ({FIRST_YEAR}-{LAST_YEAR}): {text!r}")
        return cls(year, int(match.group(2)))

    @classmethod
    def of(cls, day: date) -> "Month":
        return cls(day.year, day.month)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, self.days)

    @property
    def days(self) -> int:
        return _days_in(self.year, self.month)

    def days_in_force(self, start: date, end: date | None) -> int:
        """Days of this month within [start, end]; end inclusive, None for open-ended."""
        return _days_in_force(self.year, self.month, start, end)

    def contains(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day

    def next(self) -> "Month":
        return Month.of(self.last_day + timedelta(days=1))

    def previous(self) -> "Month":
        return Month.of(self.first_day - timedelta(days=1))

    def __str__(self) -> str:
        return _text(self.year, self.month)


@cache
def _text(year: int, month: int) -> str:
    # Asked for on every volume record read, keyed and stored (900,000 times in
    # an import of 300,000 records), always of a few months.
    return f"{year:04d}-{month:02d}"


@cache
def _days_in(year: int, month: int) -> int:
    # Asked for by every proration and every day count of an agreement.
    return calendar.monthrange(year, month)[1]


@lru_cache(maxsize=1 << 16)
def _days_in_force(year: int, month: int, start: date, end: date | None) -> int:
    # Asked for by every agreement of every agency in every month rated; few distinct answers.
    first_day, last_day = date(year, month, 1), date(year, month, _days_in(year, month))
    first = max(start, first_day)
    last = min(end or last_day, last_day)
    return max(0, (last - first).days + 1)
