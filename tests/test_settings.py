"""Settings from one place: option, then BILLING_* variable, then ./billing.toml,
the user's and the system's config file, then the default; and ``billing config``,
which shows them with their origin, passwords masked, and the database in use.

Every test starts from no setting at all (conftest: no BILLING_* variable, an
empty XDG_CONFIG_HOME, the system file moved to a temporary directory)."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

import pytest
from typer.testing import CliRunner

import billing.settings
from billing.errors import BillingError
from billing.files.centre_file import DEFAULT_CENTRE_FILE
from billing.settings import load_settings
from helpers_cli import flat


@pytest.fixture
def places(tmp_path, monkeypatch):
    """The three config files of this test, and a working directory."""
    work, user, system = tmp_path / "work", tmp_path / "xdg", tmp_path / "etc"
    for folder in (work, user / "billing", system):
        folder.mkdir(parents=True)
    monkeypatch.chdir(work)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(user))
    monkeypatch.setattr(billing.settings, "SYSTEM_CONFIG_FILE", system / "billing.toml")
    return {"local": work / "billing.toml", "user": user / "billing" / "billing.toml",
            "system": system / "billing.toml"}


def _config(path: Path, **values: str) -> Path:
    path.write_text("".join(f"{name} = {value}\n" for name, value in values.items()), encoding="utf-8")
    return path


def _invoke(*args: str, env: dict[str, str] | None = None):
    from billing.cli.app import app
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "250", **(env or {})})


def test_nothing_set_gives_the_defaults(places):
    effective = load_settings()
    assert effective.settings.database_url == "sqlite:///billing.sqlite"
    assert effective.settings.centre == DEFAULT_CENTRE_FILE
    assert effective.settings.auto_upgrade is True
    assert effective.settings.log_level == "WARNING"
    assert set(effective.origins.values()) == {"default"}


def test_each_source_wins_over_the_ones_after_it(places, monkeypatch):
    _config(places["system"], database_url='"sqlite:///system.sqlite"', log_level='"ERROR"',
            auto_upgrade="false", centre='"system-centre.toml"')
    _config(places["user"], database_url='"sqlite:///user.sqlite"', log_level='"INFO"',
            auto_upgrade="true")
    _config(places["local"], database_url='"sqlite:///local.sqlite"', log_level='"DEBUG"')
    monkeypatch.setenv("BILLING_DATABASE_URL", "sqlite:///env.sqlite")

    effective = load_settings(database_url="sqlite:///option.sqlite")
    s, origins = effective.settings, effective.origins
    assert (s.database_url, origins["database_url"]) == ("sqlite:///option.sqlite", "command line")
    assert (s.log_level, origins["log_level"]) == ("DEBUG", str(places["local"]))
    assert (s.auto_upgrade, origins["auto_upgrade"]) == (True, str(places["user"]))
    # Relative to the file that names it.
    assert (s.centre, origins["centre"]) == (places["system"].parent / "system-centre.toml",
                                             str(places["system"]))

    without_option = load_settings()
    assert without_option.settings.database_url == "sqlite:///env.sqlite"
    assert without_option.origins["database_url"] == "BILLING_DATABASE_URL"
    monkeypatch.delenv("BILLING_DATABASE_URL")
    assert load_settings().settings.database_url == "sqlite:///local.sqlite"
    places["local"].unlink()
    assert load_settings().settings.database_url == "sqlite:///user.sqlite"
    places["user"].unlink()
    assert load_settings().settings.database_url == "sqlite:///system.sqlite"


def test_the_user_file_is_under_xdg_config_home_else_dot_config(places, monkeypatch, tmp_path):
    monkeypatch.delenv("XDG_CONFIG_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    user_file = tmp_path / "home" / ".config" / "billing" / "billing.toml"
    user_file.parent.mkdir(parents=True)
    _config(user_file, auto_upgrade="false")
    effective = load_settings()
    assert effective.settings.auto_upgrade is False
    assert effective.origins["auto_upgrade"] == str(user_file)


def test_environment_values_are_read_as_their_type(places, monkeypatch):
    monkeypatch.setenv("BILLING_AUTO_UPGRADE", "false")
    monkeypatch.setenv("BILLING_LOG_LEVEL", "info")
    monkeypatch.setenv("BILLING_CENTRE", "my-centre.toml")
    monkeypatch.setenv("BILLING_DATABASE_URL", "")  # empty is not set
    effective = load_settings()
    assert effective.settings.auto_upgrade is False
    assert effective.settings.log_level == "INFO"
    assert effective.settings.centre == Path("my-centre.toml")
    assert effective.origins == {"database_url": "default", "centre": "BILLING_CENTRE",
                                 "auto_upgrade": "BILLING_AUTO_UPGRADE", "log_level": "BILLING_LOG_LEVEL"}


def test_a_bad_config_file_is_named(places, monkeypatch):
    _config(places["user"], database="\"sqlite:///x.sqlite\"")
    with pytest.raises(BillingError, match=r"billing\.toml: unknown setting database \(known: database_url"):
        load_settings()
    _config(places["user"], auto_upgrade='"perhaps"')
    with pytest.raises(BillingError, match=rf"auto_upgrade \(from {places['user']}\)"):
        load_settings()
    places["user"].write_text("auto_upgrade = \n", encoding="utf-8")
    with pytest.raises(BillingError, match=rf"{places['user']}: not a readable TOML file"):
        load_settings()
    places["user"].unlink()
    monkeypatch.setenv("BILLING_LOG_LEVEL", "loud")
    with pytest.raises(BillingError, match=r"log_level \(from BILLING_LOG_LEVEL\)"):
        load_settings()


def test_a_bad_setting_is_one_line_and_exit_1(places):
    _config(places["local"], auto_upgrade='"perhaps"')
    result = _invoke("invoices", "list")
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "bad setting: auto_upgrade (from" in result.stderr
    assert "Traceback" not in result.output


def test_config_shows_values_origins_and_the_database_with_the_password_masked(places):
    _config(places["user"], auto_upgrade="false")
    result = _invoke("--database-url", "postgres://billing_app:s3cret@db.example:5433/billing", "config",
                     env={"BILLING_LOG_LEVEL": "ERROR"})
    assert result.exit_code == 0, result.output
    assert "s3cret" not in result.output
    assert result.stdout.splitlines() == [
        'database_url = "postgres://billing_app:***@db.example:5433/billing"  # command line',
        f'centre = "{DEFAULT_CENTRE_FILE}"  # default',
        f"auto_upgrade = false  # {places['user']}",
        'log_level = "ERROR"  # BILLING_LOG_LEVEL',
        f"# config files, first wins: {places['local']} (none), {places['user']}, "
        f"{places['system']} (none)",
        "# database in use: PostgreSQL database billing on db.example:5433 as billing_app"]


def test_config_names_a_missing_sqlite_file_and_creates_nothing(places):
    result = _invoke("config")
    assert result.exit_code == 0, result.output
    path = places["local"].parent / "billing.sqlite"
    assert result.stdout.splitlines()[-1] == (
        f"# database in use: SQLite file {path} (not created yet: 'billing db upgrade' creates it)")
    assert not path.exists()


def test_the_centre_setting_reaches_the_exports(places, tmp_path):
    """A centre file from billing.toml: the SIE export books on its accounts."""
    from db_helpers import TARIFFS, WORLD_AGENCIES, WORLD_VOLUMES, write, write_volumes

    own = DEFAULT_CENTRE_FILE.read_text(encoding="utf-8").replace('receivables = "1510"',
                                                                  'receivables = "1519"')
    (places["local"].parent / "own-centre.toml").write_text(own, encoding="utf-8")
    _config(places["local"], centre='"own-centre.toml"')
    for args in (("tariffs", "load", str(TARIFFS)),
                 ("agencies", "import", str(write(tmp_path, "agencies.toml", WORLD_AGENCIES))),
                 ("volumes", "import", str(write_volumes(tmp_path, "v.csv", WORLD_VOLUMES["2012-11"]))),
                 ("run", "2012-11", "--date", "2012-12-05"),
                 ("export", "sie", "2012-11", "--by", "period", "--out", "ledger.se")):
        assert _invoke(*args).exit_code == 0, args
    ledger = (places["local"].parent / "ledger.se").read_bytes().decode("cp437")
    assert "#TRANS 1519 " in ledger
    assert "#TRANS 1510 " not in ledger


def test_version():
    result = _invoke("--version")
    assert result.exit_code == 0
    assert result.stdout == f"billing {version('billing')}\n"
