"""The billing month."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, slots=True, order=True)
class Month:
    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"month out of range: {self.month}")

    @classmethod
    def parse(cls, text: str) -> "Month":
        match = _MONTH.match(text.strip())
        if not match:
            raise ValueError(f"not a month (YYYY-MM): {text!r}")
        return cls(int(match.group(1)), int(match.group(2)))

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
        return calendar.monthrange(self.year, self.month)[1]

    def days_in_force(self, start: date, end: date | None) -> int:
        """Days of this month within [start, end]; end inclusive, None for open-ended."""
        first = max(start, self.first_day)
        last = min(end or self.last_day, self.last_day)
        return max(0, (last - first).days + 1)

    def contains(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day

    def next(self) -> "Month":
        return Month.of(self.last_day + timedelta(days=1))

    def previous(self) -> "Month":
        return Month.of(self.first_day - timedelta(days=1))

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"
