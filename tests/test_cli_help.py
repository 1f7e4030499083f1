"""The command line as a person meets it: help grouped by workflow and readable
at 80 columns, ``--version``, and ``--verbose`` / BILLING_LOG_LEVEL logging what
a command does to stderr."""

from __future__ import annotations

import re

import click
import pytest
from typer.main import get_command
from typer.testing import CliRunner

from billing.cli.app import app
from db_helpers import TARIFFS
from helpers_cli import cli, flat

PANELS = ["Monthly run", "Corrections", "Outputs", "Receivables and payments", "Pricing",
          "Audit and control", "Data and setup"]


def _help(*args: str) -> str:
    result = CliRunner().invoke(app, [*args, "--help"], env={"COLUMNS": "80", "TERM": "dumb"})
    assert result.exit_code == 0, result.output
    return result.stdout


def _every_command(group: click.Group, path: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        yield (*path, name)
        if isinstance(command, click.Group):
            yield from _every_command(command, (*path, name))


def test_the_top_help_lists_every_command_once_in_panels_in_the_order_of_the_work():
    text = _help()
    titles = re.findall(r"╭─ (.+?) ─", text)
    assert titles == ["Options", *PANELS]
    listed = re.findall(r"^│ ([a-z][a-z-]*) {2,}", text, flags=re.MULTILINE)
    commands = [name for name in get_command(app).commands]
    assert sorted(listed) == sorted(commands)
    assert len(listed) == len(set(listed))
    monthly = text[text.index("Monthly run"):text.index("Corrections")]
    assert [n for n in ("volumes", "passthrough", "run", "invoices") if f"│ {n} " in monthly] == [
        "volumes", "passthrough", "run", "invoices"]


@pytest.mark.parametrize("path", [(), *_every_command(get_command(app))], ids=" ".join)
def test_every_help_fits_80_columns_without_type_noise(path):
    text = _help(*path)
    assert max(len(line.rstrip()) for line in text.splitlines()) <= 80
    assert not re.search(r"<(bool|str|int|path|float|Decimal)>", text)
    assert "[default: None]" not in text
    assert "…" not in text  # nothing cut off


def test_run_help_reads_as_written():
    text = _help("run")
    assert "Usage: root run [OPTIONS] YYYY-MM" in text or "run [OPTIONS] YYYY-MM" in text
    assert re.search(r"│ --show +Print every invoice in full\. +│", text)
    assert "--no-show" not in text
    assert re.search(r"│ --dry-run +Show what the run would issue; write nothing\. +│", text)


def test_verbose_logs_the_database_and_each_step_to_stderr(database_url):
    created = cli(database_url, "--verbose", "db", "upgrade")
    assert created.exit_code == 0, created.output
    log = created.stderr
    kind = "SQLite file" if database_url.startswith("sqlite") else "PostgreSQL database"
    assert re.search(rf"INFO billing\.cli: database: {kind} ", log)
    assert re.search(r"INFO billing\.persistence\.database: upgrading the schema from empty to \d{4} \(", log)
    assert "Running upgrade  -> 0001" in log  # alembic's own step

    loaded = cli(database_url, "-v", "tariffs", "load", TARIFFS)
    assert loaded.exit_code == 0
    assert re.search(r"INFO billing\.cli: \S+ tariffs load: committed in [\d.]+ s: TariffLoad\("
                     r"services_added=37 list, added=3 list, replaced=0 list, unchanged=0 list\)",
                     loaded.stderr), loaded.stderr
    assert "Catalogue: 37 new services" in flat(loaded.stdout)  # the output itself is unchanged


def test_the_log_level_comes_from_the_environment_too_and_is_quiet_by_default(engine, database_url,
                                                                             monkeypatch):
    assert cli(database_url, "tariffs", "list").stderr == ""
    monkeypatch.setenv("BILLING_LOG_LEVEL", "info")
    listed = cli(database_url, "tariffs", "list")
    assert re.search(r"INFO billing\.cli: \S+ tariffs list: read in [\d.]+ s: 0 list", listed.stderr)
    assert "password" not in listed.stderr
