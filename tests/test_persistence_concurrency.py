"""Two billing runs at once, from two engines (two connections), on SQLite and
PostgreSQL. The first run's transaction is held open until the second has
started (on PostgreSQL: until the second is seen waiting for a lock), then
released; every wait is bounded."""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from billing.errors import AlreadyDone
from billing.period import Month
from billing.persistence.database import create_engine_for
from billing.persistence.models import BillingRunRow, InvoiceRow, NumberSeries
from billing.services.billing_run import run_month
from db_helpers import dump, setup_world

TIMEOUT = 20.0  # seconds; a healthy run of these tests takes well under one
NOVEMBER, DECEMBER = Month(2012, 11), Month(2012, 12)


class Runner(threading.Thread):
    """A billing run in a thread of its own; optionally holds its transaction
    open after the run until ``release`` is set."""

    def __init__(self, engine, month: Month, issue: date, hold: bool):
        super().__init__(daemon=True)
        self.engine, self.month, self.issue, self.hold = engine, month, issue, hold
        self.ran = threading.Event()  # the run is done, its transaction still open
        self.release = threading.Event()
        self.result = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with Session(self.engine) as session, session.begin():
                self.result = run_month(session, self.month, self.issue)
                self.ran.set()
                if self.hold and not self.release.wait(TIMEOUT):
                    raise RuntimeError("never released")
        except BaseException as error:  # reported by the test
            self.error = error
        finally:
            self.ran.set()


def _wait_until_waiting_for_a_lock(engine) -> None:
    """PostgreSQL: until some other backend of this database waits for a lock."""
    deadline = time.monotonic() + TIMEOUT
    query = sa.text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()")
    with engine.connect() as connection:
        while connection.execute(query).scalar_one() == 0:
            assert time.monotonic() < deadline, "the second run never waited for the first"
            time.sleep(0.01)
            connection.rollback()  # a fresh snapshot of pg_stat_activity


def _race(engine, database_url, first_month, second_month):
    """Run ``first_month`` holding its transaction, start ``second_month`` on a
    second engine, release the first once the second is blocked."""
    other = create_engine_for(database_url)
    try:
        first = Runner(engine, first_month, first_month.next().first_day.replace(day=5), hold=True)
        second = Runner(other, second_month, second_month.next().first_day.replace(day=5), hold=False)
        first.start()
        assert first.ran.wait(TIMEOUT) and first.error is None, first.error
        second.start()
        if engine.dialect.name == "postgresql":
            _wait_until_waiting_for_a_lock(engine)
        else:
            # SQLite: the second waits in BEGIN IMMEDIATE (busy_timeout); give it time to get there.
            time.sleep(0.3)
            assert not second.ran.is_set(), "the second run did not wait for the first"
        first.release.set()
        first.join(TIMEOUT)
        second.join(TIMEOUT)
        assert not first.is_alive() and not second.is_alive()
        assert first.error is None, first.error
        return first, second
    finally:
        other.dispose()


def _numbers(engine):
    with engine.connect() as connection:
        return [n for n, in connection.execute(sa.select(InvoiceRow.number).order_by(InvoiceRow.number))]


def test_two_runs_of_the_same_month_issue_once(engine, database_url, tmp_path):
    setup_world(engine, tmp_path)

    first, second = _race(engine, database_url, NOVEMBER, NOVEMBER)

    assert [i.number for i in first.result.invoices] == [1, 2, 3]
    if engine.dialect.name == "postgresql":
        # The second did not see the uncommitted run, rated the month, and was
        # stopped by the unique billing_runs.period when it tried to record its run.
        assert isinstance(second.error, IntegrityError), second.error
        assert "billing_runs" in str(second.error)
    else:
        # SQLite: BEGIN IMMEDIATE queued the second behind the first; then it saw the run.
        assert isinstance(second.error, AlreadyDone), second.error
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
        assert len(run_month(session, Month(2012, 10), date(2012, 11, 5)).invoices) == 3

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
    """No series row yet: on PostgreSQL both runs try to create it and the second
    is refused (nothing written; it can simply be run again). Either way the
    numbers stay gapless."""
    setup_world(engine, tmp_path, months=("2012-11", "2012-12"))

    first, second = _race(engine, database_url, NOVEMBER, DECEMBER)

    assert [i.number for i in first.result.invoices] == [1, 2, 3]
    if second.error is None:
        assert [i.number for i in second.result.invoices] == [4, 5, 6]
    else:
        assert isinstance(second.error, (IntegrityError, OperationalError)), second.error
        assert _numbers(engine) == [1, 2, 3]
        with Session(engine) as session, session.begin():  # run again: it continues the series
            assert [i.number for i in run_month(session, DECEMBER, date(2013, 1, 5)).invoices] == [4, 5, 6]
    assert _numbers(engine) == [1, 2, 3, 4, 5, 6]
