"""The engine and the schema: made and upgraded by Alembic, never by create_all.

The migrations ship inside the package (billing/migrations), so an installed
wheel needs no source tree. Which database, and whether a command may create
or upgrade its schema, is decided here; the CLI only says what the command is.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import URL, Engine, create_engine, event, inspect, make_url, text
from sqlalchemy.exc import ArgumentError

from billing.errors import BillingError

DEFAULT_URL = "sqlite:///billing.sqlite"
MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"
UPGRADE_COMMAND = "billing db upgrade"
# Engine execution option: transactions that only read (see for_reading).
READ_ONLY = "billing_read_only"
_EXPECTED = "expected sqlite:///FILE or postgresql://USER:PASSWORD@HOST/DATABASE"
_DRIVERS = {"sqlite": ("", "pysqlite"), "postgresql": ("", "psycopg"), "postgres": ("", "psycopg")}

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from alembic.config import Config


def mask_url(text: str) -> str:
    """The URL as it may be shown or logged: any password replaced by ***."""
    try:
        return make_url(text).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):  # ValueError: e.g. a port that is not a number
        # Unparsable: still hide whatever stands between "user:" and "@".
        scheme, sep, rest = text.partition("://")
        credentials, at, host = rest.rpartition("@")
        user = credentials.split(":", 1)[0]
        return f"{scheme}{sep}{user}:***@{host}" if at and ":" in credentials else text


def engine_url(text: str) -> URL:
    """The URL the engine is made with: psycopg 3 for PostgreSQL (``postgres://``
    is the old spelling many hosts still hand out); any other backend is refused."""
    try:
        url = make_url(text)
    except (ArgumentError, ValueError):
        raise BillingError(f"not a database URL: {mask_url(text)}; {_EXPECTED}") from None
    backend, _, driver = url.drivername.partition("+")
    if driver not in _DRIVERS.get(backend, ()):
        raise BillingError(f"unsupported database URL scheme '{url.drivername}' in "
                           f"{mask_url(text)}; {_EXPECTED}")
    return url.set(drivername="sqlite" if backend == "sqlite" else "postgresql+psycopg")


def sqlite_file(url: URL) -> Path | None:
    """The file of an SQLite URL, absolute; None for a server or an in-memory database."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database).resolve()


def describe(text: str) -> str:
    """The database in words, without its password."""
    url = engine_url(text)
    path = sqlite_file(url)
    if url.get_backend_name() == "sqlite":
        return f"SQLite file {path}" if path else "SQLite in memory"
    where = f"{url.host or 'localhost'}:{url.port or 5432}"
    return f"PostgreSQL database {url.database} on {where} as {url.username or '(default user)'}"


def create_engine_for(url: str | URL) -> Engine:
    engine = create_engine(engine_url(url) if isinstance(url, str) else url)
    if engine.dialect.name == "sqlite":
        _sqlite_transactions(engine, wal=sqlite_file(engine.url) is not None)
    return engine


def _sqlite_transactions(engine: Engine, wal: bool) -> None:
    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record):
        # Let SQLAlchemy, not the driver, open transactions (see _begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 10000")
        if wal:
            # Readers see a snapshot and never block the writer, nor it them.
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection):
        # Writers take the write lock at BEGIN (IMMEDIATE), so two of them queue
        # instead of failing half-way; readers take none (a deferred BEGIN).
        read_only = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def for_reading(engine: Engine) -> Engine:
    """The same engine (and pool) for transactions that only read."""
    return engine.execution_options(**{READ_ONLY: True})


def alembic_config() -> Config:
    # Alembic loads only when a command migrates or names a revision: most
    # commands find the schema at the head (see _current_at_head).
    from alembic.config import Config
    if not (MIGRATIONS / "env.py").exists():
        raise BillingError(f"migrations not found at {MIGRATIONS}: the installation is incomplete")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def revision_name(revision: str | None) -> str:
    """A revision with its message, e.g. "0001 (Initial schema)"; "empty" for none."""
    if revision is None:
        return "empty"
    from alembic.script import ScriptDirectory
    script = ScriptDirectory.from_config(alembic_config()).get_revision(revision)
    title = (script.doc or "").split(".")[0].strip() if script else ""
    return f"{revision} ({title})" if title else revision


@dataclass(frozen=True)
class SchemaState:
    current: str | None  # None: no schema at all
    head: str

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


def schema_state(engine: Engine) -> SchemaState:
    """Where the database's schema stands against the newest migration shipped."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    scripts = ScriptDirectory.from_config(alembic_config())
    with for_reading(engine).connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    if current is not None and current not in {s.revision for s in scripts.walk_revisions()}:
        raise BillingError(f"the database is at schema revision {current}, which this version of "
                           "billing does not know: it was upgraded by a newer billing")
    return SchemaState(current, scripts.get_current_head())


@dataclass(frozen=True)
class UpgradeResult:
    before: str | None
    after: str

    @property
    def created(self) -> bool:
        return self.before is None

    @property
    def changed(self) -> bool:
        return self.before != self.after

    def message(self, database: str) -> str:
        if self.created:
            return f"Created the schema in {database}: revision {revision_name(self.after)}."
        if self.changed:
            return (f"Upgraded the schema of {database} from revision {revision_name(self.before)} "
                    f"to {revision_name(self.after)}.")
        return f"The schema of {database} is up to date: revision {revision_name(self.after)}."


def upgrade(engine: Engine) -> UpgradeResult:
    """Bring the schema to the newest migration (a no-op when it is there)."""
    before = schema_state(engine)
    if before.up_to_date:
        log.info("schema at revision %s, the newest", revision_name(before.current))
        return UpgradeResult(before.current, before.head)
    log.info("upgrading the schema from %s to %s", revision_name(before.current),
             revision_name(before.head))
    migrate(engine, revision="head")
    return UpgradeResult(before.current, before.head)


def migrate(engine: Engine, action=None, revision: str = "head") -> None:
    """Run an Alembic ``action`` (upgrade or downgrade) to ``revision`` in one transaction.

    On SQLite a migration that changes a table's constraints rebuilds the
    table (copy, drop, rename), and dropping a table that others point to is
    refused while foreign keys are enforced row by row; the switch works only
    outside a transaction. So foreign keys are off for the migration and
    checked as a whole before it commits: a migration that leaves a dangling
    reference changes nothing.
    """
    if action is None:
        from alembic import command
        action = command.upgrade
    config = alembic_config()
    with engine.connect() as connection:
        driver = connection.connection.driver_connection if engine.dialect.name == "sqlite" else None
        if driver is not None:
            driver.execute("PRAGMA foreign_keys = OFF")
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                action(config, revision)
                if driver is not None:
                    dangling = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if dangling:
                        raise BillingError(f"the migration to {revision} would leave {len(dangling)} "
                                           f"rows pointing to rows that do not exist (first: "
                                           f"{tuple(dangling[0])}); nothing was changed")
        finally:
            if driver is not None:
                driver.execute("PRAGMA foreign_keys = ON")


def prepare_schema(engine: Engine, *, may_create: bool, auto_upgrade: bool) -> None:
    """Before a command: the schema must be current. A command that only reads
    never creates a database (nor a schema in an empty one); with auto_upgrade
    off no command changes the schema: 'billing db upgrade' does, explicitly."""
    path = sqlite_file(engine.url)
    if path is not None and not path.exists():
        if not (may_create and auto_upgrade):
            raise BillingError(f"no database at {path}: create one with '{UPGRADE_COMMAND}' "
                               "(or give --database-url / BILLING_DATABASE_URL)")
        log.info("creating the SQLite database %s", path)
        upgrade(engine)
        return
    if _current_at_head(engine):
        log.info("schema at the newest revision")
        return
    state = schema_state(engine)
    if state.up_to_date:
        log.info("schema at revision %s, the newest", state.current)
        return
    if not auto_upgrade:
        raise BillingError(f"the database schema is at {revision_name(state.current)}, this "
                           f"version of billing needs {revision_name(state.head)}; automatic "
                           f"upgrade is off: run '{UPGRADE_COMMAND}'")
    if state.current is None and not may_create:
        raise BillingError(f"the database has no billing schema: create it with '{UPGRADE_COMMAND}'")
    upgrade(engine)


_REVISION = re.compile(r"^(down_revision|revision)\s*(?::[^=]*)?=\s*(?:'([^']*)'|\"([^\"]*)\"|None)\s*$",
                       re.MULTILINE)


def shipped_head() -> str | None:
    """The newest migration shipped, read from the migration files' own
    ``revision`` and ``down_revision`` lines (without loading Alembic); None
    when that reading is not plain (several heads, a tuple of parents): then
    Alembic decides (schema_state)."""
    return _head_of(MIGRATIONS)


@cache
def _head_of(migrations: Path) -> str | None:
    revisions, parents = set(), set()
    for path in (migrations / "versions").glob("*.py"):
        found = {}
        for match in _REVISION.finditer(path.read_text(encoding="utf-8")):
            found[match.group(1)] = match.group(2) or match.group(3)
        if "revision" not in found or found["revision"] is None or "down_revision" not in found:
            return None
        revisions.add(found["revision"])
        if found["down_revision"] is not None:
            parents.add(found["down_revision"])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 and parents <= revisions else None


def _current_at_head(engine: Engine) -> bool:
    """Whether the database's stored revision is the newest shipped: one cheap
    read, so that a command on a current schema does not run Alembic's
    machinery. Anything else (no schema, older, unknown) goes to schema_state."""
    head = shipped_head()
    if head is None:
        return False
    with for_reading(engine).connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return False
        stored = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return stored == [head]
