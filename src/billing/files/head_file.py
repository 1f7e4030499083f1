"""The head file: a journal head kept outside the database, written by
``billing verify --write-head FILE`` and read back by ``--expect-head @FILE``.

One JSON object on one line, keys sorted: ``head`` (the newest link's seal),
``links`` (its position: the number of links then), ``documents`` (how many
documents were stored then) and ``written_at`` (UTC). What it means for the
head to match is billing.audit.pinned_head's.
"""

from __future__ import annotations

import json
from pathlib import Path

from billing.audit.journal import JournalHead
from billing.audit.pinned_head import SEAL, PinnedHead
from billing.errors import DataError

KEYS = {"head", "links", "documents", "written_at"}


def head_file_text(head: JournalHead, documents: int, written_at: str) -> str:
    return json.dumps({"head": head.seal, "links": head.position, "documents": documents,
                       "written_at": written_at}, sort_keys=True) + "\n"


def read_head_file(path: Path) -> PinnedHead:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise DataError.single(f"cannot read the head file: {error}", file=str(path)) from None
    return parse_head_file(text, str(path))


def parse_head_file(text: str, file: str) -> PinnedHead:
    try:
        data = json.loads(text)
    except ValueError as error:
        raise DataError.single(f"not a head file written by 'billing verify --write-head' ({error})",
                               file=file) from None
    if not isinstance(data, dict) or set(data) != KEYS:
        raise DataError.single(f"a head file has exactly the keys {', '.join(sorted(KEYS))}", file=file)
    links, documents = data["links"], data["documents"]
    for key, value in (("links", links), ("documents", documents)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise DataError.single(f"not a whole number of at least 0: {value!r}", file=file, field=key)
    seal = str(data["head"]).lower()
    if not (SEAL.fullmatch(seal) or (links == 0 and seal == "")):
        raise DataError.single(f"not a seal (64 hexadecimal digits): {data['head']!r}", file=file, field="head")
    return PinnedHead(seal, links, str(data["written_at"]), documents)
