"""Authorisation on every route, proven by walking the application's route
table: a route added later is covered without a new test.

- Without a user, every route but sign-in and the health check refuses: a
  page sends the browser to /login, the API answers 401.
- A user of Alfaverket asking for anything of Betaverket by number (a
  document, its PDF, its XML, its basis, a payment) gets 404 or 403; every other page
  and list it may open, even when it names Betaverket (?agency=), shows
  nothing of Betaverket or Gammaverket; every staff route answers 403.
"""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from billing.services.receivables import import_bank_file
from billing.web.app import route_table
from billing.web.security import PUBLIC_PATHS
from db_helpers import ORG_B, ORG_C, write
from web_helpers import client_for, page_csrf, signed_in, web_world

# Values for the routes' path parameters: each names something of another
# agency than the signed-in one's (Betaverket's November invoice is number 2;
# payment 1 is Betaverket's, paying it: _betaverket_paid).
OTHERS = {"number": "2", "period": "2012-11", "payment": "1"}
OTHER_NAMES = ("Betaverket", "Gammaverket", ORG_B, ORG_C)
_PARAMETER = re.compile(r"{(\w+)}")


def _filled(path: str) -> str:
    names = _PARAMETER.findall(path)
    unknown = [n for n in names if n not in OTHERS]
    assert not unknown, f"{path}: add a value of another agency for {unknown} to OTHERS"
    for name in names:
        path = path.replace("{" + name + "}", OTHERS[name])
    return path


def _betaverket_paid(engine, tmp_path) -> None:
    """Payment 1: Betaverket's invoice 2 (OCR reference 232) paid in full."""
    bank = write(tmp_path, "bank.csv", "reference,amount,date\n232,19715.00,2013-01-02\n")
    with Session(engine) as session, session.begin():
        assert import_bank_file(session, bank).outcomes[0].agency_id is not None


def _routes(client):
    return [(path, method, route) for path, methods, route in route_table(client.app)
            for method in sorted(methods - {"HEAD"})]


def test_every_route_but_sign_in_and_health_needs_a_user(engine, database_url, tmp_path):
    web_world(engine, tmp_path)
    client = client_for(database_url)
    routes = _routes(client)
    assert len(routes) > 20  # the table was walked, routers included
    for path, method, _ in routes:
        answer = client.request(method, _filled(path))
        if path in PUBLIC_PATHS:  # answered, not sent to sign in (a sign-in without its form is refused)
            assert answer.status_code in (200, 403) and "location" not in answer.headers, (method, path)
            continue
        if path.startswith("/api/"):
            assert answer.status_code == 401, (method, path, answer.status_code)
        else:
            assert (answer.status_code, answer.headers.get("location")) == (303, "/login"), (method, path)


def test_an_agency_user_sees_nothing_of_another_agency(engine, database_url, tmp_path):
    web_world(engine, tmp_path)
    _betaverket_paid(engine, tmp_path)
    client = signed_in(client_for(database_url), "alfa")
    csrf = page_csrf(client)
    checked = 0
    for path, method, route in _routes(client):
        if path in PUBLIC_PATHS or path == "/logout":
            continue
        target = _filled(path)
        staff_only = path.startswith(("/staff", "/api/v1/staff", "/api/v1/events"))
        if method == "POST":
            answer = client.post(target, data={"csrf": csrf}, headers={"X-CSRF-Token": csrf})
            if staff_only:
                assert answer.status_code == 403, (method, path, answer.status_code)
            else:  # taking in volumes: nothing of another agency, tested on its own (test_web_volumes)
                assert answer.status_code in (400, 422), (method, path, answer.status_code)
            checked += 1
            continue
        for query in ("", f"?agency={ORG_B}", f"?agency={ORG_B}&period=2012-11"):
            answer = client.get(target + query, follow_redirects=True)
            if staff_only:
                assert answer.status_code == 403, (path, answer.status_code)
            elif "{number}" in path or "{payment}" in path:
                assert answer.status_code in (403, 404), (path, query, answer.status_code)
            else:
                assert answer.status_code == 200, (path, query, answer.status_code, answer.text[:300])
                for name in OTHER_NAMES:
                    assert name not in answer.text, (path, query, name)
            checked += 1
    assert checked > 30


def test_the_lists_of_an_agency_user_are_its_own_documents_only(engine, database_url, tmp_path):
    web_world(engine, tmp_path)
    client = signed_in(client_for(database_url), "alfa")
    listed = client.get("/api/v1/documents", params={"agency": ORG_B}).json()
    # Alfaverket's invoices 1 (2012-11) and 4 (2012-12), newest month first.
    assert [d["number"] for d in listed["items"]] == [4, 1] and listed["total"] == 2
    page = client.get("/documents").text
    assert 'href="/documents/1"' in page and 'href="/documents/4"' in page
    assert 'href="/documents/2"' not in page and 'href="/documents/5"' not in page
    for number in (1, 4):
        assert client.get(f"/documents/{number}/pdf").status_code == 200
    for number in (2, 3, 5, 6, 999):  # another agency's, and one that does not exist: told apart by nothing
        answers = {client.get(f"/api/v1/documents/{number}").status_code,
                   client.get(f"/documents/{number}").status_code}
        assert answers == {404}, number


def test_staff_see_every_agency(engine, database_url, tmp_path):
    web_world(engine, tmp_path)
    client = signed_in(client_for(database_url), "personal")
    listed = client.get("/api/v1/documents").json()
    assert listed["total"] == 6 and [d["number"] for d in listed["items"]] == [6, 5, 4, 3, 2, 1]
    assert client.get("/documents/2").status_code == 200
    assert "Betaverket" in client.get("/agreements", params={"agency": ORG_B}).text
