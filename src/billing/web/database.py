"""The database of a request: one session per request, on the engine the
application was made with. Reading sessions are rolled back at the end;
a change opens its own transaction (`writing`), which commits only if the
change completes, as a command does."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import Request
from sqlalchemy.orm import Session


def reading(request: Request) -> Iterator[Session]:
    with Session(request.app.state.reader) as session:
        try:
            yield session
        finally:
            session.rollback()


@contextmanager
def writing(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine) as session, session.begin():
        yield session
