"""The pages, with FastAPI's test client: an invoice's lines by area and
each line's basis, volumes uploaded with errors next to their rows, the
staff's month, audit and event log, the cost chart and the quote, and
hostile names shown as text."""

from __future__ import annotations

import lxml.html
import sqlalchemy as sa
from sqlalchemy.orm import Session

from billing.persistence.models import EventRow, VolumeRow
from db_helpers import ORG_A, ORG_B, WORLD_AGENCIES, scalar
from web_helpers import client_for, page_csrf, signed_in, web_world

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
HOSTILE = (WORLD_AGENCIES.replace('name = "Alfaverket"', f"name = '{SCRIPT}'")
           .replace('name = "Betaverket"', f"name = '{ATTRIBUTE}'"))


def _dom(text: str):
    return lxml.html.fromstring(text)


def test_an_invoice_by_area_and_a_line_followed_to_its_basis(engine, database_url, tmp_path):
    web_world(engine, tmp_path)
    client = signed_in(client_for(database_url), "beta")
    page = client.get("/documents/2")
    assert page.status_code == 200
    dom = _dom(page.text)
    captions = [c.text_content() for c in dom.xpath("//table/caption")]
    assert captions == ["Lönerelaterade tjänster", "Ekonomiadministrativa tjänster", "Summor"]
    # Beta's November: payroll 3000.00 + 2 x 40.00 + 5 x 66.00 = 3410.00; finance 12362.00.
    sums = [t.text_content() for t in dom.xpath("//tfoot//td[@class='num']")]
    assert sums == ["3\u00a0410,00", "12\u00a0362,00"]
    link = dom.xpath("//a[@aria-label]/@href")[0]
    assert link.startswith("/documents/2/basis#rad-")
    basis = client.get(link.split("#")[0])
    assert basis.status_code == 200
    files = _dom(basis.text).xpath("//td[@class='basis-file']/text()")
    assert any(f.endswith("volumes-2012-11.csv:3") for f in files)  # Beta's payslips: line 3 of the file


def test_volumes_uploaded_with_a_bad_row_show_the_error_beside_it_and_take_nothing(engine, database_url, tmp_path):
    web_world(engine, tmp_path)
    client = signed_in(client_for(database_url), "alfa")
    csrf = page_csrf(client, "/volumes")
    before = scalar(engine, sa.select(sa.func.count()).select_from(VolumeRow))
    text = ("period,organisation_number,service,quantity\n"
            f"2013-01,{ORG_A},PAY-SLIP-DEV,5\n"
            f"2013-01,{ORG_A},PAY-SLIP-DEV-X,abc\n")
    answer = client.post("/volumes", data={"csrf": csrf}, files={"file": ("januari.csv", text.encode(), "text/csv")})
    assert answer.status_code == 400
    rows = _dom(answer.text).xpath("//table[@id='rows']/tbody/tr")
    assert [r.get("class") for r in rows] == [None, None, "bad-row"]
    assert "PAY-SLIP-DEV-X" in rows[2].text_content() and rows[2].xpath(".//span[@class='problem']")
    assert scalar(engine, sa.select(sa.func.count()).select_from(VolumeRow)) == before
    other = client.post("/volumes", data={"csrf": csrf}, files={"file": (
        "b.csv", f"period,organisation_number,service,quantity\n2013-01,{ORG_B},PAY-SLIP-DEV,1\n".encode(), "text/csv")})
    assert other.status_code == 400 and "another agency" in other.text
    good = client.post("/volumes", data={"csrf": csrf}, files={"file": ("januari.csv", text.splitlines(True)[0].encode()
                                                                        + text.splitlines(True)[1].encode(), "text/csv")})
    assert good.status_code == 200 and "1 volymposter inlästa" in good.text
    assert scalar(engine, sa.select(sa.func.count()).select_from(VolumeRow)) == before + 1
    assert client.post("/volumes", files={"file": ("x.csv", b"", "text/csv")}).status_code == 403  # no CSRF


def test_staff_month_status_audit_and_event_log(engine, database_url, tmp_path):
    web_world(engine, tmp_path)
    client = signed_in(client_for(database_url), "personal")
    page = client.get("/staff/months/2012-12")
    assert page.status_code == 200 and "already billed" in page.text and "Utfärda" not in page.text
    volumes = _dom(page.text).xpath("//td[@class='num']/text()")
    assert volumes  # December against November, per agency and service
    audit = client.get("/staff/audit/2012-12")
    assert audit.status_code == 200 and "<title>Fakturagranskning 2012-12</title>" in audit.text
    log = client.get("/staff/events")
    assert log.status_code == 200 and "users.add" in log.text and "run" in log.text
    forbidden = signed_in(client_for(database_url), "alfa").get("/staff/events")
    assert forbidden.status_code == 403


def test_the_confirmed_issue_is_recorded_with_the_web_user(engine, database_url, tmp_path):
    from db_helpers import write_volumes
    from billing.services.volumes import import_volumes
    web_world(engine, tmp_path)
    january = write_volumes(tmp_path, "jan.csv", [f"2013-01,{ORG_A},PAY-SLIP-DEV,4,Palasso,",
                                                  f"2013-01,{ORG_B},PAY-SLIP-DEV,6,Palasso,",
                                                  f"2013-01,{ORG_B},FIN-ASSET,201,Agresso,",
                                                  "2013-01,202100-0027,EPR-INV-CODED,9,Proceedo,"])
    with Session(engine) as session, session.begin():
        import_volumes(session, january)
    client = signed_in(client_for(database_url), "personal")
    page = client.get("/staff/months/2013-01")
    assert page.status_code == 200 and "3 fakturor skulle utfärdas" in page.text
    csrf = page_csrf(client, "/staff/months/2013-01")
    wrong = client.post("/staff/months/2013-01/issue", data={"csrf": csrf, "confirm": "ja"})
    assert wrong.status_code == 400
    issued = client.post("/staff/months/2013-01/issue", data={"csrf": csrf, "confirm": "UTFÄRDA"})
    assert issued.status_code == 200 and "3 fakturor utfärdade för 2013-01, nummer 7–9" in issued.text
    with Session(engine) as session:
        run = session.scalars(sa.select(EventRow).where(EventRow.action == "run").order_by(EventRow.id.desc())).first()
    assert run.os_user == "web:personal" and run.arguments["period"] == "2013-01"


def test_costs_chart_and_quote(engine, database_url, tmp_path):
    web_world(engine, tmp_path)
    client = signed_in(client_for(database_url), "alfa")
    costs = _dom(client.get("/costs").text)
    assert costs.xpath("//figure[@id='cost-chart-1']//svg//rect") and costs.xpath("//figure[@id='cost-chart-2']//svg")
    # Alfa's payroll: 3238.00 in November, 3304.00 in December (test_billing_run).
    row = [r for r in costs.xpath("//table[1]/tbody/tr") if r.xpath("th")[0].text_content() == "Lön"][0]
    assert [td.text_content() for td in row.xpath("td")] == ["3\u00a0238,00", "3\u00a0304,00"]
    quote = client.get("/quote", params={"area": "finance"})
    assert quote.status_code == 200
    years = _dom(quote.text).xpath("//table/tbody/tr")
    assert years and all(len(r.xpath("td")) == 5 for r in years)


def test_hostile_names_are_shown_as_text(engine, database_url, tmp_path):
    web_world(engine, tmp_path, agencies_text=HOSTILE)
    staff = signed_in(client_for(database_url), "personal")
    for path in ("/documents", "/documents/1", "/documents/2", f"/agreements?agency={ORG_A}",
                 f"/agreements?agency={ORG_B}", "/staff/months/2012-12"):
        page = staff.get(path)
        assert page.status_code == 200, path
        dom = _dom(page.text)
        assert not dom.xpath("//script") and not dom.xpath("//img"), path
        assert SCRIPT in dom.text_content() or ATTRIBUTE in dom.text_content(), path
    alfa = signed_in(client_for(database_url), "alfa")
    header = _dom(alfa.get("/documents").text).xpath("//header//span")[0].text_content()
    assert SCRIPT in header
    assert "default-src 'none'" in alfa.get("/documents").headers["content-security-policy"]


def test_agreements_and_the_prices_paid_now(engine, database_url, tmp_path):
    web_world(engine, tmp_path)
    client = signed_in(client_for(database_url), "alfa")
    dom = _dom(client.get("/agreements").text)
    rows = {r.xpath("td")[1].text_content(): [td.text_content() for td in r.xpath("td")]
            for r in dom.xpath("//h2[starts-with(., 'Priser')]/following::table[1]/tbody/tr")}
    # Today is long after 2013-01, so standard-2013-01 is in force: a payslip 68.00 (66.00 before).
    [slip] = [cells for name, cells in rows.items() if "(PAY-SLIP-DEV)" in name]
    assert slip[2] == "68,00" and slip[4] == "standard-2013-01"
    assert all(cells[0] == "Lön" for cells in rows.values())  # Alfaverket has payroll only
