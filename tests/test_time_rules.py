"""Time is sane (issue 10): a month is billed, or corrected, only once it has
ended and with documents dated after it; volumes and pass-through amounts more
than a month ahead of today are taken in only with a reason, which is kept.

Today is frozen with freezegun where it matters. World of db_helpers (volumes
of 2012-11; Alfaverket, Betaverket, Gammaverket).
"""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from freezegun import freeze_time
from sqlalchemy.orm import Session

from billing.domain.timing import check_billable, future_problems, latest_period
from billing.errors import DataError
from billing.period import Month
from billing.persistence.models import BillingRunRow, EventRow, ImportBatch
from billing.services.billing_run import run_month
from billing.services.corrections import correct_month
from billing.services.passthrough import allocate_supplier_invoices, import_pass_through
from billing.services.volumes import correct_volumes, import_volumes
from db_helpers import ORG_A, ORG_B, dump, setup_world, write, write_amounts, write_volumes
from helpers_cli import cli, flat

NOVEMBER = Month(2012, 11)


# --- the rules, without a database -------------------------------------------------

def test_a_month_is_billable_from_the_day_after_its_last():
    with pytest.raises(DataError) as refused:
        check_billable(NOVEMBER, date(2012, 12, 1), today=date(2012, 11, 30))
    [problem] = refused.value.problems
    assert problem.field == "period"
    assert problem.message == ("2012-11 has not ended (today is 2012-11-30): a month is billed in "
                               "arrears, from 2012-12-01 on")
    check_billable(NOVEMBER, date(2012, 12, 1), today=date(2012, 12, 1))  # the first day after: fine


def test_documents_are_dated_after_the_month():
    with pytest.raises(DataError) as refused:
        check_billable(NOVEMBER, date(2012, 11, 30), today=date(2013, 1, 10))
    [problem] = refused.value.problems
    assert problem.field == "issue_date"
    assert "the invoice date 2012-11-30 must be after 2012-11-30" in problem.message


def test_periods_up_to_the_month_after_todays_need_no_reason():
    # Today 2012-12-15: this month and the next, 2013-01, are taken in; 2013-02 is not.
    today = date(2012, 12, 15)
    assert latest_period(today) == Month(2013, 1)
    periods = [(2, Month(2012, 11)), (3, Month(2013, 1)), (4, Month(2013, 2)), (5, Month(2102, 11))]
    problems = future_problems("v.csv", periods, today)
    assert [(p.file, p.line, p.field) for p in problems] == [("v.csv", 4, "period"), ("v.csv", 5, "period")]
    assert problems[0].message == ("2013-02 is more than a month ahead of today (2012-12-15); a period in "
                                   "the future is taken in only with a reason (--allow-future REASON)")
    assert future_problems("v.csv", periods, today, allow_future="  ") == problems  # blank is no reason
    assert future_problems("v.csv", periods, today, allow_future="förskott enligt avtal") == []
    # On the last day of a year the limit is January of the next.
    assert latest_period(date(2012, 12, 31)) == Month(2013, 1)


# --- the run and the correction ---------------------------------------------------------

def test_a_month_not_ended_is_not_billed_and_nothing_is_written(engine, tmp_path):
    setup_world(engine, tmp_path)
    before = dump(engine)

    with freeze_time("2012-11-30"), Session(engine) as session, session.begin():
        with pytest.raises(DataError, match="2012-11 has not ended"):
            run_month(session, NOVEMBER, date(2012, 12, 5))

    assert dump(engine) == before
    with freeze_time("2012-12-01"), Session(engine) as session, session.begin():
        assert [i.number for i in run_month(session, NOVEMBER, date(2012, 12, 1)).invoices] == [1, 2, 3]


def test_billing_a_month_to_come_is_refused_and_price_lists_stay_open(engine, database_url, tmp_path):
    # Seen on main: `billing run 2099-01 --date 2099-02-01` issued the invoices
    # and then blocked every price list from before 2099-02. Today is frozen at
    # 2026-12-01, long before 2099.
    setup_world(engine, tmp_path)
    before = dump(engine)

    with freeze_time("2026-12-01"):
        result = cli(database_url, "run", "2099-01", "--date", "2099-02-01")
        dry = cli(database_url, "run", "2099-01", "--date", "2099-02-01", "--dry-run")

    assert result.exit_code == 1 and dry.exit_code == 1
    assert ("[YYYY-MM]: 2099-01 has not ended (today is 2026-12-01): a month is billed in arrears, "
            "from 2099-02-01 on") in flat(result.stderr)
    assert "2099-01 has not ended" in flat(dry.stderr)
    assert dump(engine) == before


def test_a_correction_of_a_month_not_ended_is_refused(engine, tmp_path):
    # A run of 2099-01 recorded before the rule (as main allowed): its correction is refused too.
    setup_world(engine, tmp_path)
    with Session(engine) as session, session.begin():
        session.add(BillingRunRow(period=Month(2099, 1), run_date=date(2099, 2, 1),
                                  started_at=sa.func.now(), run_by="test", invoice_count=0))
    before = dump(engine)

    with freeze_time("2026-12-01"), Session(engine) as session, session.begin():
        with pytest.raises(DataError, match="2099-01 has not ended"):
            correct_month(session, Month(2099, 1), date(2099, 2, 1))

    assert dump(engine) == before


# --- imports -----------------------------------------------------------------------------

def test_volumes_far_ahead_are_refused_without_a_reason(engine, tmp_path):
    setup_world(engine, tmp_path)
    ahead = write_volumes(tmp_path, "ahead.csv", [f"2013-01,{ORG_A},PAY-SLIP-DEV,4,Palasso,",   # line 2
                                                  f"2013-02,{ORG_A},PAY-SLIP-DEV,5,Palasso,"])  # line 3
    before = dump(engine)

    # The command's transaction is rolled back by the refusal (the import
    # checks and stores batch by batch, and refuses at the end).
    with freeze_time("2012-12-15"), pytest.raises(DataError) as refused:
        with Session(engine) as session, session.begin():
            import_volumes(session, ahead)
    assert [(p.line, p.field) for p in refused.value.problems] == [(3, "period")]
    assert dump(engine) == before

    with freeze_time("2012-12-15"), pytest.raises(DataError, match="2013-02 is more than a month ahead"):
        with Session(engine) as session, session.begin():
            correct_volumes(session, ahead, "rättelse")
    assert dump(engine) == before

    with freeze_time("2012-12-15"), Session(engine) as session, session.begin():
        result = import_volumes(session, ahead, allow_future="förskottsfakturering enligt beslut 12")
    assert (result.added, result.skipped) == (2, 0)
    with Session(engine) as session:
        batch = session.scalars(sa.select(ImportBatch).order_by(ImportBatch.id.desc())).first()
        event = session.scalars(sa.select(EventRow).order_by(EventRow.id.desc())).first()
    assert (batch.kind, batch.reason) == ("volumes", "allow-future: förskottsfakturering enligt beslut 12")
    assert event.action == "volumes.import"
    assert event.arguments["allow_future"] == "förskottsfakturering enligt beslut 12"


def test_pass_through_far_ahead_is_refused_without_a_reason(engine, tmp_path):
    setup_world(engine, tmp_path)
    ahead = write_amounts(tmp_path, "ahead.csv", [f"2013-03,{ORG_B},payroll,Palasso,100.00,25"])
    supplier = write(tmp_path, "supplier.csv", "period,supplier,reference,area,description,amount,key,vat_rate\n"
                     "2013-03,Skatteverket,SKV-1,payroll,Palasso,100.00,employees,25\n")
    before = dump(engine)

    with freeze_time("2012-12-15"):
        for action in (import_pass_through, allocate_supplier_invoices):
            with Session(engine) as session, session.begin():
                with pytest.raises(DataError) as refused:
                    action(session, ahead if action is import_pass_through else supplier)
            [problem] = refused.value.problems
            assert (problem.line, problem.field) == (2, "period")
            assert problem.message.startswith("2013-03 is more than a month ahead of today (2012-12-15)")
    assert dump(engine) == before


def test_the_command_line_takes_a_reason_for_the_future(engine, database_url, tmp_path):
    setup_world(engine, tmp_path)
    ahead = write_amounts(tmp_path, "ahead.csv", [f"2027-03,{ORG_B},payroll,Palasso,100.00,25"])

    with freeze_time("2026-12-01"):
        refused = cli(database_url, "passthrough", "import", ahead)
        taken = cli(database_url, "passthrough", "import", ahead, "--allow-future", "avtal om förskott")

    assert refused.exit_code == 1
    assert (f"{ahead}:2 [period]: 2027-03 is more than a month ahead of today (2026-12-01)"
            in flat(refused.stderr))
    assert taken.exit_code == 0, taken.stderr
    assert f"{ahead}: 1 amount imported, 0 already there." in flat(taken.stdout)
    with engine.connect() as connection:
        assert connection.execute(sa.select(ImportBatch.reason).where(ImportBatch.kind == "pass_through")
                                  ).scalar_one() == "allow-future: avtal om förskott"
