"""A price plan as rows (for CSV and JSON) and as one HTML page
(templates/price_plan.html): the answer per area, the accumulated result per
area crossing zero, revenue against cost per year, the projection per year and
area, the draft prices beside the starting ones, and every assumption."""

from __future__ import annotations

from decimal import Decimal

from billing.domain.agency import FeePart
from billing.domain.catalogue import ServiceArea
from billing.domain.tariff import PerEmployee, PriceList, SizeBands
from billing.planning.plan import PricePlan
from billing.reports import swedish
from billing.reports.pages import render
from billing.reports.price_plan_text import unit_name, verdicts
from billing.reports.svg_chart import Series, line_chart

PARTS = (FeePart.BASE_FIXED, FeePart.BASE_VARIABLE, FeePart.TRANSACTION, FeePart.ADDITIONAL,
         FeePart.SPECIAL, FeePart.CONNECTION)


def plan_rows(plan: PricePlan) -> list[dict[str, object]]:
    """One row per year and area, then the centre's: every row the same keys."""
    codes = sorted({code for row in plan.rows for code in row.volumes})
    rows = []
    for row in plan.rows:
        record: dict[str, object] = {
            "year": row.year, "area": "centre" if row.area is None else str(row.area),
            "area_label": unit_name(row.area)}
        record.update({f"revenue_{part}": row.revenue.get(part, Decimal("0.00")) for part in PARTS})
        record.update({"revenue": row.total_revenue, "connection": row.connection, "cost": row.cost,
                       "result": row.result, "accumulated": row.accumulated,
                       "recovery_percent": row.recovery_percent})
        record.update({f"volume_{code}": row.volumes.get(code) for code in codes})
        rows.append(record)
    return rows


def price_changes(start: PriceList, draft: PriceList) -> list[tuple[str, Decimal, Decimal]]:
    """(item, starting price, draft price) for every item the draft changes."""
    changes = []
    for area in ServiceArea:
        old, new = start.base_fees.get(area), draft.base_fees.get(area)
        if old is None or new is None:
            continue
        changes.append((f"Grundavgift {area.short_label}, fast del", old.fixed, new.fixed))
        changes += [(f"Grundavgift {area.short_label}, rörlig del{label}", a, b)
                    for label, a, b in _variable_pairs(old.variable, new.variable)]
    for table, label in ((("prices"), ""), ("hourly_rates", "timpris "),
                         ("connection_fees", "anslutning ")):
        old_items, new_items = getattr(start, table), getattr(draft, table)
        changes += [(f"{label}{key}", value, new_items[key]) for key, value in old_items.items()
                    if key in new_items]
    return [c for c in changes if c[1] != c[2]]


def _variable_pairs(old, new) -> list[tuple[str, Decimal, Decimal]]:
    if isinstance(old, PerEmployee):
        return [(" per anställd", old.rate, new.rate)]
    if isinstance(old, SizeBands):
        return [(f", band {b.up_to or 'över'}", b.amount, n.amount) for b, n in zip(old.bands, new.bands)]
    return [(f", trappsteg {t.up_to or 'över'}", t.rate, n.rate) for t, n in zip(old.tiers, new.tiers)]


def short_name(unit: ServiceArea | None) -> str:
    return "Hela myndigheten" if unit is None else unit.short_label


def plan_html(plan: PricePlan, assumptions: list[str]) -> str:
    setup = plan.setup
    years = [str(y) for y in setup.years]
    units = (*setup.areas, None)
    # From the opening result at the end of the base year, so the way to zero shows.
    opening = {unit: sum((setup.opening[a] for a in setup.areas_of(unit)), Decimal(0)) for unit in units}
    accumulated = line_chart([str(setup.years[0] - 1), *years], [
        Series(unit_name(unit), (opening[unit], *(r.accumulated for r in plan.rows if r.area is unit)))
        for unit in units], "Ackumulerat resultat vid årets slut, SEK (första punkten: ingående)",
        fmt=swedish.kronor_short)
    centre = [r for r in plan.rows if r.area is None]
    money = line_chart(years, [Series("Intäkter", tuple(r.total_revenue for r in centre)),
                               Series("Kostnader", tuple(r.cost for r in centre))],
                       "Intäkter och kostnader per år, hela myndigheten, SEK", fmt=swedish.kronor_short)
    drafts = [] if plan.solution is None else [
        (p.id, p.valid_from.isoformat(), price_changes(setup.start, p)) for p in plan.price_lists]
    title = (f"Kontroll av prislista {plan.price_lists[0].id}" if plan.solution is None
             else f"Prisplan för full kostnadstäckning {years[0]}–{setup.target.year}")
    return render("price_plan.html", title=title, verdicts=verdicts(plan), assumptions=assumptions,
                  accumulated_chart=accumulated, money_chart=money, rows=plan.rows,
                  parts=[p for p in PARTS if p is FeePart.CONNECTION or any(r.revenue.get(p) for r in plan.rows)],
                  unit_name=unit_name, short_name=short_name, drafts=drafts, start=setup.start,
                  target_year=setup.target.year)
