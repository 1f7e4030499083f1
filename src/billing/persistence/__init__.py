"""Persistence: SQLAlchemy models, exact money types, the engine and migrations."""
