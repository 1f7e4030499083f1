"""The centre's staff: the month's status before billing it, issuing it after
an explicit confirmation (the run of `billing run`, its lock and its guards,
recorded as the web user), the audit report and the event log."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from billing.errors import DataError
from billing.period import Month
from billing.reports.audit_page import audit_html
from billing.services.audit import run_audit
from billing.services.billing_run import run_month
from billing.services.events import acting_as, event_page
from billing.services.month_status import month_status
from billing.web.database import reading, writing
from billing.web.forms import month
from billing.web.render import page
from billing.web.security import Viewer, staff

router = APIRouter(include_in_schema=False)
CONFIRMATION = "UTFÄRDA"


@router.get("/staff/months")
def months(request: Request, period: str | None = None, who: Viewer = Depends(staff)) -> Response:
    wanted = period or str(Month.of(date.today()).previous())
    return RedirectResponse(f"/staff/months/{month(wanted)}", 303)


@router.get("/staff/months/{period}")
def month_page(request: Request, period: str, who: Viewer = Depends(staff),
               session: Session = Depends(reading)) -> Response:
    status = month_status(session, month(period), date.today())
    return page(request, "staff_month.html", who, status=status, confirmation=CONFIRMATION, issued=None)


@router.post("/staff/months/{period}/issue")
def issue(request: Request, period: str, confirm: str = Form(""), who: Viewer = Depends(staff)) -> Response:
    wanted = month(period)
    if confirm.strip() != CONFIRMATION:
        raise DataError.single(f"type {CONFIRMATION} to confirm that {wanted} is to be issued")
    with acting_as(who.user.actor), writing(request) as session:
        result = run_month(session, wanted, date.today())
    with Session(request.app.state.reader) as session:
        status = month_status(session, wanted, date.today())
    return page(request, "staff_month.html", who, status=status, confirmation=CONFIRMATION, issued=result)


@router.get("/staff/audit/{period}")
def audit(period: str, who: Viewer = Depends(staff), session: Session = Depends(reading)) -> Response:
    wanted = month(period)
    report = run_audit(session, wanted, wanted)
    return HTMLResponse(audit_html(report))


@router.get("/staff/events")
def events(request: Request, offset: int = Query(0, ge=0), who: Viewer = Depends(staff),
           session: Session = Depends(reading)) -> Response:
    rows, total = event_page(session, offset, 100)
    return page(request, "staff_events.html", who, rows=rows, total=total, offset=offset, limit=100)
