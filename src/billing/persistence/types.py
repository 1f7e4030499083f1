"""Column types that give back exactly what they were given, on every database.

SQLAlchemy's ``Numeric`` goes through float on SQLite and silently loses
digits; these types store the decimal's own text instead.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from sqlalchemy import String
from sqlalchemy.types import TypeDecorator

from billing.period import Month


class ExactDecimal(TypeDecorator[Decimal]):
    """A Decimal stored as its text: '1234.50' comes back as Decimal('1234.50')."""

    impl = String(48)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if not isinstance(value, Decimal):
            # A float here would already have lost digits: refuse it loudly.
            raise TypeError(f"ExactDecimal takes Decimal, not {type(value).__name__}")
        if not value.is_finite():
            raise ValueError(f"not a finite decimal: {value}")
        return str(value)

    def process_result_value(self, value, dialect):
        return None if value is None else _stored_decimal(value)


class MonthType(TypeDecorator[Month]):
    """A billing month stored as 'YYYY-MM', which also sorts correctly as text."""

    impl = String(7)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if not isinstance(value, Month):
            raise TypeError(f"MonthType takes Month, not {type(value).__name__}")
        return str(value)

    def process_result_value(self, value, dialect):
        return None if value is None else _stored_month(value)


# Documents at scale repeat the same prices, rates and amounts on hundreds of
# thousands of lines: one Decimal per text read (Decimal is immutable) keeps
# them from filling memory with equal copies.
_stored_decimal = lru_cache(maxsize=1 << 16)(Decimal)


# A month of 300,000 volume records reads the same few months' text on every
# row: each is parsed once (Month is immutable, so one value serves them all).
@lru_cache(maxsize=4096)
def _stored_month(text: str) -> Month:
    return Month.parse(text)
