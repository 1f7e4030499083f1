"""What a draft price list does to the agencies, as one HTML page: the
agencies most affected, by change in kronor, as a chart and a table, the
change per agency and area, and the totals per area (templates/whatif.html)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from billing.domain.catalogue import ServiceArea
from billing.period import Month
from billing.quoting.whatif import Difference
from billing.reports import swedish
from billing.reports.pages import render
from billing.reports.svg_chart import BarItem, horizontal_bars

MOST_AFFECTED = 15  # bars in the chart; the table lists every agency that changed


def by_agency(differences: Sequence[Difference]) -> list[Difference]:
    """Per agency, the largest change in kronor first, up or down (then by name)."""
    sums: dict[tuple[str, str], tuple[Decimal, Decimal]] = {}
    for d in differences:
        current, draft = sums.get((d.organisation_number, d.name), (Decimal(0), Decimal(0)))
        sums[(d.organisation_number, d.name)] = (current + d.current, draft + d.draft)
    changes = [Difference(org, name, None, current, draft)
               for (org, name), (current, draft) in sums.items()]
    return sorted(changes, key=lambda c: (-abs(c.change), c.name, c.organisation_number))


def by_area(differences: Sequence[Difference]) -> list[Difference]:
    sums = {area: [Decimal(0), Decimal(0)] for area in ServiceArea
            if any(d.area is area for d in differences)}
    for d in differences:
        sums[d.area][0] += d.current
        sums[d.area][1] += d.draft
    return [Difference("", area.label, area, current, draft) for area, (current, draft) in sums.items()]


def whatif_html(differences: Sequence[Difference], months: Sequence[Month], draft_id: str,
                show_unchanged: bool = False) -> str:
    agencies = by_agency(differences)
    shown = [a for a in agencies if show_unchanged or a.change]
    order = {(a.organisation_number, a.name): index for index, a in enumerate(agencies)}
    details = sorted((d for d in differences if show_unchanged or d.change),
                     key=lambda d: (order[(d.organisation_number, d.name)], d.area.order))
    moved = [a for a in agencies if a.change][:MOST_AFFECTED]
    chart = horizontal_bars(
        [BarItem(a.name, a.change, "" if a.percent is None else swedish.percent(a.percent)) for a in moved],
        f"De {len(moved)} kunder som påverkas mest, förändring i SEK exkl. moms",
        label_width=300, value_room=200) if moved else None
    period = f"{months[0]}" + ("" if months[0] == months[-1] else f"\u2013{months[-1]}")
    return render("whatif.html", draft_id=draft_id, period=period, chart=chart, agencies=shown,
                  details=details, totals=by_area(differences), show_unchanged=show_unchanged,
                  hidden=len(agencies) - len(shown), hidden_rows=len(differences) - len(details))
