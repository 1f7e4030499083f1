"""Numbering: the one document series has no gaps, no duplicates and nothing it never issued."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from billing.audit.findings import CheckResult, Finding


def check_numbering(numbers: Sequence[int], next_number: int,
                    current_by_agency_month: dict[tuple[str, str], list[int]]) -> CheckResult:
    """``numbers``: every document number stored; ``current_by_agency_month``:
    the invoices no credit note reversed, per agency and month (at most one each)."""
    findings = []
    present = Counter(numbers)
    missing = [n for n in range(1, next_number) if n not in present]
    for first, last in _runs(missing):
        span = f"{first}" if first == last else f"{first}-{last}"
        findings.append(Finding(f"number(s) {span} missing from the series", first))
    for number, count in sorted(present.items()):
        if count > 1:
            findings.append(Finding(f"number {number} used {count} times", number))
        if number >= next_number:
            findings.append(Finding(f"number {number} was never issued by the series "
                                    f"(next number {next_number})", number))
    for (org, month), current in sorted(current_by_agency_month.items()):
        if len(current) > 1:
            findings.append(Finding(f"{org} has {len(current)} invoices in force for {month}: "
                                    f"{', '.join(map(str, sorted(current)))}", min(current)))
    return CheckResult("numbering", "Nummerserie: luckor och dubbletter", tuple(findings))


def _runs(numbers: list[int]):
    run: list[int] = []
    for n in numbers:
        if run and n != run[-1] + 1:
            yield run[0], run[-1]
            run = []
        run.append(n)
    if run:
        yield run[0], run[-1]
