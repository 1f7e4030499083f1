"""The system's Chromium for the browser tests: skipped where it is missing,
except in CI, where `.ci/run` installs it and its absence is a failure."""

from __future__ import annotations

import os
import shutil

import pytest


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        message = "Chromium not found (Debian: apt-get install chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true: {message}", pytrace=False)
        pytest.skip(message)
    return found
