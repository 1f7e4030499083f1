"""A quote as rows for tools and as a self-contained HTML document to send."""

from __future__ import annotations

import html
from datetime import date

from billing.money import format_sek
from billing.quoting.cost_classes import CostClass
from billing.quoting.quote import Quote


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
        items.append(f"Abonnemang: {', '.join(r.subscriptions)}.")
    if r.connection_items:
        items.append("Anslutningsposter: " + ", ".join(
            f"{i.description} {format_sek(i.amount)} kr" for i in r.connection_items) + ".")
    if not r.connection_fee:
        items.append("Ingen anslutningsavgift.")
    return items


def quote_html(quote: Quote, today: date) -> str:
    """One self-contained file (inline style, no scripts, nothing fetched)."""
    e = html.escape
    years = quote.years()
    head = "".join(f"<th>{e(c.label)}</th>" for c in CostClass)
    body = "".join(
        f"<tr><td>{y.year} ({y.months} mån)</td>"
        + "".join(f"<td class=n>{format_sek(y.by_class[c])}</td>" for c in CostClass)
        + f"<td class=n>{format_sek(y.net)}</td><td class=n>{format_sek(y.vat)}</td>"
          f"<td class=n><b>{format_sek(y.net + y.vat)}</b></td>"
          f"<td class=n>{format_sek(y.recurring_per_month)}</td><td>{e(' '.join(y.price_lists))}</td></tr>"
        for y in years)
    volumes = "".join(f"<tr><td>{e(code)}</td><td class=n>{basis.quantity}</td><td>{e(basis.source)}</td></tr>"
                      for code, basis in sorted(quote.request.volumes.items()))
    items = "".join(f"<li>{e(a)}</li>" for a in assumptions(quote))
    return f"""<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8"><title>Offert {e(quote.request.name)}</title>
<style>
body{{font-family:sans-serif;margin:2em;color:#222}} table{{border-collapse:collapse;margin:1em 0}}
th,td{{border:1px solid #bbb;padding:4px 8px;text-align:left}} td.n{{text-align:right;white-space:nowrap}}
th{{background:#eee}}
</style></head><body>
<h1>Prisuppskattning: {e(quote.request.name)}</h1>
<p>Upprättad {today.isoformat()} med samma prislistor och beräkning som fakturering.</p>
<h2>Kostnad per år (SEK)</h2>
<table><tr><th>År</th>{head}<th>Summa exkl. moms</th><th>Moms</th><th>Summa inkl. moms</th>
<th>Löpande per månad exkl. moms</th><th>Prislistor</th></tr>{body}</table>
<h2>Volymer per månad</h2>
<table><tr><th>Tjänst</th><th>Antal</th><th>Underlag</th></tr>{volumes}</table>
<h2>Antaganden</h2><ul>{items}</ul>
</body></html>
"""
