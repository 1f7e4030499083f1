"""HTML pages from the Jinja2 templates in templates/, escaped automatically.

Every value a template writes is escaped (autoescape on, for every template),
so a name from a file or the database is always text, never markup; a missing
value is an error (StrictUndefined), never an empty cell. The filters format
numbers the Swedish way (reports.swedish). A page is self-contained: inline
style and SVG, nothing fetched, no script.
"""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, StrictUndefined

from billing.reports import swedish

_ENVIRONMENT = Environment(loader=PackageLoader("billing.reports", "templates"), autoescape=True,
                           undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                           keep_trailing_newline=True)
_ENVIRONMENT.filters.update(amount=swedish.amount, kronor=swedish.kronor, percent=swedish.percent, percent_as_given=swedish.percent_as_given,
                            number=swedish.number)


def render(template: str, **context: object) -> str:
    return _ENVIRONMENT.get_template(template).render(**context)
