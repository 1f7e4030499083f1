"""Financial years: which one a voucher date falls in.

A government agency's financial year is the calendar year, but the centre
file may name another first month (``[ledger] financial_year_first_month``).
An SIE import file holds the vouchers of one financial year: the ledger books
it into that year, so an export whose vouchers fall in two years is refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True, slots=True, order=True)
class FinancialYear:
    first_day: date
    last_day: date

    def __str__(self) -> str:
        if self.first_day.month == 1:
            return str(self.first_day.year)
        return f"{self.first_day.isoformat()}--{self.last_day.isoformat()}"


def financial_year(day: date, first_month: int = 1) -> FinancialYear:
    """The financial year ``day`` falls in, when years begin on the first of ``first_month``."""
    if not 1 <= first_month <= 12:
        raise ValueError(f"a financial year begins in month 1-12, not {first_month}")
    year = day.year if day.month >= first_month else day.year - 1
    first = date(year, first_month, 1)
    return FinancialYear(first, date(year + 1, first_month, 1) - timedelta(days=1))


def years_of(days: Iterable[date], first_month: int = 1) -> list[FinancialYear]:
    """The financial years the days fall in, earliest first."""
    return sorted({financial_year(day, first_month) for day in days})
