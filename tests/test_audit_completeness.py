"""The audit's completeness check covers pass-through amounts and agreed
connection items, not only volume records (issue 10).

On the database: the world of db_helpers billed for 2012-11 (invoices 1
Alfaverket, 2 Betaverket, 3 Gammaverket), then a pass-through amount inserted
straight into the table, as an import that slipped past the run left one.
Without a database: an agreed connection item due in the month and missing
from the document, and the same document with it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from billing.audit.completeness import check_completeness
from billing.audit.findings import Status
from billing.domain.agency import FeePart
from billing.persistence.models import AgencyRow, ImportBatch, PassThroughRow
from billing.rating.lines import PriceSource
from billing.services.audit import run_audit
from billing.services.verify import verify_documents
from db_helpers import ORG_A, billed
from factories import (M, ORG, agency, agreement, catalogue, connection_item, document, document_line,
                       issued)
from helpers_tamper import tamper

NOVEMBER = M("2012-11")


def test_a_pass_through_amount_of_a_billed_month_on_no_invoice_is_found(engine, tmp_path):
    billed(engine, tmp_path)
    with engine.connect() as connection:
        batch = connection.execute(sa.select(ImportBatch.id).where(ImportBatch.kind == "volumes")).scalar_one()
        alfa = connection.execute(sa.select(AgencyRow.id).where(AgencyRow.organisation_number == ORG_A)).scalar_one()
    tamper(engine, sa.insert(PassThroughRow.__table__).values(
        period=NOVEMBER, agency_id=alfa, area="payroll", description="Systemtjänst Palasso november",
        amount=Decimal("99999.00"), vat_rate=Decimal("25"), supplier="Skatteverket", reference="SKV-1",
        import_id=batch, source_line=2))
    with engine.connect() as connection:
        charge = connection.execute(sa.select(PassThroughRow.id)).scalar_one()

    with Session(engine) as session:
        report = run_audit(session, NOVEMBER, NOVEMBER, seed=1)
        assert verify_documents(session).intact  # the seals cannot see it: only the audit can

    # Fails: completeness only. Invoice 1 still matches the basis it names.
    assert {c.name for c in report.checks if c.status is Status.FAILED} == {"completeness"}
    [finding] = [f for c in report.checks if c.name == "completeness" for f in c.findings]
    assert finding.code == "pass_through_not_invoiced"
    assert finding.message == (f"det vidarefakturerade beloppet {charge} ({ORG_A} Lön Systemtjänst Palasso "
                               "november 99 999,00 i 2012-11) finns inte på någon faktura")


def _line(description: str, amount: str):
    """An agreed connection item's line, as the rater makes it."""
    return replace(document_line(1, amount, part=FeePart.CONNECTION), description=description,
                   service_code=None, price_source=PriceSource.CONNECTION_ITEM)


def test_an_agreed_connection_item_due_in_the_month_must_be_on_its_document():
    # Payroll agreed on 2012-06-01 with an integration (45000.00) due 2012-11-20
    # and a training day (8000) due 2012-12-03: November's document must carry
    # the integration, not the training.
    customer = agency(agreement(connection_items=[
        connection_item("Integration mot ekonomisystem", "45000.00", date(2012, 11, 20)),
        connection_item("Utbildningsdag", "8000", date(2012, 12, 3))]))
    fee = document_line(1, "3000.00", part=FeePart.BASE_FIXED, service_code="")
    without = document(fee)
    with_item = document(fee, _line("Integration mot ekonomisystem", "45000.00"))

    def completeness(doc):
        return check_completeness(catalogue(), [NOVEMBER], [issued(doc)], {1: customer}, {}, {}, {})

    assert [(f.document, f.code, f.message) for f in completeness(without).findings] == [
        (1, "connection_item_missing", "anslutningsposten 'Integration mot ekonomisystem' (45 000,00, Lön, "
            f"förfaller 2012-11-20) för {ORG} {customer.name} finns inte på dokumentet för 2012-11")]
    assert completeness(with_item).findings == ()
    # The same item twice needs two lines.
    twice = agency(agreement(connection_items=[connection_item("Integration mot ekonomisystem", "45000.00",
                                                               date(2012, 11, 20))] * 2))
    assert len(check_completeness(catalogue(), [NOVEMBER], [issued(with_item)], {1: twice}, {}, {}, {})
               .findings) == 1
