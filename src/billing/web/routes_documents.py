"""An agency's pages: its documents month by month, one document with its
lines by area, each line's basis, the PDF and the Peppol XML; its agreements
and prices; its cost per month; a quote of adding a service area."""

from __future__ import annotations

from datetime import date
from itertools import groupby

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from billing.period import Month
from billing.reports.svg_chart import Series, stacked_columns
from billing.services.customer_view import (added_area_quote, addable_areas, document_page, document_pdf, document_peppol, monthly_cost,
                                            prices_now, scoped_agency, scoped_document, scoped_trace)
from billing.web.database import reading
from billing.web.forms import month_or_none
from billing.web.render import page
from billing.web.scope import chosen_agency
from billing.web.security import Viewer, viewer

router = APIRouter(include_in_schema=False)
PER_PAGE = 50


@router.get("/documents")
def documents(request: Request, offset: int = Query(0, ge=0), agency: str | None = None,
              period: str | None = None, who: Viewer = Depends(viewer),
              session: Session = Depends(reading)) -> Response:
    agency_id = chosen_agency(session, who, agency)
    found = document_page(session, who.user.scope, offset, PER_PAGE, month_or_none(period), agency_id)
    months = [(month, list(items)) for month, items in groupby(found.items, key=lambda item: item[0].period)]
    return page(request, "documents.html", who, found=found, months=months, agency=agency or "",
                period=period or "")


@router.get("/documents/{number}")
def document(request: Request, number: int, who: Viewer = Depends(viewer),
             session: Session = Depends(reading)) -> Response:
    doc, _, status = scoped_document(session, who.user.scope, number)
    areas = [(area, list(lines)) for area, lines in groupby(enumerate(doc.lines, start=1),
                                                            key=lambda item: item[1].area)]
    return page(request, "document.html", who, doc=doc, status=status, areas=areas)


@router.get("/documents/{number}/basis")
def basis(request: Request, number: int, who: Viewer = Depends(viewer),
          session: Session = Depends(reading)) -> Response:
    doc, traced = scoped_trace(session, who.user.scope, number)
    return page(request, "basis.html", who, doc=doc, traced=traced)


@router.get("/documents/{number}/pdf")
def pdf(request: Request, number: int, who: Viewer = Depends(viewer),
        session: Session = Depends(reading)) -> Response:
    name, data = document_pdf(session, who.user.scope, number, request.app.state.centre.seller)
    return Response(data, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/documents/{number}/xml")
def peppol(request: Request, number: int, who: Viewer = Depends(viewer),
           session: Session = Depends(reading)) -> Response:
    name, data = document_peppol(session, who.user.scope, number, request.app.state.centre.seller)
    return Response(data, media_type="application/xml",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/agreements")
def agreements(request: Request, agency: str | None = None, who: Viewer = Depends(viewer),
               session: Session = Depends(reading)) -> Response:
    agency_id = chosen_agency(session, who, agency)
    if agency_id is None:
        return page(request, "pick_agency.html", who, target="/agreements")
    found = scoped_agency(session, who.user.scope, agency_id)
    today = date.today()
    return page(request, "agreements.html", who, agency=found, prices=prices_now(session, found, today),
                month=Month.of(today))


@router.get("/costs")
def costs(request: Request, agency: str | None = None, who: Viewer = Depends(viewer),
          session: Session = Depends(reading)) -> Response:
    agency_id = chosen_agency(session, who, agency)
    if agency_id is None:
        return page(request, "pick_agency.html", who, target="/costs")
    found = scoped_agency(session, who.user.scope, agency_id)
    cost = monthly_cost(session, who.user.scope, agency_id)
    labels = [str(m) for m in cost.months]
    charts = [stacked_columns(labels, [Series(name, values) for name, values in series.items()], title)
              for title, series in ((f"Kostnad per månad och tjänsteområde, {found.name}", cost.by_area),
                                    (f"Kostnad per månad och kostnadsslag, {found.name}", cost.by_class))
              if cost.months]
    return page(request, "costs.html", who, agency=found, cost=cost, charts=charts)


@router.get("/quote")
def quote_page(request: Request, agency: str | None = None, area: str | None = None,
               who: Viewer = Depends(viewer), session: Session = Depends(reading)) -> Response:
    agency_id = chosen_agency(session, who, agency)
    if agency_id is None:
        return page(request, "pick_agency.html", who, target="/quote")
    found = scoped_agency(session, who.user.scope, agency_id)
    offer = added_area_quote(session, found, area, date.today()) if area else None
    return page(request, "quote.html", who, agency=found, areas=addable_areas(found, date.today()),
                area=area or "", offer=offer)
