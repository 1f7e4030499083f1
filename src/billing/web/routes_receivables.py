"""Receivables: an agency's open items and its payments with their
applications; for the staff, every agency's open items with the ageing and
the payments nobody is known for. Pages and /api/v1, on a day (?as_of=DATE,
today when not given). Reads through services/receivables*.py only."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from billing.payments.ageing import BUCKET_KEYS, BUCKETS
from billing.payments.ledger import Application
from billing.services.customer_view import MAX_PAGE, page_bounds
from billing.services.receivables import AgencyLedger, PaymentEntry, agency_ledger, scoped_payment
from billing.services.receivables_report import receivables_on
from billing.web import api_models as out
from billing.web.database import reading
from billing.web.render import page
from billing.web.scope import chosen_agency, required_agency
from billing.web.security import Viewer, staff, viewer

router = APIRouter()
Offset = Query(0, ge=0)
Limit = Query(50, ge=1, le=MAX_PAGE)
_AGEING_COLUMNS = tuple(zip(BUCKET_KEYS, (label for label, _, _ in BUCKETS)))


@router.get("/receivables", include_in_schema=False)
def receivables_page(request: Request, as_of: date | None = None, agency: str | None = None,
                     who: Viewer = Depends(viewer), session: Session = Depends(reading)) -> Response:
    agency_id = chosen_agency(session, who, agency)
    if agency_id is None:
        return RedirectResponse("/staff/receivables" + (f"?as_of={as_of}" if as_of else ""), 303)
    ledger = agency_ledger(session, who.user.scope, agency_id, as_of, date.today())
    return page(request, "receivables.html", who, ledger=ledger, as_of=as_of or "", agency=agency or "")


@router.get("/staff/receivables", include_in_schema=False)
def staff_receivables_page(request: Request, as_of: date | None = None, who: Viewer = Depends(staff),
                           session: Session = Depends(reading)) -> Response:
    report = receivables_on(session, as_of, date.today())
    return page(request, "staff_receivables.html", who, report=report, columns=_AGEING_COLUMNS,
                as_of=as_of or "")


@router.get("/api/v1/receivables", response_model=out.OpenItemPage, tags=["api"])
def open_items(as_of: date | None = None, offset: int = Offset, limit: int = Limit, agency: str | None = None,
               who: Viewer = Depends(viewer), session: Session = Depends(reading)) -> out.OpenItemPage:
    """The agency's open items on a day (staff: ?agency=ORGNR), by due date; amounts as decimal strings."""
    ledger = _ledger(session, who, agency, as_of)
    offset, limit = page_bounds(offset, limit)
    return out.OpenItemPage(
        as_of=ledger.day.isoformat(), credit_balance=str(ledger.credit_balance), total=len(ledger.items),
        offset=offset, limit=limit,
        items=[out.OpenItemOut(document=i.document.number, kind=str(i.document.kind),
                               issue_date=i.document.issue_date.isoformat(), due_date=i.document.due_date.isoformat(),
                               original=str(i.original), paid=str(i.paid), open=str(i.open),
                               days_overdue=i.days_overdue(ledger.day))
               for i in ledger.items[offset:offset + limit]])


@router.get("/api/v1/payments", response_model=out.PaymentPage, tags=["api"])
def payments(as_of: date | None = None, offset: int = Offset, limit: int = Limit, agency: str | None = None,
             who: Viewer = Depends(viewer), session: Session = Depends(reading)) -> out.PaymentPage:
    """The agency's payments booked by a day (staff: ?agency=ORGNR), each with its applications."""
    ledger = _ledger(session, who, agency, as_of)
    offset, limit = page_bounds(offset, limit)
    return out.PaymentPage(as_of=ledger.day.isoformat(), total=len(ledger.payments), offset=offset, limit=limit,
                           items=[_payment(e) for e in ledger.payments[offset:offset + limit]])


@router.get("/api/v1/payments/{payment}", response_model=out.PaymentOut, tags=["api"])
def payment(payment: int, who: Viewer = Depends(viewer), session: Session = Depends(reading)) -> out.PaymentOut:
    return _payment(scoped_payment(session, who.user.scope, payment))


@router.get("/api/v1/staff/receivables", response_model=out.ReceivablesOut, tags=["api"])
def receivables(as_of: date | None = None, offset: int = Offset, limit: int = Limit, who: Viewer = Depends(staff),
                session: Session = Depends(reading)) -> out.ReceivablesOut:
    """Every agency's open items on a day (a page of them), the ageing and the unapplied payments."""
    report = receivables_on(session, as_of, date.today())
    offset, limit = page_bounds(offset, limit)
    return out.ReceivablesOut(
        as_of=report.day.isoformat(), total=len(report.items), offset=offset, limit=limit,
        items=[out.ReceivableOut(**{k: _text(v) for k, v in row.items() if k in out.ReceivableOut.model_fields})
               for row in report.items[offset:offset + limit]],
        ageing=[{k: _text(v) for k, v in row.items()} for row in report.ageing],
        ageing_total={k: str(v) for k, v in report.total.items()},
        unapplied=[out.UnappliedOut(**{k: _text(v) for k, v in row.items()}) for row in report.unapplied])


def _ledger(session: Session, who: Viewer, agency: str | None, as_of: date | None) -> AgencyLedger:
    return agency_ledger(session, who.user.scope, required_agency(session, who, agency), as_of, date.today())


def _payment(entry: PaymentEntry) -> out.PaymentOut:
    p = entry.payment
    return out.PaymentOut(id=p.id, booked_on=p.booked_on.isoformat(), amount=str(p.amount), reference=p.reference,
                          left=str(entry.left), applications=[_application(a) for a in entry.applications])


def _application(a: Application) -> out.ApplicationOut:
    return out.ApplicationOut(id=a.id, document=a.document, amount=str(a.amount),
                              effective_on=a.effective_on.isoformat(), kind=str(a.kind), reverses=a.reverses)


def _text(value):
    """Amounts and days as text; numbers of documents and days overdue as they are."""
    return value if value is None or isinstance(value, (int, str)) else str(value)
