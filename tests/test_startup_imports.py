"""Issue 14, W1: a command loads only what it uses. ``billing --help`` and the
monthly run must not pay for the PDF library, XML, workbooks, templates,
the validator or Alembic; each is loaded by the command that needs it.

Guarded structurally, not by the clock: a fresh interpreter runs the command
and reports which of those packages ended up in ``sys.modules``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from sqlalchemy.orm import Session

from billing.persistence import database
from db_helpers import load_world

# The libraries that only some commands use (issue 14: "import only what a command needs").
HEAVY = ("fpdf", "fontTools", "lxml", "openpyxl", "jinja2", "saxonche", "alembic", "PIL")
# Not needed to build the command line nor to print its help.
NOT_FOR_HELP = HEAVY + ("sqlalchemy", "pydantic", "pydantic_settings", "babel", "psycopg", "stdnum",
                        "billing.persistence", "billing.services")

_PROBE = """
import json, sys
sys.argv = ["billing", *json.loads(sys.argv[1])]
from billing.cli.app import main
try:
    main()
except SystemExit:
    pass
sys.stdout.flush()
print("\\nLOADED=" + json.dumps(sorted({name.split(".")[0] for name in sys.modules}
                                      | {name for name in sys.modules if name.startswith("billing.")})))
"""


def loaded_by(*arguments: str, cwd=None) -> set[str]:
    """The top-level packages (and billing's modules) a fresh ``billing ARGS`` has loaded."""
    done = subprocess.run([sys.executable, "-c", _PROBE, json.dumps(arguments)], capture_output=True,
                          text=True, cwd=cwd, env={**os.environ, "COLUMNS": "120"}, check=True)
    marker = done.stdout.rindex("LOADED=")
    return set(json.loads(done.stdout[marker + len("LOADED="):]))


def _present(loaded: set[str], names) -> list[str]:
    return [name for name in names if name in loaded]


def test_building_the_command_line_loads_no_library_a_command_may_not_need():
    done = subprocess.run([sys.executable, "-c", "import sys, json, billing.cli.app; "
                           "print(json.dumps(sorted(sys.modules)))"], capture_output=True, text=True,
                          check=True)
    modules = set(json.loads(done.stdout))
    assert [n for n in NOT_FOR_HELP if n in modules or any(m.startswith(n + ".") for m in modules)] == []


def test_help_loads_no_database_layer_nor_output_library(tmp_path):
    loaded = loaded_by("--help", cwd=tmp_path)
    assert _present(loaded, NOT_FOR_HELP) == []
    # The help was printed in full: the last panel is there.
    assert "billing.cli.app" in loaded


def test_the_monthly_run_loads_neither_pdf_xml_workbooks_templates_nor_alembic(tmp_path):
    url = f"sqlite:///{tmp_path}/billing.sqlite"
    engine = database.create_engine_for(url)
    database.upgrade(engine)
    with Session(engine) as session, session.begin():
        load_world(session, tmp_path, months=("2012-11",))
    engine.dispose()
    loaded = loaded_by("--database-url", url, "run", "2012-11", "--date", "2012-12-08", cwd=tmp_path)
    assert "billing.services.billing_run" in loaded  # it did run
    assert _present(loaded, HEAVY) == []
    # Nor the settings' validation (no variable, no config file here), the
    # file readers' models, or Babel's locale data (the total is written without it).
    assert _present(loaded, ("pydantic", "pydantic_settings", "babel", "billing.files")) == []
    # Nor the module of any other command: the command line builds only the one that runs.
    assert _command_modules(loaded) == {"billing.cli.billing_commands"}


def _command_modules(loaded: set[str]) -> set[str]:
    """The modules of the registry's commands among ``loaded``."""
    from billing.cli.app import COMMANDS
    return {entry.target.split(":")[0] for entry in COMMANDS} & loaded


def test_help_builds_no_command(tmp_path):
    assert _command_modules(loaded_by("--help", cwd=tmp_path)) == set()


@pytest.mark.parametrize("command, modules", [
    (("config",), {"billing.cli.config_command"}),
    (("db", "--help"), {"billing.cli.control_commands"}),
    (("invoice", "--help"), {"billing.cli.pdf_commands", "billing.cli.billing_commands"}),
    # One group gathers the receiving systems' commands from their modules.
    (("export", "--help"), {"billing.cli.export_commands", "billing.cli.einvoice_commands",
                            "billing.cli.receivables_commands"}),
])
def test_a_command_builds_its_own_modules_only(tmp_path, command, modules):
    assert _command_modules(loaded_by(*command, cwd=tmp_path)) == modules


def test_the_settings_need_no_pydantic_when_there_is_nothing_to_read(tmp_path, monkeypatch):
    """No BILLING_* variable and no config file: the values are the defaults
    and the options, as the validating model would find them."""
    from billing import settings as module
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(module, "SYSTEM_CONFIG_FILE", tmp_path / "etc" / "billing.toml")
    for name in [name for name in os.environ if name.upper().startswith("BILLING_")]:
        monkeypatch.delenv(name)
    options = {"database_url": "sqlite:///x.sqlite", "auto_upgrade": False, "log_level": "INFO"}
    quick = module.load_settings(**options)
    assert module._nothing_to_read() and module._plainly_valid(options)
    checked = module._validated(options)
    assert (quick.settings, quick.origins) == (checked.settings, checked.origins)
    assert quick.origins == {"database_url": "command line", "centre": "default",
                             "auto_upgrade": "command line", "log_level": "command line"}
    # A variable that is no setting changes nothing (the tests' own BILLING_TEST_DATABASES).
    monkeypatch.setenv("BILLING_TEST_SOMETHING", "x")
    assert module._nothing_to_read()
    # A value not of its type, or a setting's variable, takes the validating path.
    assert not module._plainly_valid({"log_level": "info"})
    assert module.load_settings(log_level="info").settings.log_level == "INFO"
    monkeypatch.setenv("billing_auto_upgrade", "false")
    assert not module._nothing_to_read()
    assert module.load_settings().settings.auto_upgrade is False


def test_a_schema_at_the_head_is_recognised_without_alembic(tmp_path):
    """The cheap check before every command agrees with Alembic on the newest revision."""
    from alembic.script import ScriptDirectory
    assert database.shipped_head() == ScriptDirectory.from_config(database.alembic_config()).get_current_head()


@pytest.mark.parametrize("stored, at_head", [("head", True), ("0001", False), (None, False)])
def test_the_cheap_check_finds_the_stored_revision(tmp_path, stored, at_head):
    engine = database.create_engine_for(f"sqlite:///{tmp_path}/b.sqlite")
    if stored is not None:
        database.migrate(engine, revision=stored)
    assert database._current_at_head(engine) is at_head
    engine.dispose()


def test_the_settings_name_the_centre_file_the_reader_defaults_to():
    from billing.files.centre_file import DEFAULT_CENTRE_FILE
    from billing.settings import DEFAULT_CENTRE_FILE as named, Settings
    assert named == DEFAULT_CENTRE_FILE and named.exists()
    assert Settings.model_fields["centre"].default == DEFAULT_CENTRE_FILE
