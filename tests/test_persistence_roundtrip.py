"""ExactDecimal columns give back exactly what they were given, on SQLite and
PostgreSQL: same value, same digits, same exponent (trailing zeros kept)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session

from billing.period import Month
from billing.persistence.documents import read_documents
from billing.persistence.models import (AgencyRow, BillingRunRow, ImportBatch, InvoiceLineRow,
                                        InvoiceRow, VolumeRow)
from billing.services.billing_run import run_month
from billing.services.volumes import import_volumes
from db_helpers import ORG_A, ORG_OMIKRON, dump, setup_world, write, write_volumes

VALUES = [
    "1234567890.1234",
    "0.10",                           # trailing zero kept
    "-0.01",
    "12345678901234567890",           # 20 digits, more than a float or int64 holds exactly
    "-98765432109876543210.0123456789",
    "0.00",
    "0",
    "1E-7",                           # exponent notation stays as it is
    "100.000",
]


def _same(back: Decimal, text: str) -> bool:
    """Equal and written the same: Decimal('0.10') == Decimal('0.1') but is not the same."""
    return isinstance(back, Decimal) and back.as_tuple() == Decimal(text).as_tuple()


def _ids(session):
    agency = session.scalars(sa.select(AgencyRow.id).where(AgencyRow.organisation_number == ORG_A)).one()
    batch = session.scalars(sa.select(ImportBatch.id)).first()
    return agency, batch


def test_volume_quantities_round_trip(engine, tmp_path):
    setup_world(engine, tmp_path, months=())
    with Session(engine) as session, session.begin():
        agency, batch = _ids(session)
        session.add_all(VolumeRow(period=Month(2012, 11), agency_id=agency, service_code="PAY-EXPENSE",
                                  quantity=Decimal(text), source="test", reference=f"r{n}",
                                  import_id=batch, source_line=n)
                        for n, text in enumerate(VALUES))

    with Session(engine) as session:  # a new session: values come from the database
        back = dict(session.execute(sa.select(VolumeRow.reference, VolumeRow.quantity)).all())
    with engine.connect() as connection:
        raw = dict(connection.execute(sa.text("SELECT reference, quantity FROM volume_records")).all())
    for n, text in enumerate(VALUES):
        assert _same(back[f"r{n}"], text), (text, back[f"r{n}"])
        assert raw[f"r{n}"] == text  # stored as the decimal's own text


def test_invoice_line_prices_and_amounts_round_trip(engine, tmp_path):
    setup_world(engine, tmp_path, months=())
    with Session(engine) as session, session.begin():
        agency, _ = _ids(session)
        run = BillingRunRow(period=Month(2012, 11), run_date=date(2012, 12, 5),
                            started_at=datetime(2012, 12, 5, 8), run_by="test", invoice_count=1)
        session.add(run)
        session.flush()
        invoice = InvoiceRow(
            number=1, run_id=run.id, agency_id=agency, organisation_number=ORG_A,
            agency_name="Alfaverket", buyer_reference="", period=Month(2012, 11),
            issue_date=date(2012, 12, 5), due_date=date(2013, 1, 4), currency="SEK",
            net=Decimal("1234567890.10"), vat=Decimal("-0.01"), rounding=Decimal("0.00"),
            payable=Decimal("12345678901234567890"))
        invoice.lines = [
            InvoiceLineRow(line_no=n, area="payroll", part="transaction", service_code=None,
                           description=f"line {n}", detail="", quantity=Decimal(text), unit="st",
                           unit_code="H87", unit_price=Decimal(text), amount=Decimal(VALUES[-n]),
                           vat_rate=Decimal("25.00"), price_list_id=None, tier_steps=[])
            for n, text in enumerate(VALUES, start=1)]
        session.add(invoice)

    with Session(engine) as session:
        stored, = read_documents(session)
    for line, text in zip(stored.lines, VALUES):
        assert _same(line.unit_price, text)
        assert _same(line.quantity, text)
    for line, text in zip(stored.lines, reversed(VALUES)):
        assert _same(line.amount, text)
    assert {str(line.vat_rate) for line in stored.lines} == {"25.00"}
    assert _same(stored.totals.net, "1234567890.10")
    assert _same(stored.totals.vat, "-0.01")
    assert _same(stored.totals.payable, "12345678901234567890")


def test_quantities_and_prices_from_files_round_trip_to_the_invoice(engine, tmp_path):
    # An agreed price with four decimals and special-service hours with two.
    agencies = f"""\
[[agencies]]
organisation_number = "{ORG_OMIKRON}"
name = "Omikronverket"
address = {{ street = "Box 1018", postal_code = "103 28", city = "Stockholm" }}
sizes = [ {{ from = 2012-06-01, employees = 2 }} ]

  [[agencies.agreements]]
  area = "payroll"
  connected_on = 2012-06-01
  agreed_prices = {{ PAY-ADD-DEDUCT = "8.1235" }}
"""
    setup_world(engine, tmp_path, months=(), agencies_text=agencies)
    path = write_volumes(tmp_path, "v.csv", [
        f"2012-11,{ORG_OMIKRON},PAY-SPEC-STATS,0.10,,",
        f"2012-11,{ORG_OMIKRON},PAY-ADD-DEDUCT,3,,",
    ])
    with Session(engine) as session, session.begin():
        import_volumes(session, path)
        run_month(session, Month(2012, 11), date(2012, 12, 5))

    with Session(engine) as session:
        hours = session.scalars(sa.select(VolumeRow.quantity)
                                .where(VolumeRow.service_code == "PAY-SPEC-STATS")).one()
        invoice, = read_documents(session)
    assert _same(hours, "0.10")
    lines = {line.service_code: line for line in invoice.lines}
    # 0.10 hours of the specialist rate class; 3 deductions at the agreed 8.1235
    # = 24.3705 -> 24.37.
    assert _same(lines["PAY-SPEC-STATS"].quantity, "0.10")
    assert _same(lines["PAY-ADD-DEDUCT"].unit_price, "8.1235")
    assert _same(lines["PAY-ADD-DEDUCT"].amount, "24.37")


@pytest.mark.parametrize("bad", [0.1, 1.0, 3], ids=["float", "whole float", "int"])
def test_exact_decimal_refuses_anything_but_decimal(engine, tmp_path, bad):
    setup_world(engine, tmp_path, months=())
    before = dump(engine)
    with pytest.raises(StatementError) as refused:
        with Session(engine) as session, session.begin():
            agency, batch = _ids(session)
            session.add(VolumeRow(period=Month(2012, 11), agency_id=agency, service_code="PAY-EXPENSE",
                                  quantity=bad, source="", reference="", import_id=batch,
                                  source_line=2))
    assert isinstance(refused.value.orig, TypeError)
    assert f"ExactDecimal takes Decimal, not {type(bad).__name__}" in str(refused.value)
    assert dump(engine) == before


def test_exact_decimal_refuses_a_float_in_bulk_inserts_and_queries(engine, tmp_path):
    setup_world(engine, tmp_path, months=())
    with pytest.raises(StatementError, match="ExactDecimal takes Decimal, not float"):
        with Session(engine) as session:
            session.execute(sa.select(VolumeRow).where(VolumeRow.quantity == 1.5)).all()
    with pytest.raises(StatementError, match="ExactDecimal takes Decimal, not float"):
        with Session(engine) as session, session.begin():
            agency, batch = _ids(session)
            session.execute(sa.insert(VolumeRow.__table__), [
                dict(period=Month(2012, 11), agency_id=agency, service_code="PAY-EXPENSE",
                     quantity=Decimal("1"), source="", reference="a", import_id=batch, source_line=2),
                dict(period=Month(2012, 11), agency_id=agency, service_code="PAY-EXPENSE",
                     quantity=2.5, source="", reference="b", import_id=batch, source_line=3)])
    assert dump(engine)["volume_records"] == []


@pytest.mark.parametrize("bad", ["NaN", "Infinity", "-Infinity"])
def test_exact_decimal_refuses_non_finite_values(engine, tmp_path, bad):
    setup_world(engine, tmp_path, months=())
    with pytest.raises(StatementError, match="not a finite decimal"):
        with Session(engine) as session, session.begin():
            agency, batch = _ids(session)
            session.add(VolumeRow(period=Month(2012, 11), agency_id=agency, service_code="PAY-EXPENSE",
                                  quantity=Decimal(bad), source="", reference="", import_id=batch,
                                  source_line=2))
    assert dump(engine)["volume_records"] == []
