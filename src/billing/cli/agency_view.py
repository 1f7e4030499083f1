"""`billing agencies show`: one agency's sizes, agreements, discounts and
documents, as tables to read or as one JSON object."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from rich.text import Text

from billing import swedish
from billing.cli.listings import KIND_LABELS, STATUS_LABELS
from billing.cli.tables import Column, Kind, Listing, exact
from billing.cli.width import OutputConsole, print_fitted
from billing.domain.agency import Agreement, Discount
from billing.plural import counted
from billing.rating.discounts import PART_LABELS
from billing.reports.document_data import KIND_NAMES

if TYPE_CHECKING:  # the services (and the database layer) load with the command
    from billing.services.listings import AgencyOverview


class ViewFormat(StrEnum):
    """One agency is several tables: no single CSV holds it."""

    TABLE = "table"
    JSON = "json"


def overview_data(overview: AgencyOverview) -> dict[str, object]:
    a = overview.agency
    return exact({
        "organisation_number": a.organisation_number, "name": a.name,
        "sizes": [{"effective": s.effective, "employees": s.employees} for s in a.sizes],
        "agreements": [{
            "area": g.area, "connected_on": g.connected_on, "ends_on": g.ends_on,
            "buyer_reference": g.buyer_reference, "price_series": g.price_series,
            "transformed_on": g.transformed_on,
            "services": list(g.services) if g.services is not None else None,
            "agreed_prices": [{"service": code, "price": price} for code, price in g.agreed_prices],
            "subscriptions": [{"service": s.service, "start": s.start, "end": s.end}
                              for s in g.subscriptions],
            "connection_fee": g.connection_fee,
            "connection_items": [{"description": i.description, "amount": i.amount, "on": i.on}
                                 for i in g.connection_items]} for g in a.agreements],
        "discounts": [{"percent": d.percent, "parts": sorted(str(p) for p in d.parts), "area": d.area,
                       "start": d.start, "end": d.end, "reason": d.reason} for d in a.discounts],
        "documents": _documents(overview).records(),
    })  # type: ignore[return-value]


def print_overview(console: OutputConsole, overview: AgencyOverview) -> None:
    a = overview.agency
    console.print(Text(f"{a.name} ({a.organisation_number})", style="bold"))
    sections = [
        Listing("Storlek", (Column("effective", "Gäller från", Kind.CODE),
                            Column("employees", "Anställda", Kind.QUANTITY)),
                tuple({"effective": s.effective, "employees": s.employees} for s in a.sizes)),
        *(_agreement(g) for g in a.agreements),
        Listing("Rabatter", (
            Column("percent", "Rabatt"), Column("area", "Område"), Column("parts", "Avser"),
            Column("start", "Från", Kind.CODE), Column("end", "Till", Kind.CODE), Column("reason", "Orsak")),
            tuple(_discount(d) for d in a.discounts)),
        _documents(overview)]
    for section in sections:
        if section.rows:
            print_fitted(console, section.table())
        else:
            console.print(f"{section.title}: inga.")


def _agreement(g: Agreement) -> Listing:
    """One agreement, a row per term: an agreement has too many terms for columns."""
    terms = (("Ansluten", g.connected_on.isoformat()),
             ("Sista dag", g.ends_on.isoformat() if g.ends_on else "-"),
             ("Er referens", g.buyer_reference or "-"), ("Prislista", _series(g)),
             ("Tjänster", "alla" if g.services is None else ", ".join(g.services)),
             ("Avtalade priser", "; ".join(f"{code} {swedish.unit_price(price)}"
                                           for code, price in g.agreed_prices) or "-"),
             ("Abonnemang", "; ".join(f"{s.service} från {s.start}" + (f" till {s.end}" if s.end else "")
                                      for s in g.subscriptions) or "-"),
             ("Anslutning", _connection(g)))
    return Listing(f"Avtal: {g.area.label}", (Column("term", "Villkor", Kind.CODE), Column("value", "")),
                   tuple({"term": term, "value": value} for term, value in terms))


def _series(g: Agreement) -> str:
    if g.transformed_on is None:
        return g.price_series
    return f"{g.price_series}, standard från {g.transformed_on}"


def _connection(g: Agreement) -> str:
    fee = "anslutningsavgift" if g.connection_fee else "ingen anslutningsavgift (övertagen)"
    items = [f"{i.description} {swedish.amount(i.amount)}" + (f" ({i.on})" if i.on else "")
             for i in g.connection_items]
    return "; ".join([fee, *items])


def _discount(d: Discount) -> dict[str, object]:
    return {"percent": f"Rabatt {swedish.percent(d.percent)}",
            "area": d.area.label if d.area else "alla områden",
            "parts": ", ".join(PART_LABELS[p] for p in sorted(d.parts, key=list(PART_LABELS).index)),
            "start": d.start, "end": d.end, "reason": d.reason or "-"}


def _documents(overview: AgencyOverview) -> Listing:
    heads = overview.documents
    return Listing("Dokument", (
        Column("number", "Nr", Kind.COUNT), Column("kind", "Typ", label=KIND_LABELS.__getitem__),
        Column("period", "Period", Kind.CODE), Column("issue_date", "Fakturadatum", Kind.CODE),
        Column("due_date", "Förfallodatum", Kind.CODE),
        Column("status", "Status", label=STATUS_LABELS.__getitem__),
        Column("credits", "Krediterar", Kind.COUNT), Column("replaces", "Ersätter", Kind.COUNT),
        Column("payable", "Att betala", Kind.AMOUNT)),
        tuple({"number": h.number, "kind": KIND_NAMES[h.kind], "period": h.period, "issue_date": h.issue_date,
               "due_date": h.due_date, "status": status, "credits": h.credits, "replaces": h.replaces,
               "payable": h.payable} for h, status in heads),
        footer=({"status": counted(len(heads), "dokument", "dokument"),
                 "payable": sum((h.payable for h, _ in heads), Decimal(0))},))
