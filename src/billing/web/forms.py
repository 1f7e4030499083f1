"""Values typed into forms and query strings, read as the command line reads them."""

from __future__ import annotations

from billing.errors import DataError
from billing.period import Month


def month_or_none(text: str | None) -> Month | None:
    if not text:
        return None
    return month(text)


def month(text: str) -> Month:
    try:
        return Month.parse(text.strip())
    except ValueError as exc:
        raise DataError.single(str(exc), field="period") from None
