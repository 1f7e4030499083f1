"""Imports and runs of the same month serialise (issue 10), on SQLite and
PostgreSQL, from two engines (two connections).

The run of November is held between reading and committing: it has rated the
month and issued its invoices, its transaction still open, when the import
starts. The import must wait for it (on PostgreSQL it is seen waiting for a
lock: the billing lock, persistence/locks.py), then see the run and refuse,
naming the route a late amount or volume takes; nothing of it is written. On
PostgreSQL without the lock, the import's "already billed" check did not see
the uncommitted run and the import committed: a 99,999.00 SEK amount on no
invoice, while the audit and verify passed.

World of db_helpers, November billed on 2012-12-05: invoices 1 Alfa, 2 Beta, 3 Gamma.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from billing.errors import DataError
from billing.period import Month
from billing.persistence.models import EventRow, PassThroughRow, PriceListRow, VolumeRow
from billing.services.audit import run_audit
from billing.services.billing_run import run_month
from billing.services.corrections import correct_month
from billing.services.passthrough import import_pass_through
from billing.services.tariffs import load_tariffs
from billing.services.verify import verify_documents
from billing.services.volumes import import_volumes
from db_helpers import (ORG_A, ORG_B, billed, copy_tariffs, correct_alfaverket_payslips, setup_world, write,
                        write_amounts, write_volumes)
from helpers_concurrency import race

NOVEMBER = Month(2012, 11)
RUN_DATE = date(2012, 12, 5)
LATE_AMOUNT = f"2012-11,{ORG_A},payroll,Systemtjänst Palasso november,99999.00,25"


def run_november(session):
    return run_month(session, NOVEMBER, RUN_DATE)


def count(engine, model) -> int:
    with engine.connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()


def assert_audit_and_verify_pass(engine):
    with Session(engine) as session:
        assert run_audit(session, NOVEMBER, NOVEMBER, seed=1).passed
        assert verify_documents(session).intact


def test_a_pass_through_import_during_the_run_waits_and_is_refused(engine, database_url, tmp_path):
    setup_world(engine, tmp_path)
    amounts = write_amounts(tmp_path, "late.csv", [LATE_AMOUNT])

    first, second = race(engine, database_url, run_november,
                         lambda s: import_pass_through(s, amounts), what="import")

    assert [i.number for i in first.result.invoices] == [1, 2, 3]
    assert isinstance(second.error, DataError), second.error
    [problem] = second.error.problems
    assert (problem.file, problem.line, problem.field) == (str(amounts), 2, "period")
    assert problem.message == ("2012-11 is already billed; give the amount for Alfaverket a period "
                               "that is not billed yet")
    # Nothing of the import: no amount, no batch, no event; the month is whole.
    assert count(engine, PassThroughRow) == 0
    with engine.connect() as connection:
        assert connection.execute(sa.select(EventRow.action).order_by(EventRow.id)).scalars().all()[-1] == "run"
    assert_audit_and_verify_pass(engine)


def test_a_volume_import_during_the_run_waits_and_is_refused_with_the_correction_route(
        engine, database_url, tmp_path):
    setup_world(engine, tmp_path)
    late = write_volumes(tmp_path, "late.csv", [f"2012-11,{ORG_B},PAY-EXPENSE,12,Palasso,"])
    records = count(engine, VolumeRow)

    first, second = race(engine, database_url, run_november,
                         lambda s: import_volumes(s, late), what="import")

    assert [i.number for i in first.result.invoices] == [1, 2, 3]
    assert isinstance(second.error, DataError), second.error
    [problem] = second.error.problems
    assert (problem.file, problem.line, problem.field) == (str(late), 2, "period")
    assert problem.message == ("2012-11 is already billed; late volumes for Betaverket are a "
                               "correction: use 'billing volumes correct FILE --reason TEXT'")
    assert count(engine, VolumeRow) == records
    assert_audit_and_verify_pass(engine)


def test_a_price_list_of_the_month_loaded_during_the_run_waits_and_is_refused(
        engine, database_url, tmp_path):
    setup_world(engine, tmp_path)
    tariffs = copy_tariffs(tmp_path)
    text = (tariffs / "standard-2012-06.toml").read_text(encoding="utf-8")
    write(tariffs, "standard-2012-11.toml", text.replace('id = "standard-2012-06"', 'id = "standard-2012-11"')
          .replace("valid_from = 2012-06-01", "valid_from = 2012-11-01"))
    lists = count(engine, PriceListRow)

    first, second = race(engine, database_url, run_november,
                         lambda s: load_tariffs(s, tariffs), what="tariff load")

    assert [i.number for i in first.result.invoices] == [1, 2, 3]
    assert isinstance(second.error, DataError), second.error
    [problem] = second.error.problems
    assert problem.file == str(tariffs / "standard-2012-11.toml")
    assert problem.message == ("price list standard-2012-11 would be in force from 2012-11-01, but "
                               "months up to 2012-11 are billed: new prices take effect after them")
    assert count(engine, PriceListRow) == lists
    assert_audit_and_verify_pass(engine)


def test_a_run_that_starts_during_an_import_waits_and_bills_what_it_took_in(engine, database_url, tmp_path):
    setup_world(engine, tmp_path)
    amounts = write_amounts(tmp_path, "amounts.csv", [LATE_AMOUNT])

    first, second = race(engine, database_url, lambda s: import_pass_through(s, amounts),
                         run_november, what="run")

    assert (first.result.added, first.result.skipped) == (1, 0)
    assert second.error is None, second.error
    alfa = second.result.invoices[0]
    # Alfaverket: 3238.00 (payroll 3000.00 + 1 x 40.00 + 3 x 66.00) + 99999.00
    # = 103237.00; VAT 25 % 25809.25; 129046.25 -> 129046.
    assert (alfa.organisation_number, alfa.totals.net, alfa.totals.vat, alfa.totals.payable) == (
        ORG_A, Decimal("103237.00"), Decimal("25809.25"), Decimal("129046"))
    assert_audit_and_verify_pass(engine)


def test_a_losing_duplicate_import_finds_the_file_already_imported(engine, database_url, tmp_path):
    setup_world(engine, tmp_path)
    amounts = write_amounts(tmp_path, "amounts.csv", [LATE_AMOUNT])

    first, second = race(engine, database_url, lambda s: import_pass_through(s, amounts),
                         lambda s: import_pass_through(s, amounts), what="import")

    # The second waited, then found every amount there: nothing added, no
    # unique-key error from the database.
    assert (first.result.added, first.result.skipped) == (1, 0)
    assert second.error is None, second.error
    assert (second.result.added, second.result.skipped) == (0, 1)
    assert count(engine, PassThroughRow) == 1


def test_a_volume_import_during_a_correction_waits_for_it(engine, database_url, tmp_path):
    billed(engine, tmp_path)
    correct_alfaverket_payslips(engine, tmp_path)
    late = write_volumes(tmp_path, "late.csv", [f"2012-11,{ORG_B},PAY-EXPENSE,12,Palasso,"])

    first, second = race(engine, database_url, lambda s: correct_month(s, NOVEMBER, date(2012, 12, 20)),
                         lambda s: import_volumes(s, late), what="import")

    assert [d.number for d in first.result.credit_notes] == [4]
    assert isinstance(second.error, DataError), second.error
    assert "billing volumes correct" in str(second.error)
