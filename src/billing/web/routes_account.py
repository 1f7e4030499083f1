"""Signing in and out, the start page, and the health check."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy import text
from sqlalchemy.orm import Session

from billing.services.users import SignInRefused, sign_in, sign_out
from billing.web.database import reading, writing
from billing.web.render import page
from billing.web.security import (LOGIN_CSRF_COOKIE, SESSION_COOKIE, Viewer, checked_viewer, viewer)

router = APIRouter(include_in_schema=False)


def _cookie(request: Request, response: Response, name: str, value: str, max_age: int | None = None) -> None:
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="strict", path="/",
                        secure=request.app.state.config.secure_cookies)


@router.get("/health")
def health(session: Session = Depends(reading)) -> JSONResponse:
    session.execute(text("SELECT 1"))
    return JSONResponse({"status": "ok"})


@router.get("/login")
def login_form(request: Request) -> Response:
    token = secrets.token_urlsafe(32)
    response = page(request, "login.html", None, login_csrf=token, error="")
    _cookie(request, response, LOGIN_CSRF_COOKIE, token, 3600)
    return response


@router.post("/login")
def login(request: Request, name: str = Form(""), password: str = Form(""), csrf: str = Form("")) -> Response:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not secrets.compare_digest(csrf.encode(), expected.encode()):
        return _login_again(request, "Formuläret hade gått ut. Försök igen.", 403)
    address = request.client.host if request.client else "unknown"
    refused = None
    with writing(request) as session:
        try:
            signed_in = sign_in(session, name, password, address)
        except SignInRefused as error:
            refused = error  # the failure is recorded: this transaction commits it
    if refused is not None:
        if refused.locked:
            return _login_again(request, "För många misslyckade inloggningar. Vänta 15 minuter.", 429)
        return _login_again(request, "Fel användarnamn eller lösenord.", 401)
    response = RedirectResponse("/", 303)
    _cookie(request, response, SESSION_COOKIE, signed_in.key)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
    return response


def _login_again(request: Request, error: str, status: int) -> Response:
    token = secrets.token_urlsafe(32)
    response = page(request, "login.html", None, status, login_csrf=token, error=error)
    _cookie(request, response, LOGIN_CSRF_COOKIE, token, 3600)
    return response


@router.post("/logout")
def logout(request: Request, who: Viewer = Depends(checked_viewer)) -> Response:
    if who.session_key:
        with writing(request) as session:
            sign_out(session, who.session_key)
    response = RedirectResponse("/login", 303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/")
def start(who: Viewer = Depends(viewer)) -> Response:
    return RedirectResponse("/staff/months" if who.user.is_staff else "/documents", 303)
