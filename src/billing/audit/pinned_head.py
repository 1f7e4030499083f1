"""A journal head kept outside the database, and what it means for it to match.

The chain is keyless, so a rewrite that recomputes every seal verifies clean
from the database alone; a head noted elsewhere catches it, because the
rewritten chain no longer has that seal where it stood. New actions after the
head was noted extend the chain legitimately, so the head is not required to
be the newest link:

- a head file (``billing verify --write-head FILE``, files/head_file.py) records
  the head's seal and position (the number of links then): it matches when the link at that
  position has that seal, and every link after it is counted as written since;
- a bare seal (``--expect-head HEX``) matches the link that has it, wherever it
  stands, or else the seal of a document (the documents' chain head that
  `billing verify` printed before the journal existed).

Either way the chain up to the matched link is then exactly the one the head
was taken from: each seal covers everything linked before it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from billing.audit.journal import ChainLink
from billing.errors import DataError

SEAL = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True, slots=True)
class PinnedHead:
    seal: str  # "" for the head of an empty journal
    position: int | None = None  # links in the journal when it was noted; None for a bare seal
    written_at: str | None = None
    documents: int | None = None


@dataclass(frozen=True, slots=True)
class HeadMatch:
    pinned: PinnedHead
    found: bool
    message: str
    since: int = 0  # links (documents, for a document's seal) written after the pinned head


def parse_seal(text: str, field: str = "pinned_head") -> str:
    seal = text.strip().lower()
    if not SEAL.fullmatch(seal):
        raise DataError.single(f"not a seal (64 hexadecimal digits) or @FILE: {text!r}", field=field)
    return seal


def match_pinned(pinned: PinnedHead, links: Sequence[ChainLink],
                 document_seals: Sequence[tuple[int, str]]) -> HeadMatch:
    """``links`` by position; ``document_seals`` (number, seal) by number."""
    last = links[-1].position if links else 0
    if pinned.position is not None:
        return _at_position(pinned, pinned.position, links, last)
    at = next((link for link in links if link.seal == pinned.seal), None)
    if at is not None:
        return HeadMatch(pinned, True, f"the pinned head is journal link {at.position}; "
                                       f"{last - at.position} link(s) written since", last - at.position)
    numbers = [number for number, seal in document_seals if seal == pinned.seal]
    if numbers:
        later = sum(1 for number, _ in document_seals if number > numbers[0])
        return HeadMatch(pinned, True, f"the pinned head is the seal of document {numbers[0]}; "
                                       f"{later} document(s) issued since", later)
    return HeadMatch(pinned, False, f"the pinned head {pinned.seal[:12]} is no link of the journal and no "
                                    "document's seal: the chain was rewritten, or the head is another "
                                    "database's")


def _at_position(pinned: PinnedHead, position: int, links: Sequence[ChainLink], last: int) -> HeadMatch:
    noted = f" (noted {pinned.written_at})" if pinned.written_at else ""
    if position == 0:
        return HeadMatch(pinned, True, f"the pinned head is the empty journal{noted}; {last} link(s) "
                                       "written since", last)
    link = next((link for link in links if link.position == position), None)
    if link is None:
        return HeadMatch(pinned, False, f"the pinned head{noted} is journal link {position}, but the "
                                        f"journal has no link {position} (it ends at {last}): links removed")
    if link.seal != pinned.seal:
        return HeadMatch(pinned, False, f"journal link {position} is {link.seal[:12]}, not the pinned head "
                                        f"{pinned.seal[:12]}{noted}: the chain up to it was rewritten")
    return HeadMatch(pinned, True, f"the pinned head{noted} is journal link {position}; {last - position} "
                                   "link(s) written since", last - position)
