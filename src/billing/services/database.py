"""The database a command works on, for the command line: its URL, and an
engine with the schema brought up to date."""

from __future__ import annotations

from sqlalchemy import Engine

from billing.persistence.database import create_engine_for, database_url, upgrade

__all__ = ["database_url", "open_database"]


def open_database(url: str) -> Engine:
    """An engine for ``url``, with the schema upgraded to the newest migration
    (a no-op when it is there); the caller disposes of it."""
    engine = create_engine_for(url)
    try:
        upgrade(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine
