"""Migration 0006: the customer ledger's four tables, added empty and dropped
again on downgrade, nothing else touched."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command

from billing.persistence.database import migrate
from db_helpers import billed, dump
from test_migration_0002 import version

LEDGER = {"bank_files", "payments", "payment_applications", "reminders"}


def test_0006_adds_the_ledger_tables_and_downgrade_drops_them(engine, tmp_path):
    billed(engine, tmp_path)  # invoices 1-3 of 2012-11, on the schema at head
    assert LEDGER <= set(sa.inspect(engine).get_table_names())
    before = {table: rows for table, rows in dump(engine).items() if table not in LEDGER}
    migrate(engine, command.downgrade, "0005")
    assert version(engine) == ["0005"]
    assert not LEDGER & set(sa.inspect(engine).get_table_names())
    migrate(engine, command.upgrade, "0006")
    assert version(engine) == ["0006"]
    migrate(engine, command.upgrade, "head")  # later migrations' tables, for the dump
    assert {table: rows for table, rows in dump(engine).items() if table not in LEDGER} == before
    assert all(dump(engine)[table] == [] for table in LEDGER)
