"""Writing output files all or nothing: a reader never finds half a file, and a
failed export leaves what was there before."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from billing.errors import DataError


def write_file(path: Path, data: bytes) -> Path:
    """The whole file or none: written beside the target, then renamed over it."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise DataError.single(f"cannot write there: {error.strerror or error}", file=str(path)) from None
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # as an ordinary new file, not mkstemp's 0600
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def write_files(directory: Path, files: Mapping[str, bytes] | Iterable[tuple[str, bytes]],
                what: str = "files") -> list[Path]:
    """Every file into ``directory`` (created if missing), or none.

    ``files`` are (name, content) pairs, or a mapping of them; an iterable is
    consumed one file at a time, so the contents of a batch of any size need
    never be in memory together. The files are written into a staging
    directory beside it first and moved in (one rename each) only when all are
    written; anything raised while they are made (or written) removes the
    staging directory and leaves ``directory`` as it was. Files of the same
    names are replaced; other files are left alone.
    """
    def refused(reason: object) -> DataError:
        return DataError.single(f"cannot write the {what} there: {reason}", file=str(directory))

    if directory.exists() and not directory.is_dir():
        raise refused("not a directory")
    try:
        directory.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", dir=directory.parent))
    except OSError as error:
        raise refused(error.strerror or error) from None
    names: list[str] = []
    try:
        for name, data in (files.items() if isinstance(files, Mapping) else files):
            (staging / name).write_bytes(data)
            names.append(name)
        directory.mkdir(exist_ok=True)
        for name in names:
            os.replace(staging / name, directory / name)
    except OSError as error:
        raise refused(error.strerror or error) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [directory / name for name in names]
