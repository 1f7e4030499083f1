"""The database a command works on, for the command line: engines, the schema's
state and its upgrade, through the persistence layer (which the CLI never
imports itself)."""

from __future__ import annotations

from billing.persistence.database import create_engine_for, describe, for_reading, prepare_schema, upgrade

__all__ = ["create_engine_for", "describe", "for_reading", "prepare_schema", "upgrade"]
