"""Who is asking: the signed-in user of a browser session (cookie) or of an
API token (Authorization: Bearer), and the checks every route makes.

Every route but sign-in and the health check depends on `viewer`; the
route-walk test (tests/test_web_authorisation.py) checks that no other route
answers without one. Forms are protected against cross-site requests by the
session's CSRF token (a hidden field, or the X-CSRF-Token header), besides
the cookie being SameSite=Strict; a request with a token carries no cookie
and needs none.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from billing.services.users import WebUser, session_user, token_user
from billing.web.database import reading

SESSION_COOKIE = "billing_session"
LOGIN_CSRF_COOKIE = "billing_login_csrf"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
# Routes that answer without a user; everything else needs one.
PUBLIC_PATHS = frozenset({"/login", "/health"})


class Unauthenticated(Exception):
    """No user: a page sends the browser to sign in, the API answers 401."""


class Forbidden(Exception):
    """A user who may not do this (staff only, or a form without its CSRF token)."""


@dataclass(frozen=True, slots=True)
class Viewer:
    user: WebUser
    csrf: str | None  # the session's CSRF token; None for an API token
    session_key: str | None = None


def viewer(request: Request, session: Session = Depends(reading)) -> Viewer:
    authorization = request.headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        user = token_user(session, authorization[7:].strip())
        if user is None:
            raise Unauthenticated()
        return Viewer(user, None)
    key = request.cookies.get(SESSION_COOKIE)
    found = session_user(session, key) if key else None
    if found is None:
        raise Unauthenticated()
    return Viewer(found[0], found[1], key)


async def checked_viewer(request: Request, who: Viewer = Depends(viewer)) -> Viewer:
    """The viewer, and for a change made from a browser session, its CSRF token checked."""
    if request.method not in ("GET", "HEAD") and who.csrf is not None:
        given = request.headers.get(CSRF_HEADER, "")
        kind = request.headers.get("content-type", "")
        # The API's bodies are its own (JSON, a file): a session there sends the header.
        if not given and not request.url.path.startswith("/api/") and kind.startswith(
                ("application/x-www-form-urlencoded", "multipart/form-data")):
            given = str((await request.form()).get(CSRF_FIELD) or "")
        if not secrets.compare_digest(given.encode(), who.csrf.encode()):
            raise Forbidden("the form's CSRF token is missing or wrong: reload the page and try again")
    return who


def staff(who: Viewer = Depends(checked_viewer)) -> Viewer:
    if not who.user.is_staff:
        raise Forbidden("for the centre's staff only")
    return who
