"""What a check found."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Status(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    NOTED = "noted"  # a review list (variance, sample, revenue): never fails the audit


@dataclass(frozen=True, slots=True)
class Finding:
    """``message``: for the controller, in Swedish; ``code``: what was found,
    a stable English identifier ("missing", "rerated_amount") for scripts and
    tests, which the wording may change around."""

    message: str
    document: int | None = None
    line: int | None = None
    code: str = ""


@dataclass(frozen=True, slots=True)
class CheckResult:
    name: str
    title: str
    findings: tuple[Finding, ...] = ()
    informational: bool = False
    rows: tuple[dict, ...] = field(default=())  # a table for the reports

    @property
    def status(self) -> Status:
        if self.informational:
            return Status.NOTED
        return Status.FAILED if self.findings else Status.PASSED
