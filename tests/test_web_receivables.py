"""Receivables on the web and in the API: an agency's open items and payments,
only its own; the staff's ledger of every agency with its ageing.

The web world (web_helpers.py) billed 2012-11 on 2012-12-05, due 2013-01-04:
invoice 1 Alfaverket 4048, 2 Betaverket 19715, 3 Gammaverket 8990; and
2012-12 on 2013-01-05, due 2013-02-04: invoices 4 A, 5 B, 6 C. Alfaverket's
December: payroll 3000.00 + 40.00 + 4 payslips x 66.00 = 3304.00 net
(test_billing_run), VAT 25 % 826.00, payable 4130.00.

The bank file (CSV, as tests/test_payments_import.py imports it): payment 1
puts 3000.00 on invoice 1 (OCR 133) on 2013-01-03, leaving 1048.00 open;
payment 2 pays Betaverket's invoice 2 (OCR 232) in full; payment 3, 75.00
naming no document (99: OCR 9944), is nobody's.

On 2013-03-10: invoice 1 is 27 (January, from the 4th) + 28 + 10 = 65 days
overdue (61-90), invoices 4-6 are 24 + 10 = 34 days overdue (31-60).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from billing.services.receivables import import_bank_file
from db_helpers import ORG_A, ORG_B, write
from web_helpers import client_for, signed_in, web_world

PAYMENTS = "reference,amount,date\n133,3000.00,2013-01-03\n232,19715.00,2013-01-02\n9944,75.00,2013-01-03\n"


def _world(engine, database_url, tmp_path, user: str):
    web_world(engine, tmp_path)
    with Session(engine) as session, session.begin():
        result = import_bank_file(session, write(tmp_path, "bank.csv", PAYMENTS))
    assert [o.agency_id is None for o in result.outcomes] == [False, False, True]
    return signed_in(client_for(database_url), user)


def test_an_agency_sees_its_open_items_and_payments_only(engine, database_url, tmp_path):
    client = _world(engine, database_url, tmp_path, "alfa")
    # ?agency= of another agency is ignored for an agency user: its own ledger.
    listed = client.get("/api/v1/receivables", params={"as_of": "2013-03-10", "agency": ORG_B}).json()
    assert listed["as_of"] == "2013-03-10" and listed["total"] == 2 and listed["credit_balance"] == "0.00"
    assert [(i["document"], i["due_date"], i["original"], i["paid"], i["open"], i["days_overdue"])
            for i in listed["items"]] == [(1, "2013-01-04", "4048.00", "3000.00", "1048.00", 65),
                                          (4, "2013-02-04", "4130.00", "0.00", "4130.00", 34)]
    assert client.get("/api/v1/receivables", params={"as_of": "2013-03-10", "limit": 1,
                                                     "offset": 1}).json()["items"][0]["document"] == 4

    paid = client.get("/api/v1/payments", params={"as_of": "2013-03-10"}).json()
    assert paid["total"] == 1
    [payment] = paid["items"]
    assert (payment["id"], payment["amount"], payment["left"]) == (1, "3000.00", "0.00")
    assert [(a["document"], a["amount"], a["kind"]) for a in payment["applications"]] == [(1, "3000.00", "automatic")]
    assert client.get("/api/v1/payments/1").status_code == 200
    for other in (2, 3, 99):  # Betaverket's, nobody's, none: all "not found"
        assert client.get(f"/api/v1/payments/{other}").status_code == 404, other

    # On 2013-01-02 the payment had not come and invoice 4 was not issued: 4048.00 open, not yet due.
    early = client.get("/api/v1/receivables", params={"as_of": "2013-01-02"}).json()
    assert [(i["document"], i["open"], i["days_overdue"]) for i in early["items"]] == [(1, "4048.00", 0)]
    assert client.get("/api/v1/payments", params={"as_of": "2013-01-02"}).json()["total"] == 0

    html = client.get("/receivables", params={"as_of": "2013-03-10"}).text
    assert "1\u00a0048,00" in html and "4\u00a0130,00" in html and "på dokument 1" in html
    for name in ("Betaverket", "Gammaverket", ORG_B, "19\u00a0715,00"):
        assert name not in html, name
    assert client.get("/staff/receivables").status_code == 403
    assert client.get("/api/v1/staff/receivables").status_code == 403
    assert client.get("/api/v1/receivables", params={"as_of": "not a day"}).status_code == 422


def test_staff_see_every_agency_with_the_ageing(engine, database_url, tmp_path):
    client = _world(engine, database_url, tmp_path, "personal")
    found = client.get("/api/v1/staff/receivables", params={"as_of": "2013-03-10"}).json()
    ageing = {row["agency"]: row for row in found["ageing"]}
    assert (ageing["Alfaverket"]["not_due"], ageing["Alfaverket"]["31-60"], ageing["Alfaverket"]["61-90"],
            ageing["Alfaverket"]["total"]) == ("0.00", "4130.00", "1048.00", "5178.00")  # 4130 + 1048
    assert ageing["Betaverket"]["61-90"] == "0.00"  # invoice 2 paid in full
    assert ageing["Gammaverket"]["61-90"] == "8990.00"
    assert found["ageing_total"]["61-90"] == "10038.00"  # 1048 + 8990
    assert found["ageing_total"]["over_90"] == "0.00" and found["ageing_total"]["not_due"] == "0.00"
    assert [(u["payment"], u["left"]) for u in found["unapplied"]] == [(3, "75.00")]
    assert sorted(i["document"] for i in found["items"]) == [1, 3, 4, 5, 6] and found["total"] == 5
    # Before Alfaverket's payment: every November invoice still open and not yet due.
    early = client.get("/api/v1/staff/receivables", params={"as_of": "2013-01-02"}).json()
    assert early["ageing_total"]["not_due"] == "13038.00"  # 4048 + 8990; invoice 2 paid that day

    assert client.get("/api/v1/payments/2").json()["applications"][0]["document"] == 2
    page = client.get("/staff/receivables", params={"as_of": "2013-03-10"}).text
    assert "Åldersanalys" in page and "10\u00a0038,00" in page and "Betaverket" in page
    agency_page = client.get("/receivables", params={"agency": ORG_A, "as_of": "2013-03-10"}).text
    assert "1\u00a0048,00" in agency_page and "Gammaverket" not in agency_page.split("<main")[1]
    assert client.get("/receivables").headers["location"] == "/staff/receivables"
