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
from billing.plural import counted

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
    message: str  # for the controller, in Swedish
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
        return HeadMatch(pinned, True, f"det fastlagda huvudet är journallänk {at.position}; "
                                       f"sedan dess har {_links(last - at.position)} skrivits", last - at.position)
    numbers = [number for number, seal in document_seals if seal == pinned.seal]
    if numbers:
        later = sum(1 for number, _ in document_seals if number > numbers[0])
        return HeadMatch(pinned, True, f"det fastlagda huvudet är sigillet för dokument {numbers[0]}; "
                                       f"sedan dess har {counted(later, 'dokument', 'dokument')} utfärdats", later)
    return HeadMatch(pinned, False, f"det fastlagda huvudet {pinned.seal[:12]} är varken en länk i journalen "
                                    "eller ett dokuments sigill: kedjan har skrivits om, eller så hör "
                                    "huvudet till en annan databas")


def _at_position(pinned: PinnedHead, position: int, links: Sequence[ChainLink], last: int) -> HeadMatch:
    noted = f" (noterat {pinned.written_at})" if pinned.written_at else ""
    if position == 0:
        return HeadMatch(pinned, True, f"det fastlagda huvudet är den tomma journalen{noted}; sedan dess har "
                                       f"{_links(last)} skrivits", last)
    link = next((link for link in links if link.position == position), None)
    if link is None:
        return HeadMatch(pinned, False, f"det fastlagda huvudet{noted} är journallänk {position}, men "
                                        f"journalen har ingen länk {position} (den slutar vid {last}): "
                                        "länkar borttagna")
    if link.seal != pinned.seal:
        return HeadMatch(pinned, False, f"journallänk {position} är {link.seal[:12]}, inte det fastlagda "
                                        f"huvudet {pinned.seal[:12]}{noted}: kedjan fram till den har "
                                        "skrivits om")
    return HeadMatch(pinned, True, f"det fastlagda huvudet{noted} är journallänk {position}; "
                                   f"sedan dess har {_links(last - position)} skrivits", last - position)


def _links(count: int) -> str:
    return counted(count, "länk", "länkar")
