"""The price source of issued lines in the database (invoice_lines.price_source):
written and read back, copied by credit notes, used by the trace, sealed and
re-rated by the audit. On SQLite and PostgreSQL.

The world of db_helpers billed for 2012-11 with Epsilonverket (invoice 4): an
agreed price (PAY-ADD-DEDUCT 3 x 8.00, the list says 25.00), the list's payroll
connection fee 75 000.00 and an agreed connection item 45 000.00, a 20 %
discount of the finance base fee, and two pass-through amounts.
"""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from billing.domain.agency import FeePart
from billing.period import Month
from billing.persistence.documents import read_documents as read_invoices
from billing.persistence.models import InvoiceRow
from billing.rating.lines import PriceSource
from billing.services.audit import run_audit
from billing.services.corrections import credit_invoice
from billing.services.trace import trace_document
from db_helpers import EPSILON, ORG_E, WORLD_AGENCIES, billed, write_amounts, write_volumes
from helpers_tamper import LINES, tamper, update_line

NOVEMBER = Month(2012, 11)
ITEM = "Integration mot ekonomisystem"


@pytest.fixture
def epsilon(engine, tmp_path) -> int:
    invoices = billed(engine, tmp_path, agencies_text=WORLD_AGENCIES + EPSILON,
                      volumes=write_volumes(tmp_path, "epsilon.csv", [
                          f"2012-11,{ORG_E},PAY-ADD-DEDUCT,3,Palasso,",
                          f"2012-11,{ORG_E},PAY-SLIP-DEV,7,Palasso,"]),
                      amounts=write_amounts(tmp_path, "amounts.csv", [
                          f"2012-11,{ORG_E},payroll,Kurslitteratur,100.01,6,,KURS-1",
                          f"2012-11,{ORG_E},finance,Livsmedel,200.02,12,,MAT-1"])).issued["2012-11"]
    assert invoices[-1].organisation_number == ORG_E
    return invoices[-1].number


def document(engine, number):
    with Session(engine) as session:
        return read_invoices(session, InvoiceRow.number == number)[0]


def line_of(engine, number, description) -> int:
    with engine.connect() as connection:
        return connection.execute(sa.select(LINES.c.line_no).where(
            LINES.c.invoice_number == number, LINES.c.description == description)).scalar_one()


def test_each_line_is_stored_with_its_source(engine, epsilon):
    doc = document(engine, epsilon)

    sources = {(line.part, line.service_code or line.description): line.price_source for line in doc.lines}
    assert sources[(FeePart.ADDITIONAL, "PAY-ADD-DEDUCT")] is PriceSource.AGREED_PRICE
    assert sources[(FeePart.TRANSACTION, "PAY-SLIP-DEV")] is PriceSource.PRICE_LIST
    assert sources[(FeePart.CONNECTION, ITEM)] is PriceSource.CONNECTION_ITEM
    assert sources[(FeePart.CONNECTION, "Anslutningsavgift lönerelaterade tjänster")] is PriceSource.PRICE_LIST
    assert sources[(FeePart.PASS_THROUGH, "Kurslitteratur")] is PriceSource.PASS_THROUGH
    assert {s for (part, _), s in sources.items() if part is FeePart.DISCOUNT} == {PriceSource.DISCOUNT}
    assert {s for (part, _), s in sources.items() if part in (FeePart.BASE_FIXED, FeePart.BASE_VARIABLE)} == {
        PriceSource.PRICE_LIST}
    # As text in the column, the enum's values.
    with engine.connect() as connection:
        stored = set(connection.scalars(sa.select(LINES.c.price_source).where(LINES.c.invoice_number == epsilon)))
    assert stored == {"price_list", "agreed_price", "connection_item", "discount", "pass_through"}


def test_a_credit_note_stores_the_sources_of_the_lines_it_reverses(engine, epsilon):
    with Session(engine) as session, session.begin():
        credit = credit_invoice(session, epsilon, "fel avtal", date(2012, 12, 20))

    issued, stored = document(engine, epsilon), document(engine, credit.number)
    assert [line.price_source for line in stored.lines] == [line.price_source for line in issued.lines]
    assert [line.amount for line in stored.lines] == [-line.amount for line in issued.lines]


def test_the_trace_follows_the_recorded_source_not_the_wording(engine, epsilon):
    # The agreed item's wording changed in the database: the trace does not
    # read it, it reads the source recorded when the line was rated.
    tamper(engine, update_line(epsilon, line_of(engine, epsilon, ITEM), detail="integration"))

    with Session(engine) as session:
        _, lines = trace_document(session, epsilon)

    items = {t.line.description: t.price_item for t in lines}
    assert items[ITEM] == f"agreement: connection item '{ITEM}' = 45000.00"
    assert items["Tilläggstjänst intresseavdrag"] == (
        "agreement: agreed price 8.00 (in place of standard-2012-06: prices.PAY-ADD-DEDUCT)")
    assert items["Anslutningsavgift lönerelaterade tjänster"] == (
        "standard-2012-06: connection_fees.payroll = 75000.00")


def test_a_source_changed_after_issue_breaks_the_seal_and_the_rerating(engine, epsilon):
    payslips = line_of(engine, epsilon, "Löneadministration avvikelserapportering 8-17, per lönespecifikation")
    tamper(engine, update_line(epsilon, payslips, price_source="agreed_price"))

    with Session(engine) as session:
        report = run_audit(session, NOVEMBER, NOVEMBER, seed=1)
        _, lines = trace_document(session, epsilon)

    failed = {c.name: c.findings for c in report.checks if c.findings and c.name in ("rerating", "integrity")}
    assert [(f.document, f.line, f.message) for f in failed["rerating"]] == [
        (epsilon, payslips, "Löneadministration avvikelserapportering 8-17, per lönespecifikation: "
                            "priskälla avtalat pris, omräknat prislistan")]
    assert [f.code for f in failed["rerating"]] == ["rerated_price_source"]
    assert [(f.document, f.code) for f in failed["integrity"]] == [(epsilon, "changed")]
    # The trace shows what the document now claims.
    traced, = [t for t in lines if t.line_no == payslips]
    assert traced.price_item.startswith("agreement: agreed price 66.00")
