"""Numbering: the one document series has no gaps, no duplicates and nothing it
never issued. The one check of the stored numbers against the series, used by
`billing verify` and by the audit, so a gap is found, and reported, once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from billing.audit.findings import CheckResult, Finding
from billing.invoicing.document import DocumentKind
from billing.invoicing.in_force import DocumentHead, in_force_by_agency_month
from billing.invoicing.series import FIRST_NUMBER
from billing.plural import counted


class BreakKind(StrEnum):
    MISSING = "missing"  # numbers the series issued that no stored document has
    DUPLICATE = "duplicate"  # a number stored more than once
    NEVER_ISSUED = "never_issued"  # a number the series has not reached


@dataclass(frozen=True, slots=True)
class SeriesBreak:
    kind: BreakKind
    first: int
    last: int  # a run of missing numbers ends here; otherwise the same as first
    count: int = 1  # how many times a duplicate number is used
    at_end: bool = False  # missing numbers that run up to the newest the series issued

    @property
    def span(self) -> str:
        return f"{self.first}" if self.first == self.last else f"{self.first}-{self.last}"


def series_breaks(numbers: Iterable[int], next_number: int) -> tuple[SeriesBreak, ...]:
    """``numbers``: every document number stored; ``next_number``: the series'.
    Missing runs first, then each number used twice or never issued, in order."""
    present = Counter(numbers)
    breaks = [SeriesBreak(BreakKind.MISSING, first, last, at_end=last == next_number - 1)
              for first, last in _runs(n for n in range(FIRST_NUMBER, next_number) if n not in present)]
    for number, count in sorted(present.items()):
        if count > 1:
            breaks.append(SeriesBreak(BreakKind.DUPLICATE, number, number, count))
        if number >= next_number:
            breaks.append(SeriesBreak(BreakKind.NEVER_ISSUED, number, number))
    return tuple(breaks)


def check_numbering(numbers: Sequence[int], next_number: int, heads: Sequence[DocumentHead],
                    dated: Sequence[tuple[int, date]] = ()) -> CheckResult:
    """The series' breaks, any document dated before the one numbered before it
    (``dated``: every stored document's number and date), and any agency with
    more than one document in force (invoice or credit balance note) for a
    month among ``heads`` (the documents of the months audited)."""
    findings = [_finding(b, next_number) for b in series_breaks(numbers, next_number)]
    findings += dates_backwards(dated)
    doubled = sorted((group for group in in_force_by_agency_month(heads).values() if len(group) > 1),
                     key=lambda group: (group[0].organisation_number, str(group[0].period)))
    for group in doubled:
        numbers_in_force = sorted(h.number for h in group)
        # A credit balance note stands for its month as an invoice does.
        what = (counted(len(group), "faktura", "fakturor") if all(h.kind is DocumentKind.INVOICE for h in group)
                else counted(len(group), "dokument", "dokument"))
        findings.append(Finding(f"{group[0].organisation_number} har {what} som gäller för "
                                f"{group[0].period}: {', '.join(map(str, numbers_in_force))}",
                                numbers_in_force[0], code="doubled"))
    return CheckResult("numbering", "Nummerserie: luckor och dubbletter", tuple(findings))


def dates_backwards(dated: Sequence[tuple[int, date]]) -> list[Finding]:
    """Dates never go backwards along the number series: a reader sorting by
    number or by date must find the same order."""
    ordered = sorted(dated)
    return [Finding(f"dokument {number} är daterat {day}, före dokument {before} ({previous_day})",
                    number, code="date_backwards")
            for (before, previous_day), (number, day) in zip(ordered, ordered[1:]) if day < previous_day]


def _finding(found: SeriesBreak, next_number: int) -> Finding:
    if found.kind is BreakKind.MISSING:
        return Finding(f"{_numbers(found)} {found.span} saknas i serien", found.first, code=str(found.kind))
    if found.kind is BreakKind.DUPLICATE:
        return Finding(f"nummer {found.first} används {found.count} gånger", found.first, code=str(found.kind))
    return Finding(f"nummer {found.first} har aldrig utfärdats av serien (nästa nummer {next_number})",
                   found.first, code=str(found.kind))


def _numbers(found: SeriesBreak) -> str:
    return "nummer" if found.first == found.last else "numren"


def _runs(numbers: Iterable[int]) -> Iterable[tuple[int, int]]:
    run: list[int] = []
    for n in numbers:
        if run and n != run[-1] + 1:
            yield run[0], run[-1]
            run = []
        run.append(n)
    if run:
        yield run[0], run[-1]
