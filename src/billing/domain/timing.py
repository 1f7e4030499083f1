"""When things may happen, against today's date.

- A month is billed, or corrected, only once it has ended (today is after its
  last day), and its documents are dated after its last day: invoicing is in
  arrears of what was used. A run of a month still to come would issue
  invoices for nothing used yet, and close that month and every month before
  it to new price lists.
- Volumes and pass-through amounts are taken in for months up to the one after
  today's: a period further ahead is almost always a typing error (2102 for
  2012). Someone who means it says why (``allow_future``), and the reason is
  kept with the import.

``today`` is always passed in, so the rules are pure; the services give
them ``date.today()``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from billing.errors import DataError, Problem
from billing.period import Month


def check_billable(month: Month, issue_date: date, today: date) -> None:
    """A month may be billed (or corrected) on ``today`` with documents dated ``issue_date``."""
    if today <= month.last_day:
        raise DataError.single(f"{month} has not ended (today is {today}): a month is billed in "
                               f"arrears, from {month.next().first_day} on", field="period")
    if issue_date <= month.last_day:
        raise DataError.single(f"invoices are issued in arrears: the invoice date {issue_date} "
                               f"must be after {month.last_day}", field="issue_date")


def latest_period(today: date) -> Month:
    """The latest period taken in without a reason: the month after today's."""
    return Month.of(today).next()


def future_problems(file: str, periods: Iterable[tuple[int, Month]], today: date,
                    allow_future: str = "") -> list[Problem]:
    """A problem for each (line, period) beyond ``latest_period(today)``, unless
    the user gave a reason for taking such periods in."""
    if allow_future.strip():
        return []
    limit = latest_period(today)
    return [Problem(f"{period} is more than a month ahead of today ({today}); a period in the "
                    f"future is taken in only with a reason (--allow-future REASON)",
                    file, line, "period")
            for line, period in periods if period > limit]


def check_not_future(file: str, periods: Iterable[tuple[int, Month]], today: date,
                     allow_future: str = "") -> None:
    """Raise the problems of ``future_problems`` together, if there are any."""
    problems = future_problems(file, periods, today, allow_future)
    if problems:
        raise DataError(problems)
