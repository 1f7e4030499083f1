"""Two corrections (or a correction and a credit note) of the same month started
at once from two engines (two connections), on SQLite and PostgreSQL: only one
issues documents, the series stays gapless and the seal chain intact.

The first action's transaction is held open after it has issued its documents
until the second has started and (on PostgreSQL) is seen waiting for a lock;
every wait is bounded.

World of db_helpers billed for 2012-11 (invoices 1-3); Alfaverket's payslips
corrected 3 -> 4: 3000.00 + 1 x 40.00 + 4 x 66.00 = 264.00 -> net 3304.00,
VAT 826.00, payable 4130 (the original invoice 1: 3238.00 net, payable 4048).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from billing.errors import DataError
from billing.period import Month
from billing.persistence.models import InvoiceRow, NumberSeries
from billing.services.corrections import correct_month, credit_invoice, month_balance
from billing.services.verify import verify_documents
from db_helpers import ORG_A, ORG_B, ORG_C, billed, correct_alfaverket_payslips
from helpers_concurrency import race

NOVEMBER = Month(2012, 11)
CORRECTION_DATE = date(2012, 12, 20)


def billed_with_corrected_volumes(engine, tmp_path):
    billed(engine, tmp_path)
    correct_alfaverket_payslips(engine, tmp_path)


def correct(session):
    return correct_month(session, NOVEMBER, CORRECTION_DATE)


def state(engine):
    with Session(engine) as session:
        numbers = list(session.scalars(sa.select(InvoiceRow.number).order_by(InvoiceRow.number)))
        series = session.get(NumberSeries, "invoice")
        verification = verify_documents(session)
        return numbers, series.next_number, verification, month_balance(session, NOVEMBER)


def test_two_corrections_of_the_same_month_issue_once(engine, database_url, tmp_path):
    billed_with_corrected_volumes(engine, tmp_path)

    first, second = race(engine, database_url, correct, correct)

    assert [(d.number, d.credits) for d in first.result.credit_notes] == [(4, 1)]
    assert [(d.number, d.replaces) for d in first.result.invoices] == [(5, 1)]
    # The second waited for the first, then saw its documents: nothing left to correct.
    assert second.error is None, second.error
    assert (second.result.credit_notes, second.result.invoices) == ((), ())
    numbers, next_number, verification, balance = state(engine)
    assert numbers == [1, 2, 3, 4, 5] and next_number == 6
    assert verification.intact, verification.findings
    # A: 4048 - 4048 + 4130 = 4130; B and C unchanged.
    assert balance == {ORG_A: Decimal("4130"), ORG_B: Decimal("19715"), ORG_C: Decimal("8990")}
    with Session(engine) as session:
        assert session.scalar(sa.text("SELECT count(*) FROM events WHERE action = 'correct'")) == 1


def test_a_credit_note_waits_for_a_correction_of_its_invoice(engine, database_url, tmp_path):
    billed_with_corrected_volumes(engine, tmp_path)

    first, second = race(engine, database_url, correct,
                         lambda s: credit_invoice(s, 1, "Bestriden", CORRECTION_DATE))

    assert [d.number for d in first.result.credit_notes] == [4]
    # Once the correction committed, invoice 1 was credited already: refused, nothing written.
    assert isinstance(second.error, DataError), second.error
    assert "invoice 1 is already credited by credit note 4" in str(second.error)
    numbers, next_number, verification, _ = state(engine)
    assert numbers == [1, 2, 3, 4, 5] and next_number == 6
    assert verification.intact, verification.findings


def test_a_correction_waits_for_a_credit_note_and_builds_on_it(engine, database_url, tmp_path):
    billed_with_corrected_volumes(engine, tmp_path)

    first, second = race(engine, database_url,
                         lambda s: credit_invoice(s, 1, "Bestriden", CORRECTION_DATE), correct)

    assert (first.result.number, first.result.credits) == (4, 1)
    # The correction waited and saw invoice 1 credited on purpose: no second
    # credit note, and A is not billed again unless named with --agency.
    assert second.error is None, second.error
    assert second.result.credit_notes == () and second.result.invoices == ()
    numbers, next_number, verification, balance = state(engine)
    assert numbers == [1, 2, 3, 4] and next_number == 5
    assert verification.intact, verification.findings
    assert balance[ORG_A] == Decimal("0")
