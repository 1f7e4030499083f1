"""Reading TOML exactly (numbers as Decimal) and locating a field's line."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from pydantic import AfterValidator, BaseModel, ValidationError

from billing.errors import DataError, Problem
from billing.files.fields import text_problem

T = TypeVar("T")


# A tariff or agency file is a few hundred kB; far larger is not one of ours,
# and is refused before it is read whole.
MAX_TOML_BYTES = 16 * 1024 * 1024


def read_toml(path: Path) -> tuple[dict[str, Any], str]:
    """The parsed document and its text; TOML floats become Decimal, never float."""
    try:
        if path.stat().st_size > MAX_TOML_BYTES:
            raise DataError.single(f"larger than {MAX_TOML_BYTES // (1024 * 1024)} MB: not a file "
                                   "of this kind", file=str(path))
        data = path.read_bytes()
    except OSError as exc:
        raise DataError.single(f"cannot read file: {exc}", file=str(path)) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError.single(f"not UTF-8 text (byte 0x{data[exc.start]:02X})", file=str(path),
                               line=data.count(b"\n", 0, exc.start) + 1) from None
    try:
        return tomllib.loads(text, parse_float=Decimal), text
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _line_from_message(str(exc), text)
        raise DataError.single(f"not valid TOML: {exc}", file=str(path), line=line) from None


def _line_from_message(message: str, text: str) -> int | None:
    match = re.search(r"line (\d+)", message)
    if match:
        return int(match.group(1))
    return text.count("\n") + 1 if "end of document" in message else None


def field_name(loc: Sequence[str | int]) -> str:
    """('agencies', 3, 'agreements', 0, 'area') -> 'agencies[3].agreements[0].area'."""
    name = ""
    for part in loc:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name


def locate(text: str, loc: Sequence[str | int]) -> int | None:
    """Best-effort 1-based line of a field in a TOML text, from its path.

    Follows ``[[array.of.tables]]`` headers by index, ``[table]`` headers, and
    finally ``key =`` lines; stops at the deepest part it can find, so an error
    points at least to its table.
    """
    lines = text.splitlines()
    start, end, found = 0, len(lines), None
    prefix: list[str] = []
    index = 0
    while index < len(loc):
        key = loc[index]
        if not isinstance(key, str):
            break
        dotted = re.escape(".".join([*prefix, key]))
        following = loc[index + 1] if index + 1 < len(loc) else None
        if isinstance(following, int):
            hits = _matches(lines, rf"^\s*\[\[\s*{dotted}\s*\]\]", start, end)
            if following < len(hits):
                start = hits[following]
                end = hits[following + 1] if following + 1 < len(hits) else end
                found, prefix, index = start + 1, [*prefix, key], index + 2
                continue
        hits = _matches(lines, rf"^\s*\[\s*{dotted}\s*\]", start, end)
        if hits:
            start, found, prefix, index = hits[0], hits[0] + 1, [*prefix, key], index + 1
            continue
        section_end = next((n for n in range(start + 1, end) if lines[n].lstrip().startswith("[")), end)
        keys = _matches(lines, rf"^\s*([\"']?){re.escape(key)}\1\s*=", start, section_end)
        if keys:
            return keys[0] + 1
        prefix, index = [*prefix, key], index + 1
    return found


def _matches(lines: list[str], pattern: str, start: int, end: int) -> list[int]:
    compiled = re.compile(pattern)
    return [n for n in range(start, end) if compiled.match(lines[n])]


def non_empty(items: T) -> T:
    """For lists that must have an item; unlike min_length, it runs only when
    every item is valid, so one bad item is not reported twice."""
    if not items:
        raise ValueError("needs at least 1 item")
    return items


NonEmpty = AfterValidator(non_empty)


def text_problems(data: Any, path: Path, text: str, loc: tuple = ()) -> list[Problem]:
    """Every string of the document, keys and values, that holds a character
    no text may hold (``fields.text_problem``): one check for every field."""
    problems = []
    if isinstance(data, str):
        problem = text_problem(data)
        if problem is not None:
            problems.append(Problem(problem, str(path), locate(text, loc), field_name(loc)))
    elif isinstance(data, dict):
        for key, value in data.items():
            problem = text_problem(key)
            if problem is not None:
                problems.append(Problem(f"key {key!r}: {problem}", str(path),
                                        locate(text, (*loc, key)), field_name((*loc, key))))
            else:
                problems += text_problems(value, path, text, (*loc, key))
    elif isinstance(data, list):
        for index, item in enumerate(data):
            problems += text_problems(item, path, text, (*loc, index))
    return problems


def validate(model: type[BaseModel], data: dict[str, Any], path: Path, text: str,
             context: Callable[[tuple], str] | None = None, check_text: bool = True) -> BaseModel:
    """Validate with pydantic; every error becomes a located Problem. Text with
    control characters anywhere in the document is refused too, unless the
    caller checks it itself (``check_text=False``)."""
    problems = text_problems(data, path, text) if check_text else []
    try:
        parsed = model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            loc = tuple(error["loc"])
            message = error["msg"]
            if context is not None:
                message = f"{context(loc)}{message}"
            problems.append(Problem(message, str(path), locate(text, loc), field_name(loc)))
    if problems:
        raise DataError(problems) from None
    return parsed
