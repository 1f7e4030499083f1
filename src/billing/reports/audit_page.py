"""The audit as one HTML page for people: the checks' verdicts, the variance
sorted by what it did in kronor, the revenue per month and the cost recovery
per area as charts, all in Swedish (templates/audit.html)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from billing.audit.findings import CheckResult, Status
from billing.audit.report import AuditReport
from billing.domain.agency import FeePart
from billing.domain.catalogue import ServiceArea
from billing.period import Month
from billing.reports import swedish
from billing.reports.pages import render
from billing.reports.svg_chart import BarItem, Chart, Series, horizontal_bars, stacked_columns

# Below this share of its cost recovered, an area is flagged (per cent): the
# centre must recover its full cost, so by default any shortfall is shown.
RECOVERY_THRESHOLD = Decimal(100)
MOVERS = 10  # bars in the chart of the largest variance

STATUS = {Status.PASSED: "godkänd", Status.FAILED: "underkänd", Status.NOTED: "att granska"}
_KIND = {"volume": "Volym", "volume, all agencies": "Volym totalt", "amount": "Nettobelopp"}


def report_title(first: Month, last: Month) -> str:
    """"Fakturagranskning 2012-12", or with an en dash for a range of months."""
    return f"Fakturagranskning {first}" + ("" if first == last else f"\u2013{last}")


@dataclass(frozen=True, slots=True)
class Recovery:
    area: str
    revenue: Decimal
    cost: Decimal | None
    percent: Decimal | None
    flagged: bool


def audit_html(report: AuditReport, recovery_threshold: Decimal = RECOVERY_THRESHOLD) -> str:
    months = _months(report.first, report.last)
    variance = [c for c in report.checks if c.name == "variance"]
    revenue = next((c for c in report.checks if c.name == "revenue"), None)
    recovery = _recovery(revenue, recovery_threshold) if revenue else []
    return render("audit.html", title=report_title(report.first, report.last), report=report,
                  status=STATUS, threshold=recovery_threshold,
                  variances=[_variance(check, month.previous()) for check, month in zip(variance, months)],
                  sample=next((c for c in report.checks if c.name == "sample"), None),
                  revenue=_revenue(revenue) if revenue else None, recovery=recovery,
                  recovery_chart=_recovery_chart(recovery, recovery_threshold),
                  shortfall=[r for r in recovery if r.flagged],
                  # A check that passed with nothing to say is in the summary table only.
                  other=[c for c in report.checks
                         if c.name not in ("variance", "sample", "revenue") and c.findings])


def flagged_areas(report: AuditReport, threshold: Decimal = RECOVERY_THRESHOLD) -> list[Recovery]:
    revenue = next((c for c in report.checks if c.name == "revenue"), None)
    return [r for r in _recovery(revenue, threshold) if r.flagged] if revenue else []


def _months(first: Month, last: Month) -> list[Month]:
    months = [first]
    while months[-1] < last:
        months.append(months[-1].next())
    return months


def _variance(check: CheckResult, previous: Month) -> dict:
    """The rows with the largest move in kronor first (rows no line priced last)."""
    rows = sorted(check.rows, key=lambda r: (r["impact"] is None, -abs(r["impact"] or 0)))
    shown = [{**r, "kind_label": _KIND.get(r["kind"], r["kind"]),
              "part_label": FeePart(r["part"]).label if r.get("part") else "",
              "quantity": r["kind"] != "amount"} for r in rows]
    movers = [r for r in rows if r["kind"] != "volume, all agencies" and r["impact"]][:MOVERS]
    chart = horizontal_bars(
        [BarItem(f"{r['agency']} · {r['service_name'] or 'nettobelopp'}", r["impact"]) for r in movers],
        f"Största förändringar mot {previous} i kronor (exkl. moms)", label_width=300,
        value_room=140) if movers else None
    return {"title": check.title, "previous": previous, "month": previous.next(), "rows": shown, "chart": chart,
            "nothing_to_compare": not check.rows and bool(check.findings)}


def _revenue(check: CheckResult) -> dict:
    """Per month and area, the fee parts as columns; and the chart of the months."""
    cells: dict[tuple[str, ServiceArea], dict[FeePart, Decimal]] = defaultdict(dict)
    for row in check.rows:
        if "part" in row:
            cells[(row["month"], ServiceArea(row["area"]))][FeePart(row["part"])] = row["amount"]
    parts = [p for p in FeePart if any(p in c for c in cells.values())]
    months = sorted({m for m, _ in cells})
    areas = [a for a in ServiceArea if any(a is area for _, area in cells)]
    table = [{"month": month, "areas": [{"area": area.short_label, "amounts": [cells[(month, area)].get(p) for p in parts],
                                         "total": sum(cells[(month, area)].values(), Decimal(0))}
                                        for area in areas if (month, area) in cells],
              "parts": [sum((cells[(month, a)].get(p, Decimal(0)) for a in areas if (month, a) in cells), Decimal(0))
                        for p in parts],
              "total": sum((sum(cells[(month, a)].values(), Decimal(0)) for a in areas if (month, a) in cells),
                           Decimal(0))} for month in months]
    chart = stacked_columns(months, [Series(area.short_label, tuple(
        sum(cells.get((month, area), {}).values(), Decimal(0)) for month in months)) for area in areas],
        "Intäkter per månad och område, SEK exkl. moms", fmt=swedish.kronor_short) if months else None
    return {"title": check.title, "parts": [(p.short_label, p.label) for p in parts], "months": table, "chart": chart}


def _recovery(check: CheckResult, threshold: Decimal) -> list[Recovery]:
    # Flagged on the exact ratio; the one-decimal figure is only for the reader.
    return [Recovery(ServiceArea(r["area"]).short_label, r["revenue"], r["cost"], r["recovery_percent"],
                     r["cost"] is not None and r["cost"] > 0 and r["revenue"] * 100 < threshold * r["cost"])
            for r in check.rows if "recovery_percent" in r]


def _recovery_chart(recovery: list[Recovery], threshold: Decimal) -> Chart | None:
    measured = [r for r in recovery if r.percent is not None]
    if not measured:
        return None
    return horizontal_bars(
        [BarItem(r.area, r.percent, f"intäkt {swedish.kronor(r.revenue)}, kostnad {swedish.kronor(r.cost)}",
                 r.flagged) for r in measured],
        f"Kostnadstäckning per område (flaggat under {swedish.percent_as_given(threshold)})", fmt=swedish.percent,
        reference=Decimal(100), reference_text=f"{swedish.percent_as_given(Decimal(100))} = full täckning",
        width=1000, label_width=110, value_room=420)
