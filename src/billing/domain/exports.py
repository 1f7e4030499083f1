"""Which issued documents an export writes.

A document sent twice is a claim made twice: an agency that receives an
invoice again in Peppol may pay it again, and a ledger that books a voucher
twice counts the receivable twice. So every export remembers, per format,
which documents it wrote, and by default writes only those not yet exported
in that format. Re-sending is asked for by name (``again``, the command's
``--all``) and is recorded like any other export.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from billing.period import Month


class ExportFormat(StrEnum):
    """A receiving system's format; a document's export state is kept per format."""

    PEPPOL = "peppol"
    PDF = "pdf"
    SIE = "sie"

    @property
    def label(self) -> str:
        """As a person names it: Peppol, PDF, SIE."""
        return _LABELS[self]


_LABELS = {ExportFormat.PEPPOL: "Peppol", ExportFormat.PDF: "PDF", ExportFormat.SIE: "SIE"}
_RANGE = re.compile(r"^(\d+)(?:\s*-\s*(\d+))?$")


@dataclass(frozen=True, slots=True, order=True)
class NumberRange:
    """Document numbers ``first`` to ``last``, both included."""

    first: int
    last: int

    def __post_init__(self) -> None:
        if not 0 < self.first <= self.last:
            raise ValueError(f"not a range of document numbers: {self.first}-{self.last}")

    def __str__(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first}-{self.last}"


def parse_numbers(text: str) -> tuple[NumberRange, ...]:
    """'12-40', '7', '12-40,45,50-52' (spaces allowed) as ranges; ValueError
    naming the part that is neither a number nor a rising range."""
    ranges = []
    for part in (p.strip() for p in text.split(",")):
        match = _RANGE.match(part)
        first, last = (int(match.group(1)), int(match.group(2) or match.group(1))) if match else (0, -1)
        if not 0 < first <= last:
            raise ValueError(f"not a document number or a range such as 12-40: {part!r}")
        ranges.append(NumberRange(first, last))
    return tuple(ranges)


def number_ranges(numbers: Iterable[int]) -> str:
    """Numbers written short, as a person would type them: '1-3, 7, 9-10'."""
    ranges: list[list[int]] = []
    for number in sorted(set(numbers)):
        if ranges and number == ranges[-1][1] + 1:
            ranges[-1][1] = number
        else:
            ranges.append([number, number])
    return ", ".join(str(NumberRange(first, last)) for first, last in ranges)


@dataclass(frozen=True, slots=True)
class DocumentChoice:
    """The documents an export is asked for: those meeting every criterion
    given; ``again`` also takes those exported in the format before."""

    billed_for: Month | None = None  # the documents of a month's run and its corrections
    issued_in: Month | None = None  # the documents dated in a month (a ledger's period)
    numbers: tuple[NumberRange, ...] = ()
    since: date | None = None  # issued on or after
    again: bool = False

    @property
    def names_documents(self) -> bool:
        """Whether any criterion is given; an export must name its documents."""
        return bool(self.billed_for or self.issued_in or self.numbers or self.since)

    @property
    def month_only(self) -> bool:
        """Asked for by the month billed and nothing else (the usual export)."""
        return self.billed_for is not None and not (self.issued_in or self.numbers or self.since)

    def described(self) -> str:
        """'issued for 2012-12', 'issued in 2013-01, numbered 12-40', 'issued on or after 2013-01-05'."""
        parts = [f"issued for {self.billed_for}" if self.billed_for else "",
                 f"issued in {self.issued_in}" if self.issued_in else "",
                 f"numbered {', '.join(map(str, self.numbers))}" if self.numbers else "",
                 f"issued on or after {self.since.isoformat()}" if self.since else ""]
        return ", ".join(part for part in parts if part)

    def arguments(self) -> dict[str, str]:
        """The choice as the event log records it."""
        given = {"period": self.billed_for, "issued_in": self.issued_in,
                 "numbers": ",".join(map(str, self.numbers)) or None,
                 "since": self.since.isoformat() if self.since else None,
                 "all": "yes" if self.again else None}
        return {name: str(value) for name, value in given.items() if value is not None}


@dataclass(frozen=True, slots=True)
class Chosen:
    """The numbers an export writes, and those it leaves out, by number."""

    numbers: tuple[int, ...]  # to write
    again: tuple[int, ...]  # of those, exported in the format before (written again on request)
    left_out: tuple[int, ...]  # exported in the format before, not written

    @property
    def candidates(self) -> int:
        return len(self.numbers) + len(self.left_out)


def choose(candidates: Sequence[int], exported: Collection[int], again: bool) -> Chosen:
    """Of the documents a choice names, those to write: every one with
    ``again``, else only those not in ``exported`` (exported in the format before)."""
    before = tuple(n for n in candidates if n in exported)
    if again:
        return Chosen(tuple(candidates), before, ())
    return Chosen(tuple(n for n in candidates if n not in exported), (), before)
