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
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args, get_type_hints

from billing.errors import BillingError
from billing.persistence.database import DEFAULT_URL, describe, engine_url, mask_url, sqlite_file

if TYPE_CHECKING:
    from pydantic_settings import BaseSettings

# files/centre_file.DEFAULT_CENTRE_FILE, named here without importing the
# centre's reader (pydantic models, the agencies file) into every command.
DEFAULT_CENTRE_FILE = Path(__file__).resolve().parent / "config" / "centre.toml"
ENV_PREFIX = "BILLING_"
CONFIG_NAME = "billing.toml"
SYSTEM_CONFIG_FILE = Path("/etc/billing") / CONFIG_NAME
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]


@dataclass(frozen=True)
class Values:
    """The settings every command reads, with their defaults. A new setting
    is a field here; ``Settings`` (the validating model) is made from them."""

    database_url: str = DEFAULT_URL
    centre: Path = DEFAULT_CENTRE_FILE
    # Convenient for the embedded SQLite file; production sets it false and
    # migrates with 'billing db upgrade' as the schema's owner.
    auto_upgrade: bool = True
    log_level: LogLevel = "WARNING"


NAMES = tuple(field.name for field in fields(Values))


def config_files() -> list[Path]:
    """Where config files are looked for, the one that wins first."""
    user_dir = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return [Path.cwd() / CONFIG_NAME, Path(user_dir) / "billing" / CONFIG_NAME, SYSTEM_CONFIG_FILE]


def __getattr__(name: str):
    # billing.settings.Settings: the pydantic model, made on first use only.
    if name == "Settings":
        return _pydantic()[0]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@cache
def _pydantic() -> tuple[type[BaseSettings], type]:
    """The validating model of ``Values`` (pydantic-settings, reading the
    option, the environment and the config files) and its config-file source.
    Loaded only when there is a variable or a file to read: its imports take
    about 0.15 s, a third of a monthly run."""
    from pydantic import create_model, field_validator
    from pydantic_settings import (BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict,
                                   TomlConfigSettingsSource)

    class _Base(BaseSettings):
        model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_ignore_empty=True,
                                          extra="forbid", frozen=True)

        @field_validator("log_level", mode="before", check_fields=False)
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

    types = get_type_hints(Values)
    model = create_model("Settings", __base__=_Base,
                         **{field.name: (types[field.name], field.default) for field in fields(Values)})
    return model, _ConfigFile


@dataclass(frozen=True)
class EffectiveSettings:
    """The settings and, for each, where its value came from."""

    settings: Values
    origins: dict[str, str]

    def rows(self) -> list[tuple[str, str, str]]:
        """(name, value as it may be shown, where it came from): no password."""
        s = self.settings
        shown = {"database_url": mask_url(s.database_url), "centre": str(s.centre),
                 "auto_upgrade": str(s.auto_upgrade).lower(), "log_level": s.log_level}
        return [(name, shown[name], self.origins[name]) for name in NAMES]

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
    if _nothing_to_read() and _plainly_valid(given):
        # What the model would find, without loading pydantic: the usual case.
        return EffectiveSettings(Values(**given), {name: "command line" if name in given else "default"
                                                   for name in NAMES})
    return _validated(given)


def _nothing_to_read() -> bool:
    """No variable of a setting (BILLING_DATABASE_URL ..., in any case, as
    pydantic-settings reads them; even empty) and no config file."""
    variables = {f"{ENV_PREFIX}{name}".upper() for name in NAMES}
    return (not any(name.upper() in variables for name in os.environ)
            and not any(path.is_file() for path in config_files()))


def _plainly_valid(given: dict[str, Any]) -> bool:
    """Each value already of its setting's type, as the command line gives them."""
    types = {"database_url": str, "centre": Path, "auto_upgrade": bool}
    return all(value in get_args(LogLevel) if name == "log_level"
               else name in types and isinstance(value, types[name]) for name, value in given.items())


def _validated(given: dict[str, Any]) -> EffectiveSettings:
    """Through pydantic-settings: option, environment, config files, each checked."""
    from pydantic import ValidationError
    from pydantic_settings import EnvSettingsSource, InitSettingsSource
    model, config_file = _pydantic()
    layers: list[tuple[str, dict[str, Any]]] = [
        ("command line", InitSettingsSource(model, given)()),
        ("environment", EnvSettingsSource(model, env_prefix=ENV_PREFIX, env_ignore_empty=True)()),
        *((str(path), config_file(model, path)()) for path in config_files())]
    origins: dict[str, str] = {}
    for name in NAMES:
        where = next((label for label, values in layers if name in values), "default")
        origins[name] = f"{ENV_PREFIX}{name.upper()}" if where == "environment" else where
    try:
        settings = model(**given)
    except ValidationError as error:
        problems = [f"{'.'.join(map(str, e['loc']))} (from {origins.get(str(e['loc'][0]), '?')}): "
                    f"{e['msg']}" for e in error.errors()]
        raise BillingError("bad setting: " + "; ".join(problems)) from None
    return EffectiveSettings(Values(**{name: getattr(settings, name) for name in NAMES}), origins)
