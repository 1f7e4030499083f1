"""PostgreSQL as the README's deployment section sets it up, on the session's
server: the roles and grants of deploy/postgresql/, a month run as the
application role with auto-upgrade off, and a backup restored with
pg_dump/pg_restore that ``billing verify`` accepts."""

from __future__ import annotations

import itertools
import re
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import ProgrammingError

from db_helpers import TARIFFS, WORLD_AGENCIES, WORLD_VOLUMES, write, write_volumes
from helpers_cli import cli, flat
from postgres_server import _run_as, find_pg_bindir

DEPLOY = Path(__file__).resolve().parents[1] / "deploy" / "postgresql"
_numbers = itertools.count(1)


def _statements(path: Path) -> list[str]:
    """The SQL statements of a deploy file, comments left out."""
    text = "\n".join(line for line in path.read_text(encoding="utf-8").splitlines()
                     if not line.lstrip().startswith("--"))
    return [statement.strip() for statement in text.split(";") if statement.strip()]


def _url(admin: sa.Engine, user: str, database: str) -> str:
    return admin.url.set(username=user, database=database).render_as_string(hide_password=False)


def _ok(result):
    assert result.exit_code == 0, result.output
    return result


def _bill_november(url: str, tmp_path: Path, *options: str) -> str:
    """The world of db_helpers billed for 2012-11; the run's summary line."""
    run = lambda *args: _ok(cli(url, *options, *args))  # noqa: E731
    run("tariffs", "load", TARIFFS)
    run("agencies", "import", write(tmp_path, "agencies.toml", WORLD_AGENCIES))
    run("volumes", "import", write_volumes(tmp_path, "2012-11.csv", WORLD_VOLUMES["2012-11"]))
    return flat(run("run", "2012-11", "--date", "2012-12-05").stdout)


@pytest.fixture
def roles(postgres_admin):
    """deploy/postgresql/roles.sql run by the superuser; dropped afterwards."""
    with postgres_admin.connect() as connection:
        for statement in _statements(DEPLOY / "roles.sql"):
            connection.exec_driver_sql(statement)
    try:
        yield postgres_admin
    finally:
        with postgres_admin.connect() as connection:
            connection.exec_driver_sql("DROP DATABASE IF EXISTS billing WITH (FORCE)")
            connection.exec_driver_sql("DROP ROLE IF EXISTS billing_app")
            connection.exec_driver_sql("DROP ROLE IF EXISTS billing_owner")


def test_a_month_runs_as_the_application_role_with_data_privileges_only(roles, tmp_path):
    owner_url, app_url = _url(roles, "billing_owner", "billing"), _url(roles, "billing_app", "billing")
    owner = sa.create_engine(owner_url)
    try:
        with owner.begin() as connection:
            for statement in _statements(DEPLOY / "grants.sql"):
                connection.exec_driver_sql(statement)
    finally:
        owner.dispose()
    # Before the owner has migrated, the application cannot start.
    refused = cli(app_url, "--no-auto-upgrade", "tariffs", "load", TARIFFS)
    assert refused.exit_code == 1
    assert "automatic upgrade is off: run 'billing db upgrade'" in flat(refused.stderr)
    assert "Created the schema" in _ok(cli(owner_url, "db", "upgrade")).stdout

    # 4048 + 19715 + 8990 = 32753 kronor payable (worked out in test_billing_run).
    summary = _bill_november(app_url, tmp_path, "--no-auto-upgrade")
    assert "3 invoices issued for 2012-11, numbers 1-3, total payable 32 753,00 SEK." in summary
    app = lambda *args: _ok(cli(app_url, "--no-auto-upgrade", *args))  # noqa: E731
    app("audit", "2012-11")  # exit 0: every check passed
    assert "Kreditfaktura" in flat(app("credit", "2", "--reason", "Fel mottagare", "--date", "2012-12-10").stdout)
    assert "4 documents verified" in flat(app("verify").stdout)
    app("export", "sie", "2012-11", "--by", "period", "--out", tmp_path / "ledger.se")
    assert (tmp_path / "ledger.se").read_bytes().count(b"#VER ") == 4
    app("invoices", "pdf", "2012-11", "--out", tmp_path / "pdf")
    assert len(list((tmp_path / "pdf").iterdir())) == 4
    assert "run" in flat(app("log").stdout)
    # Data privileges only: no DDL, and so no migration, as the application role.
    application = sa.create_engine(app_url)
    try:
        with pytest.raises(ProgrammingError, match="permission denied for schema public"):
            with application.begin() as connection:
                connection.exec_driver_sql("CREATE TABLE intruder (id integer)")
        with pytest.raises(ProgrammingError, match="must be owner of table invoices"):
            with application.begin() as connection:
                connection.exec_driver_sql("ALTER TABLE invoices ADD COLUMN note text")
    finally:
        application.dispose()


def _pg_tool(name: str, *args: str, stdin=None, stdout=None) -> None:
    """A PostgreSQL client program of the server's own version, as the
    postgres system user when run as root (like the server itself)."""
    bindir = find_pg_bindir()
    assert bindir is not None
    subprocess.run([str(bindir / name), *args], stdin=stdin, stdout=stdout, cwd="/", check=True,
                   timeout=120, **_run_as())


def test_a_database_restored_from_a_dump_verifies(postgres_admin, tmp_path):
    source, restored = (f"backup_{next(_numbers)}", f"restored_{next(_numbers)}")
    with postgres_admin.connect() as connection:
        connection.exec_driver_sql(f"CREATE DATABASE {source}")
        connection.exec_driver_sql(f"CREATE DATABASE {restored}")
    try:
        url = _url(postgres_admin, "postgres", source)
        _bill_november(url, tmp_path)
        _ok(cli(url, "credit", "1", "--reason", "Dubbelfakturerad", "--date", "2012-12-10"))
        before = flat(_ok(cli(url, "verify")).stdout)
        head = re.search(r"Journal head, link \d+ \(keep it outside the database[^)]*\): ([0-9a-f]{64})",
                         before).group(1)
        listing = _ok(cli(url, "invoices", "list")).stdout

        server = ["-h", postgres_admin.url.host, "-p", str(postgres_admin.url.port), "-U", "postgres"]
        dump = tmp_path / "billing.dump"
        with dump.open("wb") as out:  # written by this process: the postgres user needs no access
            _pg_tool("pg_dump", "-Fc", *server, "-d", source, stdout=out)
        with dump.open("rb") as archive:
            _pg_tool("pg_restore", "--no-owner", "--exit-on-error", *server, "-d", restored, stdin=archive)

        copy = _url(postgres_admin, "postgres", restored)
        verified = _ok(cli(copy, "--no-auto-upgrade", "verify"))
        assert "4 documents verified: every seal and the chain are intact." in flat(verified.stdout)
        assert f"{head}" in flat(verified.stdout)
        # The head kept outside the database pins the restored copy too.
        assert "Pinned head found" in flat(_ok(cli(copy, "--no-auto-upgrade", "verify", "--expect-head",
                                                   head)).stdout)
        assert _ok(cli(copy, "--no-auto-upgrade", "invoices", "list")).stdout == listing
        # The restored copy carries on where the original stopped: the next number is 5.
        rerun = _ok(cli(copy, "--no-auto-upgrade", "run", "2012-11", "--date", "2012-12-20"))
        assert "2012-11 is already billed" in flat(rerun.stdout)
        credit = _ok(cli(copy, "--no-auto-upgrade", "credit", "2", "--reason", "Test", "--date", "2012-12-21"))
        assert "Credit note 5 issued for invoice 2." in flat(credit.stdout)
    finally:
        with postgres_admin.connect() as connection:
            for name in (source, restored):
                connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
