"""Self-test of the database fixtures in conftest.py (no billing code involved)."""

from decimal import Decimal

import pytest
import sqlalchemy as sa


@pytest.fixture
def db(database_url):
    engine = sa.create_engine(database_url)
    yield engine
    engine.dispose()


def test_select_one(db, database_url):
    assert database_url.startswith(("sqlite:///", "postgresql+psycopg://postgres@127.0.0.1:"))
    with db.connect() as conn:
        assert conn.execute(sa.text("SELECT 1")).scalar_one() == 1


@pytest.mark.parametrize("attempt", [1, 2])
def test_each_test_gets_a_fresh_database(db, attempt):
    assert sa.inspect(db).get_table_names() == []
    with db.begin() as conn:
        conn.execute(sa.text("CREATE TABLE probe (id INTEGER PRIMARY KEY)"))
        conn.execute(sa.text("INSERT INTO probe (id) VALUES (:id)"), {"id": attempt})
    with db.connect() as conn:
        assert conn.execute(sa.text("SELECT id FROM probe")).scalars().all() == [attempt]


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_numeric_round_trip_on_postgresql(db):
    amounts = sa.Table(
        "amounts", sa.MetaData(), sa.Column("value", sa.Numeric(38, 10), nullable=False)
    )
    value = Decimal("12345678901234567890.0123456789")
    amounts.metadata.create_all(db)
    with db.begin() as conn:
        conn.execute(amounts.insert(), [{"value": value}])
    with db.connect() as conn:
        stored = conn.execute(sa.select(amounts.c.value)).scalar_one()
        total = conn.execute(sa.text("SELECT 0.1::numeric + 0.2::numeric")).scalar_one()
    assert type(stored) is Decimal and stored == value
    assert total == Decimal("0.3")
