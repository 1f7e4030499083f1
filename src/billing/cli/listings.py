"""The listings of the command line as Listings (cli/tables.py): the columns
each shows and the values in them. Headings are Swedish; keys (CSV and JSON)
English."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from billing.cli.tables import Column, Kind, Listing
from billing.domain.exports import ExportFormat
from billing.invoicing.document import DocumentKind, Invoice
from billing.invoicing.in_force import InvoiceStatus
from billing.plural import counted
from billing.reports.document_data import KIND_NAMES

if TYPE_CHECKING:  # the services (and the database layer) load with the commands that read
    from billing.services.catalogue import PriceListVersion
    from billing.services.listings import ListedVolume

# How a table words the kinds and statuses that CSV and JSON give as their names.
KIND_LABELS = {name: kind.short_label for kind, name in KIND_NAMES.items()}
STATUS_LABELS = {str(status): status.label for status in InvoiceStatus}
NOT_EXPORTED = "\u2013"  # an en dash: not exported in that format


def document_listing(documents: Sequence[Invoice],
                     statuses: Mapping[int, InvoiceStatus | None] | None = None,
                     title: str = "Fakturor och kreditfakturor",
                     exported: Mapping[int, Mapping[ExportFormat, datetime]] | None = None) -> Listing:
    """Documents with net, VAT and payable, and their count and sums last;
    with ``statuses`` (issued documents), each invoice's status; with
    ``exported``, when each was last exported in each format (UTC): the table
    shows the day, or "–"; CSV and JSON the time, or nothing."""
    formats = tuple(ExportFormat) if exported is not None else ()
    columns = [Column("number", "Nr", Kind.COUNT, missing="-"),  # a draft has no number yet
               Column("kind", "Typ", label=KIND_LABELS.__getitem__),
               Column("period", "Period", Kind.CODE),
               Column("issue_date", "Fakturadatum", Kind.CODE),
               Column("organisation_number", "Org.nr", Kind.CODE),
               Column("agency", "Kund"),
               *([Column("status", "Status", label=STATUS_LABELS.__getitem__)]
                 if statuses is not None else []),
               Column("net", "Netto", Kind.AMOUNT), Column("vat", "Moms", Kind.AMOUNT),
               Column("payable", "Att betala", Kind.AMOUNT),
               *(Column(f"exported_{fmt.value}", fmt.label, Kind.CODE, label=_day, missing=NOT_EXPORTED)
                 for fmt in formats)]
    rows = tuple({"number": d.number, "kind": KIND_NAMES[d.kind], "period": d.period,
                  "issue_date": d.issue_date, "organisation_number": d.organisation_number,
                  "agency": d.agency_name,
                  "status": (statuses or {}).get(d.number or 0),
                  "net": d.totals.net, "vat": d.totals.vat, "payable": d.totals.payable,
                  **{f"exported_{fmt.value}": (exported or {}).get(d.number or 0, {}).get(fmt)
                     for fmt in formats}}
                 for d in documents)
    credit_notes = sum(1 for d in documents if d.kind is DocumentKind.CREDIT_NOTE)
    count = counted(len(documents) - credit_notes, "faktura", "fakturor") + (
        f", {counted(credit_notes, 'kreditfaktura', 'kreditfakturor')}" if credit_notes else "")
    footer = ({"agency": count, **{key: sum((getattr(d.totals, key) for d in documents), Decimal(0))
                                   for key in ("net", "vat", "payable")}},)
    return Listing(title, tuple(columns), rows, footer)


def _day(when: datetime) -> str:
    return when.date().isoformat()


def agency_listing(agencies: Sequence[tuple[str, str]]) -> Listing:
    return Listing(f"Kundmyndigheter ({len(agencies)})",
                   (Column("organisation_number", "Org.nr", Kind.CODE), Column("name", "Namn")),
                   tuple({"organisation_number": org, "name": name} for org, name in agencies))


def price_list_listing(versions: Iterable[PriceListVersion]) -> Listing:
    """The table shows the first 12 characters of each hash, as git shows a
    commit; CSV and JSON have it whole."""
    return Listing("Prislistor", (
        Column("id", "Id", Kind.CODE), Column("series", "Serie", Kind.CODE),
        Column("valid_from", "Gäller från", Kind.CODE),
        Column("content_hash", "Hash", Kind.CODE, label=lambda h: h[:12]),
        Column("source_file", "Fil")),
        tuple({"id": v.id, "series": v.series, "valid_from": v.valid_from, "content_hash": v.content_hash,
               "source_file": v.source_file} for v in versions))


def event_listing(events: Iterable[tuple]) -> Listing:
    """(id, time, user, action, arguments, summary) of each event."""
    return Listing("Händelselogg", (
        Column("id", "Nr", Kind.COUNT), Column("occurred_at", "Tid (UTC)", Kind.CODE),
        Column("user", "Användare"), Column("action", "Händelse"),
        Column("arguments", "Argument"), Column("summary", "Resultat")),
        tuple({"id": number, "occurred_at": at, "user": user, "action": action,
               "arguments": dict(arguments), "summary": summary}
              for number, at, user, action, arguments, summary in events))


def volume_listing(records: Sequence[ListedVolume], title: str) -> Listing:
    return Listing(title, (
        Column("id", "Id", Kind.COUNT), Column("organisation_number", "Org.nr", Kind.CODE),
        Column("agency", "Kund"), Column("service", "Tjänst", Kind.CODE),
        Column("quantity", "Antal", Kind.QUANTITY), Column("source", "Källa"),
        Column("reference", "Referens"), Column("revision", "Rev.", Kind.COUNT),
        Column("file", "Fil")),
        tuple({"id": r.id, "organisation_number": r.organisation_number, "agency": r.agency_name,
               "service": r.service, "quantity": r.quantity, "source": r.source,
               "reference": r.reference, "revision": r.revision, "file": r.file} for r in records),
        footer=({"agency": counted(len(records), "volympost", "volymposter")},))
