"""A file handed over through the web or the API, taken in by the import
service: kept in a temporary directory under its own name while it is read,
and recorded under the name it was sent with."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path, PurePath

from fastapi import Request

from billing.errors import DataError
from billing.services.events import acting_as
from billing.services.volumes import VolumeImport, import_volumes
from billing.web.database import writing
from billing.web.security import Viewer

MAX_UPLOAD = 50 * 1024 * 1024
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(name: str) -> str:
    """The file's own name without any folder, in characters a file system takes."""
    stem = _SAFE.sub("_", PurePath(name.replace("\\", "/")).name).strip("._") or "volymer.csv"
    return stem[:100]


def received_volumes(request: Request, who: Viewer, name: str, content: bytes) -> VolumeImport:
    """Volumes of an uploaded file taken in, all or nothing, as the web user."""
    if len(content) > MAX_UPLOAD:
        raise DataError.single(f"the file is larger than {MAX_UPLOAD // (1024 * 1024)} MB", file=name)
    shown = safe_name(name)
    with tempfile.TemporaryDirectory(prefix="billing-upload-") as directory:
        path = Path(directory) / shown
        path.write_bytes(content)
        with acting_as(who.user.actor), writing(request) as session:
            return import_volumes(session, path, name=f"web:{who.user.name}/{shown}",
                                  only_agency=None if who.user.is_staff else who.user.organisation_number)


def shown_rows(name: str, content: bytes, problems: dict[int, list[str]]) -> list[tuple[int, str, list[str]]]:
    """(line, text, problems) of a CSV file's lines, to show each problem
    next to its row; a workbook's rows are named by its problems only."""
    if name.lower().endswith(".xlsx"):
        return [(line, "", messages) for line, messages in sorted(problems.items())]
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")  # as the reader takes a non-UTF-8 file
    lines = text.splitlines()
    return [(number, lines[number - 1] if number <= len(lines) else "", problems.get(number, []))
            for number in range(1, min(len(lines), 1000) + 1)]
