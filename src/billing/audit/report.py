"""The audit's result: the checks run over a span of months, and the sample's seed."""

from __future__ import annotations

from dataclasses import dataclass

from billing.audit.findings import CheckResult, Status
from billing.period import Month


@dataclass(frozen=True)
class AuditReport:
    first: Month
    last: Month
    seed: int
    checks: tuple[CheckResult, ...]

    @property
    def passed(self) -> bool:
        return all(c.status is not Status.FAILED for c in self.checks)
