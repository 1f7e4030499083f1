"""Alembic migrations: they create the models' schema, and upgrading again is a no-op."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from billing.persistence.database import alembic_config, create_engine_for, upgrade
from billing.persistence.models import Base
from db_helpers import dump, setup_world


def _schema(engine) -> dict:
    """Tables with their columns, keys, unique constraints and indexes."""
    inspector = sa.inspect(engine)
    schema = {}
    for table in sorted(inspector.get_table_names()):
        schema[table] = (
            [(c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(table)],
            inspector.get_pk_constraint(table)["constrained_columns"],
            sorted((tuple(fk["constrained_columns"]), fk["referred_table"])
                   for fk in inspector.get_foreign_keys(table)),
            sorted(tuple(u["column_names"]) for u in inspector.get_unique_constraints(table)),
            sorted((i["name"], tuple(i["column_names"])) for i in inspector.get_indexes(table)),
        )
    return schema


def _version(engine) -> list[str]:
    with engine.connect() as connection:
        return [v for v, in connection.execute(sa.text("SELECT version_num FROM alembic_version"))]


def test_upgrade_of_an_empty_database_creates_the_schema(database_url):
    engine = create_engine_for(database_url)
    try:
        assert sa.inspect(engine).get_table_names() == []
        upgrade(engine)
        tables = set(sa.inspect(engine).get_table_names())
        assert tables == set(Base.metadata.tables) | {"alembic_version"}
        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        assert _version(engine) == [head]
    finally:
        engine.dispose()


def test_upgrading_twice_is_a_no_op(engine, tmp_path):
    setup_world(engine, tmp_path)  # data present: it must survive untouched
    schema, data, version = _schema(engine), dump(engine), _version(engine)

    upgrade(engine)

    assert _schema(engine) == schema
    assert dump(engine) == data
    assert _version(engine) == version


def test_migrated_schema_matches_the_models(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
