"""Cost files for cost recovery (CSV or a workbook's sheet): period, area, cost."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from billing.domain.catalogue import ServiceArea
from billing.files.csv_source import decimal, month
from billing.files.tables import open_rows
from billing.period import Month


def read_costs(path: Path, sheet: str | None = None) -> dict[tuple[Month, ServiceArea], Decimal]:
    rows = open_rows(path, ("period", "area", "cost"), sheet=sheet)
    costs: dict[tuple[Month, ServiceArea], Decimal] = {}
    for line, row in rows:
        period = rows.field(line, row, "period", month)
        area = rows.field(line, row, "area", ServiceArea)
        cost = rows.field(line, row, "cost", decimal)
        if period is None or area is None or cost is None:
            continue
        if cost < 0:
            rows.problems.add(f"negative cost {cost}", line=line, field="cost")
        elif (period, area) in costs:
            rows.problems.add(f"a second cost for {area} in {period}", line=line, field="area")
        else:
            costs[(period, area)] = cost
    rows.problems.raise_if_any()
    return costs
