"""A quote as rows for tools and as a self-contained HTML document to send."""

from __future__ import annotations

from datetime import date

from billing.quoting.cost_classes import CostClass
from billing.quoting.quote import Quote
from billing.quoting.quote_number import VALID_DAYS, quote_number, valid_until
from billing.reports import swedish
from billing.reports.pages import render
from billing.reports.svg_chart import Series, stacked_columns


def quote_rows(quote: Quote) -> list[dict[str, object]]:
    return [{"year": y.year, "months": y.months,
             **{c.value: y.by_class[c] for c in CostClass},
             "net": y.net, "vat": y.vat, "total": y.net + y.vat,
             "recurring_per_month": y.recurring_per_month,
             "price_lists": " ".join(y.price_lists)} for y in quote.years()]


def volume_rows(quote: Quote) -> list[dict[str, object]]:
    return [{"service": code, "monthly_quantity": basis.quantity, "source": basis.source}
            for code, basis in sorted(quote.request.volumes.items())]


def assumptions(quote: Quote) -> list[str]:
    r = quote.request
    last = quote.months[-1].month
    items = [
        f"Storlek: {r.employees} anställda under hela perioden.",
        f"Tjänsteområden: {', '.join(a.label for a in r.areas)}; anslutning {r.start.first_day}.",
        f"Period: {r.start} till {last} ({r.months} månader).",
        ("Prislista: " + r.price_list_id + " för alla månader." if r.price_list_id else
         "Prislista: den version som gäller varje månad."),
        "Belopp exklusive moms; moms redovisas separat (25 % om inget annat anges i prislistan).",
        "Vidarefakturerade systemtjänster (underleverantörers avgifter) ingår inte.",
    ]
    if r.subscriptions:
        items.append(f"Abonnemang: {', '.join(_name(quote, code) for code in r.subscriptions)}.")
    if r.connection_items:
        items.append("Anslutningsposter: " + ", ".join(
            f"{i.description} {swedish.kronor(i.amount)}" for i in r.connection_items) + ".")
    if not r.connection_fee:
        items.append("Ingen anslutningsavgift.")
    return items


def _name(quote: Quote, code: str) -> str:
    return quote.service_names.get(code, code)


def quote_html(quote: Quote, today: date) -> str:
    """One self-contained file (inline style and SVG, no scripts, nothing fetched):
    the number and validity, the cost per year as a chart and a table, the
    volumes it rests on with the services' names, and the assumptions."""
    years = quote.years()
    chart = stacked_columns([f"{y.year} ({y.months} mån)" for y in years],
                            [Series(c.short_label, tuple(y.by_class[c] for y in years)) for c in CostClass],
                            "Kostnad per år och kostnadsslag, SEK exkl. moms")
    volumes = [{"name": _name(quote, code), "quantity": basis.quantity, "source": basis.source}
               for code, basis in sorted(quote.request.volumes.items(), key=lambda i: _name(quote, i[0]))]
    return render("quote.html", quote=quote, years=years, classes=list(CostClass), chart=chart,
                  volumes=volumes, assumptions=assumptions(quote), today=today,
                  number=quote_number(quote.request, today), valid_until=valid_until(today),
                  valid_days=VALID_DAYS)
