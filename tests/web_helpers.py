"""The web application on a test database: the world billed for two months,
a user of Alfaverket, one of Betaverket and one of the staff, and a test
client signed in as one of them (FastAPI's, over https://testserver so the
secure cookie is sent)."""

from __future__ import annotations

import re
from pathlib import Path

import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from billing.files.centre_file import DEFAULT_CENTRE_FILE
from billing.services.users import UserKind, add_user
from billing.web.app import create_app
from billing.web.config import AppConfig
from db_helpers import ORG_A, ORG_B, WORLD_AGENCIES, billed

PASSWORD = "rätt häftklammer 42"
USERS = {"alfa": (UserKind.AGENCY, ORG_A), "beta": (UserKind.AGENCY, ORG_B), "personal": (UserKind.STAFF, None)}
_CSRF = re.compile(r'name="csrf" value="([^"]*)"')


def web_world(engine: sa.Engine, tmp_path: Path, agencies_text: str = WORLD_AGENCIES):
    """The world billed for 2012-11 (invoices 1 A, 2 B, 3 C) and 2012-12 (4 A, 5 B, 6 C), and the users."""
    world = billed(engine, tmp_path, months=("2012-11", "2012-12"), agencies_text=agencies_text)
    with Session(engine) as session, session.begin():
        for name, (kind, agency) in USERS.items():
            add_user(session, name, PASSWORD, kind, agency)
    return world


def client_for(database_url: str) -> TestClient:
    app = create_app(AppConfig(database_url, DEFAULT_CENTRE_FILE, auto_upgrade=False))
    return TestClient(app, base_url="https://testserver", follow_redirects=False)


def csrf_of(html: str) -> str:
    return _CSRF.search(html).group(1)


def signed_in(client: TestClient, name: str, password: str = PASSWORD) -> TestClient:
    form = client.get("/login")
    answer = client.post("/login", data={"name": name, "password": password, "csrf": csrf_of(form.text)})
    assert answer.status_code == 303, answer.text
    return client


def page_csrf(client: TestClient, path: str = "/documents") -> str:
    return csrf_of(client.get(path).text)
