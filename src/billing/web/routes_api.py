"""The JSON API, /api/v1: the same reads and actions as the pages, with the
same authorisation (an API token or a browser session), described by
/api/v1/openapi.json. Every list is a page (offset, limit, total)."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from billing.errors import DataError, Problem
from billing.services.billing_run import run_month
from billing.services.customer_view import (MAX_PAGE, document_page, document_pdf, document_peppol, page_bounds,
                                            prices_now, scoped_agency, scoped_document, scoped_trace)
from billing.services.events import acting_as, event_page
from billing.services.month_status import month_status
from billing.web import api_models as out
from billing.web.database import reading, writing
from billing.web.forms import month, month_or_none
from billing.web.routes_staff import CONFIRMATION
from billing.web.scope import required_agency
from billing.web.security import Viewer, checked_viewer, staff, viewer
from billing.web.uploads import received_volumes

router = APIRouter(prefix="/api/v1", tags=["api"])
Offset = Query(0, ge=0)
Limit = Query(50, ge=1, le=MAX_PAGE)


@router.get("/openapi.json", include_in_schema=False)
def openapi(request: Request, who: Viewer = Depends(viewer)) -> dict:
    """The API's OpenAPI description (for signed-in users, as everything but sign-in is)."""
    return request.app.openapi()


@router.get("/documents", response_model=out.DocumentPage)
def documents(offset: int = Offset, limit: int = Limit, period: str | None = None, agency: str | None = None,
              who: Viewer = Depends(viewer), session: Session = Depends(reading)) -> out.DocumentPage:
    """Documents the user may see, newest month first (staff: every agency's, or ?agency=ORGNR)."""
    agency_id = required_agency(session, who, agency) if agency or not who.user.is_staff else None
    found = document_page(session, who.user.scope, offset, limit, month_or_none(period), agency_id)
    return out.DocumentPage(items=[_head(h, s) for h, s in found.items], total=found.total,
                            offset=found.offset, limit=found.limit)


@router.get("/documents/{number}", response_model=out.DocumentOut)
def document(number: int, who: Viewer = Depends(viewer), session: Session = Depends(reading)) -> out.DocumentOut:
    doc, _, status = scoped_document(session, who.user.scope, number)
    t = doc.totals
    return out.DocumentOut(
        number=doc.number, kind=str(doc.kind), status=str(status) if status else None,
        organisation_number=doc.organisation_number, agency_name=doc.agency_name,
        buyer_reference=doc.buyer_reference, period=str(doc.period), issue_date=doc.issue_date.isoformat(),
        due_date=doc.due_date.isoformat(), currency=doc.currency, net=str(t.net), vat=str(t.vat),
        rounding=str(t.rounding), payable=str(t.payable), credits=doc.credits, replaces=doc.replaces,
        reason=doc.reason,
        lines=[out.LineOut(line_no=n, area=str(l.area), part=str(l.part), service=l.service_code,
                           description=l.description, quantity=str(l.quantity), unit=l.unit,
                           unit_price=str(l.unit_price), amount=str(l.amount), vat_rate=str(l.vat_rate),
                           price_list=l.price_list_id, volume_records=list(l.volume_record_ids))
               for n, l in enumerate(doc.lines, start=1)])


@router.get("/documents/{number}/basis", response_model=out.BasisOut)
def basis(number: int, who: Viewer = Depends(viewer), session: Session = Depends(reading)) -> out.BasisOut:
    """Each line's price-list item and the volume records (with their files) it priced."""
    doc, traced = scoped_trace(session, who.user.scope, number)
    return out.BasisOut(number=number, lines=[
        out.BasisLineOut(line_no=t.line_no, description=t.line.description, amount=str(t.line.amount),
                         price_item=t.price_item, basis=[{k: _text(v) for k, v in item.items()} for item in t.basis])
        for t in traced])


@router.get("/documents/{number}/pdf", response_class=Response)
def pdf(request: Request, number: int, who: Viewer = Depends(viewer), session: Session = Depends(reading)):
    name, data = document_pdf(session, who.user.scope, number, request.app.state.centre.seller)
    return Response(data, media_type="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/documents/{number}/xml", response_class=Response)
def peppol(request: Request, number: int, who: Viewer = Depends(viewer), session: Session = Depends(reading)):
    name, data = document_peppol(session, who.user.scope, number, request.app.state.centre.seller)
    return Response(data, media_type="application/xml", headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/agency", response_model=out.AgencyOut)
def agency(offset: int = Offset, limit: int = Limit, agency: str | None = None, who: Viewer = Depends(viewer),
           session: Session = Depends(reading)) -> out.AgencyOut:
    """The agency's sizes, agreements, and the prices it pays this month (a page of them)."""
    found = scoped_agency(session, who.user.scope, required_agency(session, who, agency))
    prices = prices_now(session, found, date.today())
    offset, limit = page_bounds(offset, limit)
    return out.AgencyOut(
        organisation_number=found.organisation_number, name=found.name,
        sizes=[{"from": s.effective.isoformat(), "employees": s.employees} for s in found.sizes],
        agreements=[out.AgreementOut(area=str(a.area), connected_on=a.connected_on.isoformat(),
                                     ends_on=a.ends_on.isoformat() if a.ends_on else None,
                                     buyer_reference=a.buyer_reference, price_series=a.price_series,
                                     services=list(a.services) if a.services is not None else None,
                                     agreed_prices={c: str(p) for c, p in a.agreed_prices})
                    for a in found.agreements],
        prices=[out.PriceOut(area=str(p.area), service=p.code, name=p.name, unit=p.unit, price=str(p.price),
                             source=p.source) for p in prices[offset:offset + limit]],
        prices_total=len(prices), offset=offset, limit=limit)


@router.post("/volumes", response_model=out.VolumesOut)
async def volumes(request: Request, who: Viewer = Depends(checked_viewer)) -> out.VolumesOut:
    """A month's volumes, all or nothing: JSON ({"records": [...]}, quantities as strings), or a
    CSV file or workbook as the body (Content-Type text/csv or the xlsx type; ?name=FILE)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json":
        try:
            given = out.VolumesIn.model_validate_json(await request.body())
        except ValueError as error:
            raise DataError.single(f"not a volumes document: {error}") from None
        name, content = "records.json", _as_csv(given)
    else:
        name, content = request.query_params.get("name", "volymer.csv"), await request.body()
    try:
        result = received_volumes(request, who, name, content)
    except DataError as error:
        if kind == "application/json":  # line n of the CSV made of them is record n - 2
            raise DataError([Problem(p.message, "records", None if p.line is None else p.line - 2, p.field)
                             for p in error.problems], error.omitted) from None
        raise
    return out.VolumesOut(added=result.added, skipped=result.skipped)


@router.get("/staff/months/{period}", response_model=out.MonthStatusOut)
def month_state(period: str, offset: int = Offset, limit: int = Limit, who: Viewer = Depends(staff),
                session: Session = Depends(reading)) -> out.MonthStatusOut:
    """Volumes per agency against the previous month (a page of agencies), the run's guards and the dry run."""
    status = month_status(session, month(period), date.today())
    offset, limit = page_bounds(offset, limit)
    preview = status.preview
    return out.MonthStatusOut(
        period=str(status.month), previous=str(status.previous), billed=status.billed, refused=list(status.refused),
        would_issue=len(preview.issuable) if preview else None,
        would_hold_back=len(preview.held) if preview else None,
        would_issue_payable=str(sum((d.document.totals.payable for d in preview.issuable), Decimal(0)))
        if preview else None,
        agencies=[out.AgencyVolumesOut(organisation_number=a.organisation_number, name=a.name, services=[
            {"service": code, "quantity": str(now), "previous": str(before)} for code, now, before in a.services])
            for a in status.agencies[offset:offset + limit]],
        total=len(status.agencies), offset=offset, limit=limit)


@router.post("/staff/months/{period}/issue", response_model=out.IssueOut)
def issue(request: Request, period: str, body: out.IssueIn, who: Viewer = Depends(staff)) -> out.IssueOut:
    """Bill the month, as 'billing run' does (the same lock and guards), after the confirmation "UTFÄRDA"."""
    wanted = month(period)
    if body.confirm != CONFIRMATION:
        raise DataError.single(f"confirm with {CONFIRMATION!r}")
    with acting_as(who.user.actor), writing(request) as session:
        result = run_month(session, wanted, date.today())
    return out.IssueOut(period=str(wanted), issued=len(result.invoices),
                        numbers=[i.number for i in result.invoices],
                        payable=str(sum((i.totals.payable for i in result.invoices), Decimal(0))))


@router.get("/events", response_model=out.EventPage)
def events(offset: int = Offset, limit: int = Limit, who: Viewer = Depends(staff),
           session: Session = Depends(reading)) -> out.EventPage:
    """The event log, newest first."""
    offset, limit = page_bounds(offset, limit)
    rows, total = event_page(session, offset, limit)
    return out.EventPage(items=[out.EventOut(id=e.id, occurred_at=e.occurred_at.isoformat(), user=e.os_user,
                                             action=e.action, arguments=e.arguments, summary=e.summary)
                                for e in rows], total=total, offset=offset, limit=limit)


def _head(head, status) -> out.DocumentHeadOut:
    return out.DocumentHeadOut(number=head.number, kind=str(head.kind), status=str(status) if status else None,
                               organisation_number=head.organisation_number, agency_name=head.agency_name,
                               period=str(head.period), issue_date=head.issue_date.isoformat(),
                               due_date=head.due_date.isoformat(), payable=str(head.payable))


def _text(value):
    return value if value is None or isinstance(value, int) else str(value)


def _as_csv(given: out.VolumesIn) -> bytes:
    """The records as a volumes CSV file: the same reader and checks as any file."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["period", "organisation_number", "service", "quantity", "source", "reference"])
    for r in given.records:
        writer.writerow([r.period, r.organisation_number, r.service, str(r.quantity), r.source, r.reference])
    return text.getvalue().encode("utf-8")
