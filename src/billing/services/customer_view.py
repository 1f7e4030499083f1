"""What the customer web and the API read: an agency's documents, one
document with its basis and its files, the agency's agreements and the
prices it pays now, and its cost per month. Reads only.

Every read takes the reader's Scope (services/users.py): a document or an
agency outside it is "not found", exactly as one that does not exist, so a
user of one agency cannot even learn which numbers another agency's
documents have. The rules are the program's own: statuses by
invoicing/in_force.py, the basis by services/trace.py, the files by the
pure output modules (pdf, einvoice).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from billing.domain.agency import Agency, FeePart
from billing.domain.catalogue import ServiceArea
from billing.domain.seller import Seller
from billing.domain.tariff import version_in_force
from billing.einvoice.export import peppol_documents
from billing.errors import BillingError, DataError
from billing.invoicing.document import Invoice
from billing.invoicing.in_force import DocumentHead, InvoiceStatus, documents_in_force, invoice_statuses
from billing.pdf import pdf_name, render_invoice
from billing.period import Month
from billing.persistence.documents import (document_agency, document_by_number, documents_by_number,
                                           heads_of_agency, heads_of_agency_months, heads_page)
from billing.persistence.mapping import load_agencies, load_price_lists
from billing.quoting.cost_classes import COST_CLASS
from billing.quoting.request import QuoteRequest
from billing.services.catalogue import stored_catalogue
from billing.services.quotes import quote
from billing.services.trace import TracedLine, trace_document
from billing.services.users import Scope

MAX_PAGE = 200


class NotFound(BillingError):
    """No such thing within the reader's scope."""


@dataclass(frozen=True, slots=True)
class Page:
    items: tuple
    total: int
    offset: int
    limit: int


@dataclass(frozen=True, slots=True)
class PricedItem:
    area: ServiceArea
    code: str
    name: str
    unit: str
    price: Decimal
    source: str  # the price list's id, or "avtalat pris"


def page_bounds(offset: int, limit: int) -> tuple[int, int]:
    """A page's offset and size, kept within sane bounds."""
    return max(offset, 0), min(max(limit, 1), MAX_PAGE)


def document_page(session: Session, scope: Scope, offset: int = 0, limit: int = 50,
                  period: Month | None = None,
                  agency_id: int | None = None) -> Page:
    """Headers of the documents the reader may see (staff: of ``agency_id`` or
    all), newest month first, each with its status."""
    offset, limit = page_bounds(offset, limit)
    if not scope.everything:
        agency_id = scope.agency_id
    heads, total = heads_page(session, agency_id, period, offset, limit)
    statuses = invoice_statuses(heads_of_agency_months(session, heads))
    return Page(tuple((h, statuses.get(h.number)) for h in heads), total, offset, limit)


def scoped_document(session: Session, scope: Scope, number: int) -> tuple[Invoice, int, InvoiceStatus | None]:
    """One document the reader may see, its agency and its status."""
    _check(session, scope, number)
    found = document_by_number(session, number)
    if found is None:
        raise _not_found(number)
    statuses = invoice_statuses(heads_of_agency_months(session, [DocumentHead.of(found)]))
    return found.document, found.agency_id, statuses.get(number)


def scoped_trace(session: Session, scope: Scope, number: int) -> tuple[Invoice, list[TracedLine]]:
    """One document's lines with their basis (services/trace.py)."""
    _check(session, scope, number)
    return trace_document(session, number)


def document_pdf(session: Session, scope: Scope, number: int, seller: Seller) -> tuple[str, bytes]:
    """(file name, PDF) of one document, made by the PDF module as for export."""
    document, _, _ = scoped_document(session, scope, number)
    return pdf_name(document), render_invoice(document, seller)


def document_peppol(session: Session, scope: Scope, number: int, seller: Seller) -> tuple[str, bytes]:
    """(file name, Peppol BIS 3 XML) of one document, made by the e-invoice module as for export."""
    document, _, _ = scoped_document(session, scope, number)
    [(_, name, content)] = peppol_documents([document], seller, [])
    return name, content


def scoped_agency(session: Session, scope: Scope, agency_id: int) -> Agency:
    if not scope.allows(agency_id):
        raise NotFound("no such agency")
    found = load_agencies(session, [agency_id]).get(agency_id)
    if found is None:
        raise NotFound("no such agency")
    return found


def prices_now(session: Session, agency: Agency, today: date) -> list[PricedItem]:
    """The unit prices the agency pays in the current month under each
    agreement in force: the agreed price where there is one, else the price
    list in force for the agreement's series."""
    month = Month.of(today)
    catalogue = stored_catalogue(session)
    price_lists = load_price_lists(session)
    items = []
    for agreement in agency.agreements:
        if not agreement.in_force(month):
            continue
        price_list = version_in_force(price_lists, agreement.series_for(month), month.first_day)
        for service in catalogue.services:
            if service.area is not agreement.area or not agreement.covers(service.code):
                continue
            agreed = agreement.agreed_price(service.code)
            listed = price_list.prices.get(service.code) if price_list else None
            if agreed is not None:
                items.append(PricedItem(service.area, service.code, service.name, service.unit, agreed,
                                        "avtalat pris"))
            elif listed is not None:
                items.append(PricedItem(service.area, service.code, service.name, service.unit, listed,
                                        price_list.id))
    return items


@dataclass(frozen=True, slots=True)
class MonthlyCost:
    months: tuple[Month, ...]
    by_area: dict[str, tuple[Decimal, ...]]  # series name -> one net amount per month
    by_class: dict[str, tuple[Decimal, ...]]


def monthly_cost(session: Session, scope: Scope, agency_id: int) -> MonthlyCost:
    """The agency's net cost per month of its documents in force, by service
    area and by cost class (annual, extraordinary, one-off; discounts and
    re-invoiced amounts apart, as they belong to no class of the price model)."""
    scoped_agency(session, scope, agency_id)
    heads: list[DocumentHead] = documents_in_force(heads_of_agency(session, agency_id))
    documents = [d.document for d in documents_by_number(session, [h.number for h in heads])]
    months = tuple(sorted({d.period for d in documents}))
    areas: dict[str, dict[Month, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    classes: dict[str, dict[Month, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for document in documents:
        for line in document.lines:
            areas[line.area.short_label][document.period] += line.amount
            classes[_class_name(line.part)][document.period] += line.amount
    return MonthlyCost(months, {name: tuple(v[m] for m in months) for name, v in areas.items()},
                       {name: tuple(v[m] for m in months) for name, v in classes.items()})


def _class_name(part: FeePart) -> str:
    if part is FeePart.DISCOUNT:
        return "Rabatt"
    if part is FeePart.PASS_THROUGH:
        return "Vidarefakturering"
    return COST_CLASS[part].short_label


def _check(session: Session, scope: Scope, number: int) -> None:
    agency_id = document_agency(session, number)
    if agency_id is None or not scope.allows(agency_id):
        raise _not_found(number)


def _not_found(number: int) -> NotFound:
    return NotFound(f"no document number {number}")


def addable_areas(agency: Agency, today: date) -> list[ServiceArea]:
    """The service areas the agency has no agreement in force for this month."""
    month = Month.of(today)
    return [area for area in ServiceArea if not agency.agreements_in_force(area, month)]


def added_area_quote(session: Session, agency: Agency, area_name: str, today: date):
    """What the agency would pay in its first year for a service area it adds
    next month, at its present size, with volumes estimated from the centre's
    history: the quote of `billing quote --estimate`, from the same engine."""
    try:
        area = ServiceArea(area_name)
    except ValueError:
        raise DataError.single(f"no service area {area_name!r}", field="areas") from None
    month = Month.of(today)
    employees = agency.size_for(month) or 1
    request = QuoteRequest(name=agency.name, employees=employees, areas=(area,), start=month.next(), months=12)
    offer, _ = quote(session, request, estimate=True)
    return offer
