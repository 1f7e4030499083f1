"""The program's settings, from one place, first found wins:

1. a command-line option (``--database-url``, ``--centre``, ``--no-auto-upgrade``, ``--verbose``);
2. an environment variable: BILLING_DATABASE_URL, BILLING_CENTRE, BILLING_AUTO_UPGRADE, BILLING_LOG_LEVEL;
3. a config file: ./billing.toml, then the user's ($XDG_CONFIG_HOME or ~/.config,
   /billing/billing.toml), then the system's (/etc/billing/billing.toml);
4. the defaults below.

A config file holds the same names, e.g. ``database_url = "postgresql://…"``;
a relative ``centre`` in it is relative to the file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError, field_validator
from pydantic_settings import (BaseSettings, EnvSettingsSource, InitSettingsSource,
                               PydanticBaseSettingsSource, SettingsConfigDict,
                               TomlConfigSettingsSource)

from billing.errors import BillingError
from billing.persistence.database import DEFAULT_URL, describe, engine_url, mask_url, sqlite_file

# files/centre_file.DEFAULT_CENTRE_FILE, named here without importing the
# centre's reader (pydantic models, the agencies file) into every command.
DEFAULT_CENTRE_FILE = Path(__file__).resolve().parent / "config" / "centre.toml"
ENV_PREFIX = "BILLING_"
CONFIG_NAME = "billing.toml"
SYSTEM_CONFIG_FILE = Path("/etc/billing") / CONFIG_NAME
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]


def config_files() -> list[Path]:
    """Where config files are looked for, the one that wins first."""
    user_dir = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return [Path.cwd() / CONFIG_NAME, Path(user_dir) / "billing" / CONFIG_NAME, SYSTEM_CONFIG_FILE]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_ignore_empty=True,
                                      extra="forbid", frozen=True)

    database_url: str = DEFAULT_URL
    centre: Path = DEFAULT_CENTRE_FILE
    # Convenient for the embedded SQLite file; production sets it false and
    # migrates with 'billing db upgrade' as the schema's owner.
    auto_upgrade: bool = True
    log_level: LogLevel = "WARNING"

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings],
                                   init_settings: PydanticBaseSettingsSource,
                                   env_settings: PydanticBaseSettingsSource,
                                   dotenv_settings: PydanticBaseSettingsSource,
                                   file_secret_settings: PydanticBaseSettingsSource):
        return (init_settings, env_settings, *(_ConfigFile(settings_cls, p) for p in config_files()))


class _ConfigFile(TomlConfigSettingsSource):
    """One config file; missing is empty. Unknown names and bad TOML are errors
    naming the file, and a relative centre path is taken from the file's folder."""

    def __init__(self, settings_cls: type[BaseSettings], path: Path):
        super().__init__(settings_cls, toml_file=path)
        unknown = sorted(set(self.toml_data) - set(settings_cls.model_fields))
        if unknown:
            raise BillingError(f"{path}: unknown setting {', '.join(unknown)} (known: "
                               f"{', '.join(settings_cls.model_fields)})")

    def _read_file(self, file_path):
        try:
            data = super()._read_file(file_path)
        except (OSError, ValueError) as error:  # tomllib.TOMLDecodeError is a ValueError
            raise BillingError(f"{file_path}: not a readable TOML file: {error}") from None
        if isinstance(data.get("centre"), str):
            data["centre"] = str(Path(file_path).parent / data["centre"])
        return data


@dataclass(frozen=True)
class EffectiveSettings:
    """The settings and, for each, where its value came from."""

    settings: Settings
    origins: dict[str, str]

    def rows(self) -> list[tuple[str, str, str]]:
        """(name, value as it may be shown, where it came from): no password."""
        s = self.settings
        shown = {"database_url": mask_url(s.database_url), "centre": str(s.centre),
                 "auto_upgrade": str(s.auto_upgrade).lower(), "log_level": s.log_level}
        return [(name, shown[name], self.origins[name]) for name in Settings.model_fields]

    def database(self) -> str:
        """The database in use, in words; an SQLite file says whether it exists."""
        url = self.settings.database_url
        text, path = describe(url), sqlite_file(engine_url(url))
        if path is not None and not path.exists():
            text += " (not created yet: 'billing db upgrade' creates it)"
        return text


def load_settings(**options: Any) -> EffectiveSettings:
    """Settings with ``options`` (command-line values; None is not given) first."""
    given = {name: value for name, value in options.items() if value is not None}
    layers: list[tuple[str, dict[str, Any]]] = [
        ("command line", InitSettingsSource(Settings, given)()),
        ("environment", EnvSettingsSource(Settings, env_prefix=ENV_PREFIX, env_ignore_empty=True)()),
        *((str(path), _ConfigFile(Settings, path)()) for path in config_files())]
    origins: dict[str, str] = {}
    for name in Settings.model_fields:
        where = next((label for label, values in layers if name in values), "default")
        origins[name] = f"{ENV_PREFIX}{name.upper()}" if where == "environment" else where
    try:
        settings = Settings(**given)
    except ValidationError as error:
        problems = [f"{'.'.join(map(str, e['loc']))} (from {origins.get(str(e['loc'][0]), '?')}): "
                    f"{e['msg']}" for e in error.errors()]
        raise BillingError("bad setting: " + "; ".join(problems)) from None
    return EffectiveSettings(settings, origins)
