"""Two actions at once from two engines (two connections), on SQLite and
PostgreSQL: the first action's transaction is held open after it is done until
the second has started (on PostgreSQL: until the second is seen waiting for a
lock), then released. Every wait is bounded."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from billing.persistence.database import create_engine_for

TIMEOUT = 20.0  # seconds; a healthy run of these tests takes well under one


class Actor(threading.Thread):
    """An action in its own transaction on its own engine; optionally holds the
    transaction open after the action until ``release`` is set."""

    def __init__(self, engine, action: Callable[[Session], object], hold: bool):
        super().__init__(daemon=True)
        self.engine, self.action, self.hold = engine, action, hold
        self.acted = threading.Event()  # the action is done, its transaction still open
        self.release = threading.Event()
        self.result = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with Session(self.engine) as session, session.begin():
                self.result = self.action(session)
                self.acted.set()
                if self.hold and not self.release.wait(TIMEOUT):
                    raise RuntimeError("never released")
        except BaseException as error:  # reported by the test
            self.error = error
        finally:
            self.acted.set()


def wait_until_waiting_for_a_lock(engine, what: str = "action") -> None:
    """PostgreSQL: until some other backend of this database waits for a lock."""
    deadline = time.monotonic() + TIMEOUT
    query = sa.text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()")
    with engine.connect() as connection:
        while connection.execute(query).scalar_one() == 0:
            assert time.monotonic() < deadline, f"the second {what} never waited for the first"
            time.sleep(0.01)
            connection.rollback()  # a fresh snapshot of pg_stat_activity


def race(engine, database_url, first_action, second_action, *, what: str = "action",
         second_not_done_on_postgresql: bool = True) -> tuple[Actor, Actor]:
    """``first_action`` holding its transaction; ``second_action`` on a second
    engine; the first released once the second is blocked behind it.

    That the second is not done while the first holds its transaction is
    asserted on SQLite, and on PostgreSQL too unless
    ``second_not_done_on_postgresql`` is false (there the second is seen
    waiting for a lock either way). ``what`` names the actions in messages."""
    other = create_engine_for(database_url)
    try:
        first = Actor(engine, first_action, hold=True)
        second = Actor(other, second_action, hold=False)
        first.start()
        assert first.acted.wait(TIMEOUT) and first.error is None, first.error
        second.start()
        if engine.dialect.name == "postgresql":
            wait_until_waiting_for_a_lock(engine, what)
            if second_not_done_on_postgresql:
                assert not second.acted.is_set(), f"the second {what} did not wait for the first"
        else:
            # SQLite: the second waits in BEGIN IMMEDIATE (busy_timeout); give it time to get there.
            time.sleep(0.3)
            assert not second.acted.is_set(), f"the second {what} did not wait for the first"
        first.release.set()
        first.join(TIMEOUT)
        second.join(TIMEOUT)
        assert not first.is_alive() and not second.is_alive()
        assert first.error is None, first.error
        return first, second
    finally:
        other.dispose()
