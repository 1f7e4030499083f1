"""The billing lock: what billing runs, corrections and imports take first.

A run reads a month's volumes, pass-through amounts, price lists and
agreements, rates them and commits its invoices. An import that checked
"is this month billed?" while the run was between reading and committing
would pass that check and commit data the run never saw: an amount on no
invoice, a price list in force in a month billed with another. So every
action that issues documents or takes in what they are computed from takes
this lock before it reads anything, and makes its checks under it: the
second of two such actions waits for the first to commit or roll back, then
sees what it did.

- PostgreSQL: a transaction-level advisory lock (``pg_advisory_xact_lock``)
  on one key, released when the transaction ends. It needs no row, so it
  works on an empty database too, before the number series exists.
- SQLite: every transaction starts with ``BEGIN IMMEDIATE``, which already
  serialises writers for the whole database; taking the lock means starting
  the transaction, so that what follows is read under it.

One lock for all months rather than one per month: an import's months are
known only once its file is read, a price list reaches every month from its
``valid_from`` on, and runs are rare and short, so the simpler lock costs
nothing worth having. The order is always this lock, then the series row
(``numbering.lock_series``), so the two never deadlock.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

# The advisory-lock key: "bill" in ASCII, so that it is recognisable in pg_locks.
BILLING_LOCK_KEY = 0x62696C6C


def lock_billing(session: Session) -> None:
    """Wait for, and hold until the caller's transaction ends, the billing lock."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": BILLING_LOCK_KEY})
    else:
        # Any statement begins the transaction, and SQLite's begins with BEGIN IMMEDIATE.
        session.execute(text("SELECT 1"))
