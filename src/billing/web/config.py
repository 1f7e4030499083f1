"""What the web application is made with, carried to uvicorn's worker
processes through the environment (the settings' own variables)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from billing.settings import load_settings

SECURE_COOKIES = "BILLING_WEB_SECURE_COOKIES"


@dataclass(frozen=True)
class AppConfig:
    database_url: str
    centre: Path
    auto_upgrade: bool = True
    # The session cookie is sent only over HTTPS (browsers treat localhost as secure).
    secure_cookies: bool = True

    def export_to_environment(self) -> None:
        os.environ.update(BILLING_DATABASE_URL=self.database_url, BILLING_CENTRE=str(self.centre),
                          BILLING_AUTO_UPGRADE=str(self.auto_upgrade).lower(),
                          **{SECURE_COOKIES: str(self.secure_cookies).lower()})

    @classmethod
    def from_environment(cls) -> "AppConfig":
        settings = load_settings().settings
        return cls(settings.database_url, settings.centre, settings.auto_upgrade,
                   os.environ.get(SECURE_COOKIES, "true").lower() != "false")
