"""The JSON API (/api/v1) with FastAPI's test client, on SQLite and PostgreSQL:
tokens made by `billing users token`, amounts as decimal strings, pages on
every list, volumes as JSON with located errors, the month issued by staff."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from billing.persistence.models import ApiTokenRow, EventRow, VolumeRow, WebUserRow
from db_helpers import ORG_A, ORG_B, scalar
from helpers_cli import cli
from web_helpers import PASSWORD, client_for, signed_in, web_world


def _token(database_url: str, user: str) -> str:
    result = cli(database_url, "users", "token", user, "--label", "lönesystemet")
    assert result.exit_code == 0, result.output
    return result.stdout.strip().splitlines()[-1]


def test_users_and_tokens_are_made_by_the_command_line_and_kept_as_hashes(engine, database_url, tmp_path):
    web_world(engine, tmp_path)
    added = cli(database_url, "users", "add", "gamma", "--agency", "Gammaverket", "--password-stdin")
    assert added.exit_code == 1 and "at least 12 characters" in added.output  # an empty password
    from typer.testing import CliRunner
    from billing.cli.app import app
    added = CliRunner().invoke(app, ["--database-url", database_url, "users", "add", "gamma", "--agency",
                                     "202100-0027", "--password-stdin"], input="ett långt lösenord\n")
    assert added.exit_code == 0, added.output
    assert "User gamma added (agency 202100-0027 Gammaverket)" in added.output
    token = _token(database_url, "gamma")
    with Session(engine) as session:
        hashes = list(session.scalars(sa.select(WebUserRow.password_hash))) + \
            list(session.scalars(sa.select(ApiTokenRow.secret_hash)))
    assert all(h.startswith("$argon2id$") for h in hashes) and len(hashes) == 5
    assert not any("ett långt lösenord" in h or token.split(".")[1] in h for h in hashes)
    client = client_for(database_url)
    answer = client.get("/api/v1/documents", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200 and [d["number"] for d in answer.json()["items"]] == [6, 3]
    wrong = client.get("/api/v1/documents", headers={"Authorization": f"Bearer {token[:-2]}xx"})
    assert wrong.status_code == 401
    token_id = token.split(".")[0]
    assert cli(database_url, "users", "token", "gamma", "--revoke", token_id).exit_code == 0
    assert client.get("/api/v1/documents", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_a_document_with_amounts_as_decimal_strings(engine, database_url, tmp_path):
    web_world(engine, tmp_path)
    client = client_for(database_url)
    headers = {"Authorization": f"Bearer {_token(database_url, 'alfa')}"}
    doc = client.get("/api/v1/documents/1", headers=headers).json()
    # Alfa's November: 3000.00 fixed + 1 x 40.00 + 3 payslips x 66.00 = 3238.00; VAT 809.50;
    # 4047.50 rounds half up to 4048.
    assert (doc["net"], doc["vat"], doc["rounding"], doc["payable"]) == ("3238.00", "809.50", "0.50", "4048")
    assert doc["status"] == "in-force"
    payslips = [l for l in doc["lines"] if l["service"] == "PAY-SLIP-DEV"]
    assert [(l["quantity"], l["unit_price"], l["amount"]) for l in payslips] == [("3", "66.00", "198.00")]
    basis = client.get("/api/v1/documents/1/basis", headers=headers).json()
    [line] = [l for l in basis["lines"] if l["line_no"] == payslips[0]["line_no"]]
    [record] = line["basis"]
    assert record["quantity"] == "3" and record["file"].endswith("volumes-2012-11.csv") and record["line"] == 2
    assert "standard-2012-06" in line["price_item"]
    pdf = client.get("/api/v1/documents/1/pdf", headers=headers)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xml = client.get("/api/v1/documents/1/xml", headers=headers)
    assert xml.status_code == 200 and b"<cbc:PayableAmount" in xml.content


def test_every_list_is_a_page(engine, database_url, tmp_path):
    web_world(engine, tmp_path)
    client = signed_in(client_for(database_url), "personal")
    first = client.get("/api/v1/documents", params={"limit": 4}).json()
    rest = client.get("/api/v1/documents", params={"limit": 4, "offset": 4}).json()
    assert (first["total"], first["limit"], len(first["items"]), len(rest["items"])) == (6, 4, 4, 2)
    assert [d["number"] for d in first["items"] + rest["items"]] == [6, 5, 4, 3, 2, 1]
    assert client.get("/api/v1/documents", params={"limit": 10_000}).status_code == 422
    events = client.get("/api/v1/events", params={"limit": 2}).json()
    assert len(events["items"]) == 2 and events["total"] > 2
    spec = client.get("/api/v1/openapi.json").json()
    for path, operations in spec["paths"].items():
        get = operations.get("get", {})
        schema = get.get("responses", {}).get("200", {}).get("content", {}).get("application/json", {})
        ref = schema.get("schema", {}).get("$ref", "")
        if ref.endswith("Page"):
            assert {"offset", "limit"} <= {p["name"] for p in get["parameters"]}, path


def test_volumes_as_json_all_or_nothing_with_the_record_named(engine, database_url, tmp_path):
    web_world(engine, tmp_path)
    client = signed_in(client_for(database_url), "alfa")
    csrf_free = client_for(database_url)
    headers = {"Authorization": f"Bearer {_token(database_url, 'alfa')}"}
    before = scalar(engine, sa.select(sa.func.count()).select_from(VolumeRow))
    other = csrf_free.post("/api/v1/volumes", headers=headers, json={"records": [
        {"period": "2013-01", "organisation_number": ORG_A, "service": "PAY-SLIP-DEV", "quantity": "5"},
        {"period": "2013-01", "organisation_number": ORG_B, "service": "PAY-SLIP-DEV", "quantity": "2"}]})
    # Record 1 (counted from 0) is another agency's: refused, and record 0 with it.
    assert other.status_code == 400
    assert [p.split(": ")[0] for p in other.json()["problems"]] == ["records:1 [organisation_number]"]
    assert ORG_B in other.json()["problems"][0]
    unknown = csrf_free.post("/api/v1/volumes", headers=headers, json={"records": [
        {"period": "2013-01", "organisation_number": ORG_A, "service": "PAY-SLIP-DEV", "quantity": "5"},
        {"period": "2013-01", "organisation_number": ORG_A, "service": "NO-SUCH", "quantity": "1"}]})
    assert unknown.json()["problems"] == ["records:1 [service]: unknown service NO-SUCH"]
    assert scalar(engine, sa.select(sa.func.count()).select_from(VolumeRow)) == before
    good = csrf_free.post("/api/v1/volumes", headers=headers, json={"records": [
        {"period": "2013-01", "organisation_number": ORG_A, "service": "PAY-SLIP-DEV", "quantity": "5"}]})
    assert good.status_code == 200 and good.json() == {"added": 1, "skipped": 0}
    billed = csrf_free.post("/api/v1/volumes", headers=headers, json={"records": [
        {"period": "2012-12", "organisation_number": ORG_A, "service": "PAY-SLIP-ATT", "quantity": "1"}]})
    assert billed.status_code == 400 and "already billed" in billed.text
    # A browser session posting to the API without its CSRF header is refused.
    assert client.post("/api/v1/volumes", json={"records": []}).status_code == 403
    with Session(engine) as session:
        imported_by = session.scalars(sa.select(EventRow.os_user).where(EventRow.action == "volumes.import")
                                      .order_by(EventRow.id.desc())).first()
    assert imported_by == "web:alfa"


def test_staff_issue_the_month_after_confirming_it(engine, database_url, tmp_path):
    web_world(engine, tmp_path)
    client = client_for(database_url)
    staff = {"Authorization": f"Bearer {_token(database_url, 'personal')}"}
    agency = {"Authorization": f"Bearer {_token(database_url, 'alfa')}"}
    assert client.post("/api/v1/staff/months/2013-01/issue", headers=agency, json={"confirm": "UTFÄRDA"}
                       ).status_code == 403
    status = client.get("/api/v1/staff/months/2012-12", headers=staff).json()
    assert status["billed"] is True and status["refused"] and "already billed" in status["refused"][0]
    unconfirmed = client.post("/api/v1/staff/months/2013-01/issue", headers=staff, json={"confirm": "ja"})
    assert unconfirmed.status_code == 400
    # January has no volumes: the run's own guard stops it, as 'billing run' would.
    refused = client.post("/api/v1/staff/months/2013-01/issue", headers=staff, json={"confirm": "UTFÄRDA"})
    assert refused.status_code == 400 and "look missing" in refused.text
    assert scalar(engine, sa.select(sa.func.count()).select_from(EventRow).where(EventRow.action == "run")) == 2


def test_failed_sign_ins_are_logged_and_limited(engine, database_url, tmp_path):
    web_world(engine, tmp_path)
    client = client_for(database_url)
    for _ in range(5):
        form = client.get("/login")
        csrf = form.text.split('name="csrf" value="')[1].split('"')[0]
        answer = client.post("/login", data={"name": "alfa", "password": "fel", "csrf": csrf})
        assert answer.status_code == 401 and "Fel användarnamn eller lösenord" in answer.text
    form = client.get("/login")
    csrf = form.text.split('name="csrf" value="')[1].split('"')[0]
    locked = client.post("/login", data={"name": "alfa", "password": PASSWORD, "csrf": csrf})
    assert locked.status_code == 429 and "billing_session" not in locked.headers.get("set-cookie", "")
    with Session(engine) as session:
        failed = session.scalars(sa.select(EventRow).where(EventRow.action == "web.sign-in-failed")).all()
    assert len(failed) == 6 and {e.arguments["user"] for e in failed} == {"alfa"}
    # Another user signs in, with the cookie's flags.
    form = client.get("/login")
    csrf = form.text.split('name="csrf" value="')[1].split('"')[0]
    ok = client.post("/login", data={"name": "beta", "password": PASSWORD, "csrf": csrf})
    cookie = ok.headers["set-cookie"].lower()
    assert ok.status_code == 303 and "billing_session=" in cookie
    assert "httponly" in cookie and "secure" in cookie and "samesite=strict" in cookie


def test_statuses_in_the_list_follow_a_correction(engine, database_url, tmp_path):
    from billing.services.users import UserKind, add_user
    from db_helpers import billed_and_corrected
    billed_and_corrected(engine, tmp_path)  # credit note 4 credits invoice 1, invoice 5 replaces it
    with Session(engine) as session, session.begin():
        add_user(session, "alfa", PASSWORD, UserKind.AGENCY, ORG_A)
    client = signed_in(client_for(database_url), "alfa")
    listed = client.get("/api/v1/documents").json()["items"]
    assert [(d["number"], d["kind"], d["status"]) for d in listed] == [
        (5, "invoice", "in-force"), (4, "credit_note", None), (1, "invoice", "replaced")]
    assert client.get("/api/v1/documents/1").json()["status"] == "replaced"


def test_volumes_as_a_workbook_with_the_bad_cell_named(engine, database_url, tmp_path):
    import io

    from openpyxl import Workbook
    web_world(engine, tmp_path)
    client = client_for(database_url)
    headers = {"Authorization": f"Bearer {_token(database_url, 'alfa')}",
               "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    book = Workbook()
    sheet = book.active
    sheet.title = "Januari"
    for row in (["Månad", "Orgnr", "Tjänst", "Antal"], ["2013-01", ORG_A, "PAY-SLIP-DEV", 5],
                ["2013-01", ORG_A, "PAY-SLIP-ATT", "många"]):
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    bad = client.post("/api/v1/volumes", params={"name": "januari.xlsx"}, headers=headers, content=data.getvalue())
    assert bad.status_code == 400
    [problem] = bad.json()["problems"]
    # Recorded under the name it was sent with, by the web user; the row is the sheet's.
    assert problem == "web:alfa/januari.xlsx:3 [quantity]: not a number: 'många'"
    sheet.delete_rows(3)
    data = io.BytesIO()
    book.save(data)
    good = client.post("/api/v1/volumes", params={"name": "januari.xlsx"}, headers=headers, content=data.getvalue())
    assert good.status_code == 200 and good.json() == {"added": 1, "skipped": 0}
