"""Database fixtures: every test using ``database_url`` or ``engine`` runs on
SQLite and on a throwaway PostgreSQL server started by the test session.

BILLING_TEST_DATABASES=sqlite (or postgresql) restricts the backends.
``-m "not postgresql"`` deselects the PostgreSQL runs.
Without PostgreSQL binaries the postgresql runs are skipped, or fail if CI=true.
"""

from __future__ import annotations

import gc
import itertools
import os
import shutil
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).parent))  # works for any --import-mode
# pytest-xdist starts its workers with COLUMNS=80 and LINES=24. The command
# line's consoles read COLUMNS once, when billing.cli.context is imported, and
# keep it: every table printed in a worker would then be 80 columns wide, and
# the width a test sets (CliRunner's env) would never reach them. Each test
# sets the width it needs, or none (as in a pipe).
for _name in ("COLUMNS", "LINES"):
    os.environ.pop(_name, None)
from postgres_server import find_pg_bindir, postgres_server  # noqa: E402

BACKENDS = ("sqlite", "postgresql")
SELECTED = [
    name.strip()
    for name in os.environ.get("BILLING_TEST_DATABASES", ",".join(BACKENDS)).split(",")
    if name.strip()
]
if not SELECTED or set(SELECTED) - set(BACKENDS):
    raise pytest.UsageError(
        f"BILLING_TEST_DATABASES={os.environ.get('BILLING_TEST_DATABASES')!r}: "
        f"expected a comma-separated subset of {', '.join(BACKENDS)}"
    )


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "postgresql: runs against the session's PostgreSQL server (set automatically)"
    )


@pytest.hookimpl(tryfirst=True)  # before -m deselects
def pytest_collection_modifyitems(items):
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec and callspec.params.get("database_url") == "postgresql":
            item.add_marker(pytest.mark.postgresql)


@pytest.fixture(scope="session")
def postgres_admin():
    """Session-wide PostgreSQL server; yields an autocommit engine on its `postgres` db."""
    bindir = find_pg_bindir()
    if bindir is None:
        message = (
            "PostgreSQL server binaries not found (looked via pg_config --bindir, "
            "/usr/lib/postgresql/15/bin and PATH); install postgresql-15"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true: {message}", pytrace=False)
        pytest.skip(message)
    with postgres_server(bindir) as base_url:
        admin = sa.create_engine(f"{base_url}/postgres", isolation_level="AUTOCOMMIT")
        try:
            yield admin
        finally:
            admin.dispose()


class _YoungGenerationsOnly:
    """The gc module, but collect() collects generations 0 and 1 only."""

    def __getattr__(self, name):
        return getattr(gc, name)

    @staticmethod
    def collect(generation: int = 1) -> int:
        return gc.collect(min(generation, 1))


@pytest.fixture(autouse=True, scope="session")
def _bulk_phases_collect_their_own_objects():
    """billing.collector pauses the cyclic collector in a bulk phase and ends it
    with a full gc.collect(). In a command that costs little; in the test
    process it scans the whole heap of pytest, hypothesis and every module
    imported (about 80 ms), several times per test: a third of the suite's
    time. The objects made during the phase are all in the young generations
    (unfreeze() puts the older ones in the oldest), so collecting those still
    collects what the phase left in cycles; the rest is left to the
    automatic collections, as anywhere else in the test process."""
    import billing.collector

    patch = pytest.MonkeyPatch()
    patch.setattr(billing.collector, "gc", _YoungGenerationsOnly())
    yield
    patch.undo()


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashes():
    """Argon2id with its least cost for the tests' passwords and API tokens:
    the default parameters take a quarter of a second per hash or check, and
    every request with a token checks one. The hashes stay argon2id, checked
    the same way (the parameters are read from each hash)."""
    from argon2 import PasswordHasher

    import billing.services.users as users

    hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    patch = pytest.MonkeyPatch()
    patch.setattr(users, "_hasher", hasher)
    patch.setattr(users, "_DUMMY_HASH", hasher.hash("no such user: a password nobody has"))
    yield
    patch.undo()


@pytest.fixture(autouse=True)
def _settings_of_this_test_only(tmp_path_factory, monkeypatch):
    """No setting of the machine or the person running the tests (BILLING_*
    variables, ~/.config/billing, /etc/billing) reaches a test."""
    import billing.settings

    home = tmp_path_factory.mktemp("config")
    for name in ("DATABASE_URL", "CENTRE", "AUTO_UPGRADE", "LOG_LEVEL"):
        monkeypatch.delenv(f"BILLING_{name}", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "user"))
    monkeypatch.setattr(billing.settings, "SYSTEM_CONFIG_FILE", home / "etc" / "billing.toml")


_db_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def _migrated_sqlite(tmp_path_factory) -> Path:
    """A SQLite file migrated to the latest schema once per session (per xdist
    worker); the ``engine`` fixture gives each test a copy of its own."""
    from billing.persistence.database import create_engine_for, upgrade

    path = tmp_path_factory.mktemp("seed") / "billing.sqlite"
    engine = create_engine_for(f"sqlite:///{path}")
    try:
        upgrade(engine)
    finally:
        engine.dispose()  # the last connection checkpoints the WAL into the file
    return path


@pytest.fixture(scope="session")
def _migrated_postgres(postgres_admin) -> str:
    """A PostgreSQL database migrated to the latest schema once per session, the
    template the ``engine`` fixture copies (CREATE DATABASE ... TEMPLATE) for
    each test: a copy takes milliseconds, migrating takes a second."""
    from billing.persistence.database import create_engine_for, upgrade

    name = "t_migrated_template"
    with postgres_admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    engine = create_engine_for(postgres_admin.url.set(database=name).render_as_string(hide_password=False))
    try:
        upgrade(engine)
    finally:
        engine.dispose()  # a template must have no connections while it is copied
    return name


@pytest.fixture(params=SELECTED)
def database_url(request, tmp_path):
    """URL of a fresh, empty database for this test; with ``engine``, of a fresh
    database migrated to the latest schema (a copy of the session's template).

    One backend only: @pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
    """
    if request.param not in SELECTED:
        pytest.skip(f"{request.param} excluded by BILLING_TEST_DATABASES")
    migrated = "engine" in request.fixturenames
    if request.param == "sqlite":
        path = tmp_path / "billing.sqlite"
        if migrated:
            shutil.copyfile(request.getfixturevalue("_migrated_sqlite"), path)
        yield f"sqlite:///{path}"
        return
    admin = request.getfixturevalue("postgres_admin")
    template = f" TEMPLATE {request.getfixturevalue('_migrated_postgres')}" if migrated else ""
    name = f"t_{next(_db_numbers)}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}{template}")
    yield admin.url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:  # FORCE terminates leftover connections first
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def engine(database_url):
    """SQLAlchemy engine on a fresh database migrated to the latest schema."""
    from billing.persistence.database import create_engine_for, upgrade

    engine = create_engine_for(database_url)
    try:
        upgrade(engine)  # a copy of the template: only checks that it is at the head
        yield engine
    finally:
        engine.dispose()
