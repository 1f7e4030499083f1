"""On an SQLite file, readers do not block writers: a read transaction (a
deferred BEGIN, on a database in WAL mode) takes no write lock, so a second
command can commit while a long read such as ``billing whatif`` is open. Two
writers still queue (BEGIN IMMEDIATE: see test_persistence_concurrency)."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from billing.persistence.database import create_engine_for, for_reading, upgrade
from billing.persistence.models import NumberSeries
from db_helpers import TARIFFS
from helpers_cli import cli, flat

# A blocked writer would wait busy_timeout (10 s) and then fail with "database is locked".
PROMPTLY = 3.0


@pytest.fixture
def sqlite_file(tmp_path):
    url = f"sqlite:///{tmp_path}/billing.sqlite"
    engine = create_engine_for(url)
    upgrade(engine)
    engine.dispose()
    return url


def _series(session: Session) -> list[str]:
    return list(session.scalars(sa.select(NumberSeries.name).where(NumberSeries.name == "test")))


def test_a_file_database_is_in_wal_mode(sqlite_file):
    engine = create_engine_for(sqlite_file)
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
    finally:
        engine.dispose()


def test_an_open_read_transaction_does_not_block_a_write_on_another_connection(sqlite_file):
    reading, writing = create_engine_for(sqlite_file), create_engine_for(sqlite_file)
    try:
        with Session(for_reading(reading)) as reader:
            assert _series(reader) == []  # the read transaction is open from here on
            started = time.monotonic()
            with Session(writing) as writer, writer.begin():
                writer.add(NumberSeries(name="test", next_number=1, last_seal=None))
            assert time.monotonic() - started < PROMPTLY
            assert _series(reader) == []  # its snapshot, taken before the write
            reader.rollback()
            assert _series(reader) == ["test"]  # a new transaction sees it
    finally:
        reading.dispose()
        writing.dispose()


def test_a_read_only_command_runs_while_a_writer_holds_its_transaction(sqlite_file):
    """Before: every command began with BEGIN IMMEDIATE, so this read waited for
    the writer and failed with "database is locked"."""
    writing = create_engine_for(sqlite_file)
    try:
        with Session(writing) as writer, writer.begin():
            writer.add(NumberSeries(name="test", next_number=1, last_seal=None))
            writer.flush()  # the write lock is held until the block ends
            started = time.monotonic()
            listed = cli(sqlite_file, "tariffs", "list")
            assert listed.exit_code == 0, listed.output
            assert time.monotonic() - started < PROMPTLY
            assert "Prislistor" in flat(listed.stdout)
    finally:
        writing.dispose()


def test_a_command_that_writes_commits_while_a_read_transaction_is_open(sqlite_file):
    reading = create_engine_for(sqlite_file)
    try:
        with Session(for_reading(reading)) as reader:
            assert _series(reader) == []
            started = time.monotonic()
            loaded = cli(sqlite_file, "tariffs", "load", TARIFFS)
            assert loaded.exit_code == 0, loaded.output
            assert time.monotonic() - started < PROMPTLY + 2  # loading takes a moment itself
    finally:
        reading.dispose()
    assert "standard-2012-06" in flat(cli(sqlite_file, "tariffs", "list").stdout)
