"""Two billing runs at once, from two engines (two connections), on SQLite and
PostgreSQL. The first run's transaction is held open until the second has
started (on PostgreSQL: until the second is seen waiting for a lock), then
released; every wait is bounded."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from billing.errors import AlreadyDone
from billing.period import Month
from billing.persistence.models import BillingRunRow, InvoiceRow, NumberSeries
from billing.services.billing_run import run_month
from db_helpers import WORLD_CHANGES, dump, setup_world
from helpers_concurrency import race

NOVEMBER, DECEMBER = Month(2012, 11), Month(2012, 12)


def billing_run(month: Month):
    """The run of ``month``, dated the 5th of the month after."""
    return lambda session: run_month(session, month, month.next().first_day.replace(day=5), WORLD_CHANGES)


def _race(engine, database_url, first_month, second_month):
    """Run ``first_month`` holding its transaction, start ``second_month`` on a
    second engine, release the first once the second is blocked: the second
    run waits before it reads anything, so it is not done while the first holds."""
    return race(engine, database_url, billing_run(first_month), billing_run(second_month),
                what="run")


def _numbers(engine):
    with engine.connect() as connection:
        return [n for n, in connection.execute(sa.select(InvoiceRow.number).order_by(InvoiceRow.number))]


def test_two_runs_of_the_same_month_issue_once(engine, database_url, tmp_path):
    setup_world(engine, tmp_path)

    first, second = _race(engine, database_url, NOVEMBER, NOVEMBER)

    assert [i.number for i in first.result.invoices] == [1, 2, 3]
    # On both databases the second waited for the billing lock before reading
    # anything (PostgreSQL: the advisory lock; SQLite: BEGIN IMMEDIATE), then
    # saw the first's run: "already billed", exit status 0 on the command line,
    # never the unique billing_runs.period as a raw database error.
    assert isinstance(second.error, AlreadyDone), second.error
    assert "2012-11 is already billed: 3 invoices issued 2012-12-05" in str(second.error)
    assert second.result is None
    assert _numbers(engine) == [1, 2, 3]
    tables = dump(engine)
    assert len(tables["billing_runs"]) == 1
    [(series, next_number, chain_head)] = tables["number_series"]
    assert (series, next_number) == ("invoice", 4)
    # The chain head is the seal of the last document issued, number 3.
    assert chain_head == next(row for row in tables["invoices"] if row[0] == 3)[
        [c.name for c in InvoiceRow.__table__.columns].index("seal")]


def test_two_runs_of_different_months_take_consecutive_numbers(engine, database_url, tmp_path):
    setup_world(engine, tmp_path, months=("2012-11", "2012-12"))
    with Session(engine) as session, session.begin():  # the number series exists from here on
        assert len(run_month(session, Month(2012, 10), date(2012, 11, 5), WORLD_CHANGES).invoices) == 3

    first, second = _race(engine, database_url, NOVEMBER, DECEMBER)

    # The second waited for the series row the first had locked, then continued after it.
    assert second.error is None, second.error
    assert [i.number for i in first.result.invoices] == [4, 5, 6]
    assert [i.number for i in second.result.invoices] == [7, 8, 9]
    assert _numbers(engine) == list(range(1, 10))
    with Session(engine) as session:
        assert session.get(NumberSeries, "invoice").next_number == 10
        assert len(session.scalars(sa.select(BillingRunRow)).all()) == 3


def test_first_ever_runs_of_two_months_at_once_stay_gapless(engine, database_url, tmp_path):
    """No series row yet: the second run waits for the billing lock before it
    reads anything, so it finds the row the first created and continues the
    series (before the lock, on PostgreSQL both tried to create the row and the
    second was refused)."""
    setup_world(engine, tmp_path, months=("2012-11", "2012-12"))

    first, second = _race(engine, database_url, NOVEMBER, DECEMBER)

    assert [i.number for i in first.result.invoices] == [1, 2, 3]
    assert second.error is None, second.error
    assert [i.number for i in second.result.invoices] == [4, 5, 6]
    assert _numbers(engine) == [1, 2, 3, 4, 5, 6]
