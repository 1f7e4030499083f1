"""The web application: the routers of each area, the answers to errors, and
the headers every answer carries. `create_app` makes it on a database;
`app_from_environment` is what uvicorn's workers call (`billing serve`)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import SQLAlchemyError

from billing.errors import BillingError, DataError
from billing.files.centre_file import load_centre
from billing.services.customer_view import NotFound
from billing.services.database import create_engine_for, for_reading, prepare_schema
from billing.web import (routes_account, routes_api, routes_documents, routes_receivables, routes_staff,
                         routes_volumes)
from billing.web.config import AppConfig
from billing.web.render import page
from billing.web.security import Forbidden, Unauthenticated

# No script runs, nothing is fetched from elsewhere, no page is framed.
_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
# Each area of the application is a router of its own; a new area (receivables,
# payments) is a module added here, and the authorisation test walks it too.
ROUTERS = (routes_account.router, routes_documents.router, routes_volumes.router, routes_staff.router,
           routes_api.router, routes_receivables.router)


def create_app(config: AppConfig) -> FastAPI:
    engine = create_engine_for(config.database_url)
    prepare_schema(engine, may_create=config.auto_upgrade, auto_upgrade=config.auto_upgrade)
    app = FastAPI(title="billing", version="1", description="Fakturor, underlag och volymer för kundmyndigheter",
                  docs_url=None, redoc_url=None, openapi_url=None)
    app.state.engine, app.state.reader, app.state.config = engine, for_reading(engine), config
    app.state.centre = load_centre(config.centre)
    for router in ROUTERS:
        app.include_router(router)
    _answers(app)

    @app.middleware("http")
    async def _headers(request: Request, call_next):
        response = await call_next(request)
        response.headers.update(_HEADERS)
        if request.url.path != "/health":
            response.headers["Cache-Control"] = "no-store"
        return response
    return app


def app_from_environment() -> FastAPI:
    return create_app(AppConfig.from_environment())


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _answers(app: FastAPI) -> None:
    @app.exception_handler(Unauthenticated)
    async def _unauthenticated(request: Request, _: Unauthenticated) -> Response:
        if _is_api(request):
            return JSONResponse({"error": "sign in: a session or 'Authorization: Bearer TOKEN'"}, 401,
                                headers={"WWW-Authenticate": "Bearer"})
        return RedirectResponse("/login", 303)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, error: Forbidden) -> Response:
        return _error(request, 403, "Åtkomst nekad", [str(error)])

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, error: NotFound) -> Response:
        return _error(request, 404, "Hittades inte", [str(error)])

    @app.exception_handler(DataError)
    async def _data_error(request: Request, error: DataError) -> Response:
        problems = [str(p) for p in error.problems]
        if error.omitted:
            problems.append(f"… and {error.omitted} more")
        return _error(request, 400, "Uppgifterna kunde inte godtas; inget ändrades", problems)

    @app.exception_handler(BillingError)
    async def _billing_error(request: Request, error: BillingError) -> Response:
        return _error(request, 409, "Det gick inte", [str(error)])

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, error: RequestValidationError) -> Response:
        problems = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()]
        return _error(request, 422, "Felaktig begäran", problems)

    @app.exception_handler(SQLAlchemyError)
    async def _database(request: Request, error: SQLAlchemyError) -> Response:
        return _error(request, 503, "Databasen svarade inte som väntat; inget ändrades",
                      [type(error).__name__])


def _error(request: Request, status: int, title: str, problems: list[str]) -> Response:
    if _is_api(request):
        return JSONResponse({"error": title, "problems": problems}, status)
    return page(request, "error.html", None, status, title=title, problems=problems)


def route_table(app: FastAPI) -> list[tuple[str, frozenset[str], object]]:
    """(path, methods, route) of every route the application answers, routers
    included (FastAPI may keep an included router as one entry of app.routes)."""
    found: list[tuple[str, frozenset[str], object]] = []

    def walk(routes, prefix: str) -> None:
        for route in routes:
            included = getattr(route, "original_router", None)
            if included is not None:
                walk(included.routes, prefix + route.include_context.prefix)
            elif hasattr(route, "path"):
                found.append((prefix + route.path, frozenset(getattr(route, "methods", None) or {"GET"}), route))
    walk(app.routes, "")
    return found
