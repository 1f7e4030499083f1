"""The engine and the schema: made and upgraded by Alembic, never by create_all."""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event

from billing.errors import BillingError

DEFAULT_URL = "sqlite:///billing.sqlite"
URL_VARIABLE = "BILLING_DATABASE_URL"
MIGRATIONS = Path(__file__).resolve().parents[3] / "migrations"


def database_url(option: str | None = None) -> str:
    """The option, else the environment variable, else an SQLite file here."""
    return option or os.environ.get(URL_VARIABLE) or DEFAULT_URL


def create_engine_for(url: str) -> Engine:
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA busy_timeout = 10000")
            cursor.close()

        # Let SQLAlchemy, not the driver, open transactions, and open them with
        # BEGIN IMMEDIATE: two writers then queue instead of failing half-way.
        @event.listens_for(engine, "connect")
        def _no_driver_transactions(dbapi_connection, _record):
            dbapi_connection.isolation_level = None

        @event.listens_for(engine, "begin")
        def _begin_immediate(connection):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
    return engine


def alembic_config() -> Config:
    if not (MIGRATIONS / "env.py").exists():
        raise BillingError(f"migrations not found at {MIGRATIONS}; install the project with "
                           "'pip install -e .' from its source tree")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration (a no-op when it is there)."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
