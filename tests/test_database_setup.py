"""Which database, and when its schema may be created or upgraded, on SQLite and
PostgreSQL: a read-only command never creates a database, URLs are checked
before use, ``billing db upgrade`` says what it did, and with auto_upgrade off
no command but ``billing db upgrade`` touches the schema."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory

import billing.persistence.database as database
from billing.errors import BillingError
from billing.persistence.database import create_engine_for, engine_url
from db_helpers import TARIFFS
from helpers_cli import cli, flat

# The shipped head, whichever migration that is now: "0002 (Price lists in …)".
HEAD_ID = ScriptDirectory.from_config(database.alembic_config()).get_current_head()
HEAD = database.revision_name(HEAD_ID)
# A migration after the shipped head, only in this test's copy of the migrations.
NEXT_MIGRATION = f'''"""Deployment test table. For the tests of an older schema only.

Revision ID: 9999
Revises: {HEAD_ID}
"""
from alembic import op
import sqlalchemy as sa

revision = "9999"
down_revision = "{HEAD_ID}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("deployment_test", sa.Column("id", sa.Integer(), primary_key=True))


def downgrade() -> None:
    op.drop_table("deployment_test")
'''


def _version(url: str) -> str | None:
    engine = create_engine_for(url)
    try:
        with engine.connect() as connection:
            if not sa.inspect(connection).has_table("alembic_version"):
                return None
            return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()
    finally:
        engine.dispose()


def _tables(url: str) -> set[str]:
    engine = create_engine_for(url)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def _where(url: str) -> str:
    return database.describe(url)


@pytest.fixture
def newer_release(tmp_path, monkeypatch):
    """The program as if its next release added migration 9999."""
    migrations = tmp_path / "migrations"
    shutil.copytree(database.MIGRATIONS, migrations, ignore=shutil.ignore_patterns("__pycache__"))
    (migrations / "versions" / "9999_deployment_test.py").write_text(NEXT_MIGRATION, encoding="utf-8")
    monkeypatch.setattr(database, "MIGRATIONS", migrations)


# --- URLs ---------------------------------------------------------------------------------

@pytest.mark.parametrize("given", ["postgres://u:p@db.example/billing", "postgresql://u:p@db.example/billing",
                                   "postgresql+psycopg://u:p@db.example/billing"])
def test_postgresql_urls_all_use_psycopg_3(given):
    url = engine_url(given)
    assert url.drivername == "postgresql+psycopg"
    assert (url.host, url.database, url.username, url.password) == ("db.example", "billing", "u", "p")


@pytest.mark.parametrize("given, message", [
    ("mysql://u:secret@db.example/billing", "unsupported database URL scheme 'mysql' in mysql://u:***@db.example/billing"),
    ("postgresql+psycopg2://u:secret@db/billing", "unsupported database URL scheme 'postgresql+psycopg2'"),
    ("billing.sqlite", "not a database URL: billing.sqlite"),
    ("postgresql://u:secret@db:port/billing", "not a database URL: postgresql://u:***@db:port/billing"),
])
def test_other_urls_are_refused_with_one_line(given, message, tmp_path, monkeypatch):
    with pytest.raises(BillingError, match="expected sqlite:///FILE or postgresql://") as refused:
        engine_url(given)
    assert message in str(refused.value)
    monkeypatch.chdir(tmp_path)
    result = cli(given, "invoices", "list")
    assert result.exit_code == 1
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "secret" not in result.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_postgres_url_works_against_the_server(database_url):
    url = database_url.replace("postgresql+psycopg://", "postgres://")
    upgraded = cli(url, "db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    assert cli(url, "tariffs", "load", TARIFFS).exit_code == 0
    assert "standard-2012-06" in flat(cli(url, "tariffs", "list").stdout)


# --- A new database -------------------------------------------------------------------------

def test_a_read_only_command_never_creates_a_database(database_url):
    for args in (("invoices", "list"), ("verify",), ("run", "2012-11", "--dry-run", "--date", "2012-12-05")):
        result = cli(database_url, *args)
        assert result.exit_code == 1, args
        if database_url.startswith("sqlite"):
            path = Path(database_url.removeprefix("sqlite:///")).resolve()
            assert (f"no database at {path}: create one with 'billing db upgrade'"
                    in flat(result.stderr)), args
            assert not path.exists()
        else:
            assert ("the database has no billing schema: create it with 'billing db upgrade'"
                    in flat(result.stderr)), args
            assert _tables(database_url) == set()


def test_a_command_that_changes_state_creates_the_database(database_url):
    loaded = cli(database_url, "tariffs", "load", TARIFFS)
    assert loaded.exit_code == 0, loaded.output
    assert _version(database_url) == HEAD_ID
    assert "standard-2012-06" in flat(cli(database_url, "tariffs", "list").stdout)


def test_db_upgrade_says_it_created_the_schema_then_that_it_is_current(database_url):
    created = cli(database_url, "db", "upgrade")
    assert created.exit_code == 0, created.output
    assert flat(created.stdout) == f"Created the schema in {_where(database_url)}: revision {HEAD}."
    again = cli(database_url, "db", "upgrade")
    assert flat(again.stdout) == f"The schema of {_where(database_url)} is up to date: revision {HEAD}."
    assert _version(database_url) == HEAD_ID


# --- auto_upgrade off -----------------------------------------------------------------------

def test_without_auto_upgrade_nothing_creates_the_schema_but_db_upgrade(database_url, monkeypatch):
    refused = cli(database_url, "--no-auto-upgrade", "tariffs", "load", TARIFFS)
    assert refused.exit_code == 1
    if database_url.startswith("sqlite"):
        assert "no database at" in refused.stderr
        assert not Path(database_url.removeprefix("sqlite:///")).exists()
    else:
        assert (f"the database schema is at empty, this version of billing needs {HEAD}; automatic "
                "upgrade is off: run 'billing db upgrade'") in flat(refused.stderr)
        assert _tables(database_url) == set()
    # The same from the environment.
    monkeypatch.setenv("BILLING_AUTO_UPGRADE", "false")
    assert cli(database_url, "tariffs", "load", TARIFFS).exit_code == 1
    assert cli(database_url, "db", "upgrade").exit_code == 0
    assert cli(database_url, "tariffs", "load", TARIFFS).exit_code == 0


def test_an_older_schema_is_refused_without_auto_upgrade_and_upgraded_by_db_upgrade(
        engine, database_url, newer_release):
    for args in (("invoices", "list"), ("tariffs", "load", TARIFFS)):
        refused = cli(database_url, "--no-auto-upgrade", *args)
        assert refused.exit_code == 1, args
        assert (f"the database schema is at {HEAD}, this version of billing needs 9999 (Deployment "
                "test table); automatic upgrade is off: run 'billing db upgrade'") in flat(refused.stderr)
    assert _version(database_url) == HEAD_ID
    with engine.connect() as connection:  # the refused load stored nothing
        assert connection.execute(sa.text("SELECT count(*) FROM price_lists")).scalar_one() == 0

    upgraded = cli(database_url, "--no-auto-upgrade", "db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    assert flat(upgraded.stdout) == (f"Upgraded the schema of {_where(database_url)} from revision {HEAD} "
                                     "to 9999 (Deployment test table).")
    assert _version(database_url) == "9999"
    assert "deployment_test" in _tables(database_url)
    assert cli(database_url, "--no-auto-upgrade", "tariffs", "load", TARIFFS).exit_code == 0


def test_with_auto_upgrade_an_older_schema_is_upgraded_by_any_command(engine, database_url, newer_release):
    listed = cli(database_url, "invoices", "list")
    assert listed.exit_code == 0, listed.output
    assert _version(database_url) == "9999"


def test_a_schema_newer_than_the_program_is_named(engine, database_url):
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = '0099'"))
    result = cli(database_url, "invoices", "list")
    assert result.exit_code == 1
    assert ("the database is at schema revision 0099, which this version of billing does not know"
            in flat(result.stderr))
