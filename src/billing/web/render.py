"""Pages from the templates in web/templates (and the charts' macro of
reports/templates), escaped automatically: a name from a file or the
database is always text. Numbers the Swedish way (reports/swedish.py)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined

from billing.reports import swedish
from billing.web.security import CSRF_FIELD, Viewer

_ENVIRONMENT = Environment(loader=ChoiceLoader([PackageLoader("billing.web", "templates"),
                                                PackageLoader("billing.reports", "templates")]),
                           autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
_ENVIRONMENT.filters.update(amount=swedish.amount, kronor=swedish.kronor, number=swedish.number,
                            percent=swedish.percent)


def page(request: Request, template: str, who: Viewer | None, code: int = 200, **context: object) -> HTMLResponse:
    html = _ENVIRONMENT.get_template(template).render(request=request, who=who, csrf_field=CSRF_FIELD,
                                                      **context)
    return HTMLResponse(html, status_code=code)
