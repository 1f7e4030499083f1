"""Revenue per service area, fee part and month, and the cost-recovery ratio."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal

from billing.audit.findings import CheckResult
from billing.domain.agency import FeePart
from billing.domain.catalogue import ServiceArea
from billing.invoicing.document import Invoice
from billing.money import round_percent
from billing.period import Month


def revenue_rows(documents: Sequence[Invoice]) -> list[dict]:
    """All documents count, credit notes with their negative lines, so a
    corrected month shows what it finally charges."""
    sums: dict[tuple[Month, ServiceArea, str], Decimal] = defaultdict(Decimal)
    for doc in documents:
        for line in doc.lines:
            sums[(doc.period, line.area, str(line.part))] += line.amount
    return [{"month": str(m), "area": str(a), "part": p, "amount": v}
            for (m, a, p), v in sorted(sums.items(), key=lambda i: (i[0][0], i[0][1].order, i[0][2]))]


def cost_recovery(documents: Sequence[Invoice], costs: Mapping[ServiceArea, Decimal]) -> list[dict]:
    """Revenue (pass-through excluded: it only passes a supplier's cost on)
    against cost, per area; the ratio in per cent to one decimal."""
    revenue: dict[ServiceArea, Decimal] = defaultdict(Decimal)
    for doc in documents:
        for line in doc.lines:
            if line.part is not FeePart.PASS_THROUGH:
                revenue[line.area] += line.amount
    rows = []
    for area in ServiceArea:
        cost = costs.get(area)
        ratio = round_percent(revenue[area], cost) if cost else None
        rows.append({"area": str(area), "revenue": revenue[area], "cost": cost,
                     "recovery_percent": ratio})
    return rows


def check_revenue(documents: Sequence[Invoice], costs: Mapping[ServiceArea, Decimal] | None) -> CheckResult:
    rows = revenue_rows(documents)
    recovery = cost_recovery(documents, costs) if costs is not None else []
    return CheckResult("revenue", "Intäkter per område, avgiftsdel och månad"
                       + (", kostnadstäckning" if costs is not None else ""),
                       informational=True, rows=tuple(rows + recovery))
