"""The event log on SQLite and PostgreSQL: every action that changes state
writes exactly one event (action, operating-system user, UTC time, arguments)
in its own transaction; an action that fails writes none; `billing log` prints them."""

from __future__ import annotations

import getpass
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from billing.errors import AlreadyDone, DataError
from billing.period import Month
from billing.persistence.models import EventRow
from billing.services.agencies import import_agencies
from billing.services.billing_run import run_month
from billing.services.corrections import correct_month, credit_invoice
from billing.services.passthrough import allocate_supplier_invoices, import_pass_through
from billing.services.tariffs import load_tariffs
from billing.services.volumes import correct_volumes, import_volumes
from db_helpers import (ORG_A, ORG_C, ORG_UNKNOWN, TARIFFS, WORLD_AGENCIES, WORLD_VOLUMES, billed, dump,
                        write, write_volumes)
from helpers_cli import cli, flat

NOVEMBER = Month(2012, 11)
USER = getpass.getuser()


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def events(engine) -> list[tuple]:
    with Session(engine) as session:
        return [(e.action, e.os_user, e.occurred_at, e.arguments, e.summary)
                for e in session.scalars(sa.select(EventRow).order_by(EventRow.id))]


def act(engine, action):
    """One action in its own transaction; returns the one event it wrote."""
    count = len(events(engine))
    before = utcnow()
    with Session(engine) as session, session.begin():
        action(session)
    after = utcnow()
    written = events(engine)[count:]
    assert len(written) == 1, written
    name, user, occurred_at, arguments, summary = written[0]
    assert user == USER
    assert before <= occurred_at <= after
    return name, arguments, summary


def test_every_state_changing_action_writes_one_event(engine, tmp_path):
    agencies = write(tmp_path, "agencies.toml", WORLD_AGENCIES)
    volumes = write_volumes(tmp_path, "nov.csv", WORLD_VOLUMES["2012-11"])
    amounts = write(tmp_path, "amounts.csv", "\n".join([
        "period,organisation_number,area,description,amount,vat_rate,supplier,reference",
        f"2012-11,{ORG_C},payroll,Kurslitteratur,100.00,6,Adlibris,AD-1"]) + "\n")
    supplier = write(tmp_path, "supplier.csv", "\n".join([
        "period,supplier,reference,area,description,amount,key,vat_rate",
        "2012-11,Försäkringskassan,FK-1,payroll,Systemtjänst POL november,700.00,employees,25"]) + "\n")
    corrected = write_volumes(tmp_path, "corrected.csv", [f"2012-11,{ORG_A},PAY-SLIP-DEV,4,Palasso,"])

    def imported(action, name, **arguments):
        """An import's event: its action, its arguments (the import batch may be named too)."""
        logged, logged_arguments, _ = act(engine, action)
        assert logged == name
        assert logged_arguments.items() >= arguments.items(), logged_arguments
        assert set(logged_arguments) <= set(arguments) | {"batch"}, logged_arguments

    imported(lambda s: load_tariffs(s, TARIFFS), "tariffs.load", file=str(TARIFFS))
    imported(lambda s: import_agencies(s, agencies), "agencies.import", file=str(agencies))
    imported(lambda s: import_volumes(s, volumes), "volumes.import", file=str(volumes))
    imported(lambda s: import_pass_through(s, amounts), "passthrough.import", file=str(amounts))
    imported(lambda s: allocate_supplier_invoices(s, supplier), "passthrough.allocate", file=str(supplier))
    name, arguments, summary = act(engine, lambda s: run_month(s, NOVEMBER, date(2012, 12, 5)))
    assert (name, arguments) == ("run", {"period": "2012-11", "date": "2012-12-05"})
    assert "3 invoices issued, numbers 1-3" in summary
    # The reason as kept (stripped), with the file.
    imported(lambda s: correct_volumes(s, corrected, "  en lönespecifikation saknades "),
             "volumes.correct", file=str(corrected), reason="en lönespecifikation saknades")
    name, arguments, summary = act(engine, lambda s: correct_month(s, NOVEMBER, date(2012, 12, 20),
                                                                   ORG_A, "Rättade volymer"))
    assert (name, arguments) == ("correct", {"period": "2012-11", "date": "2012-12-20", "agency": ORG_A,
                                             "reason": "Rättade volymer"})
    assert "1 credit note, 1 invoice, numbers 4-5" in summary
    name, arguments, summary = act(engine, lambda s: credit_invoice(s, 2, "Bestriden", date(2012, 12, 21)))
    assert (name, arguments) == ("credit", {"number": "2", "reason": "Bestriden", "date": "2012-12-21"})
    assert "credit note 6 for invoice 2" in summary

    assert [e[0] for e in events(engine)] == [
        "tariffs.load", "agencies.import", "volumes.import", "passthrough.import",
        "passthrough.allocate", "run", "volumes.correct", "correct", "credit"]


def _refusals(tmp_path):
    bad_volumes = write_volumes(tmp_path, "bad.csv", [f"2012-11,{ORG_UNKNOWN},PAY-SLIP-DEV,3,Palasso,"])
    late = write_volumes(tmp_path, "late.csv", [f"2012-11,{ORG_A},PAY-EXPENSE,2,Palasso,"])
    bad_tariffs = tmp_path / "no-tariffs-here"
    bad_tariffs.mkdir()
    return [
        ("volumes with an unknown agency", DataError, lambda s: import_volumes(s, bad_volumes)),
        ("late volumes by import", DataError, lambda s: import_volumes(s, late)),
        ("a correction without a reason", DataError, lambda s: correct_volumes(s, late, " ")),
        ("a tariff directory without a catalogue", Exception, lambda s: load_tariffs(s, bad_tariffs)),
        ("a month billed again", AlreadyDone, lambda s: run_month(s, NOVEMBER, date(2012, 12, 6))),
        ("a month never billed", DataError,
         lambda s: correct_month(s, Month(2012, 12), date(2013, 1, 7))),
        ("an unknown invoice", DataError, lambda s: credit_invoice(s, 99, "x", date(2012, 12, 21))),
        ("a credit note without a reason", DataError,
         lambda s: credit_invoice(s, 1, "", date(2012, 12, 21))),
    ]


def test_a_failed_action_writes_no_event(engine, tmp_path):
    billed(engine, tmp_path)
    before = dump(engine)
    assert [e[0] for e in events(engine)][-1] == "run"

    for what, error, action in _refusals(tmp_path):
        with pytest.raises(error), Session(engine) as session, session.begin():
            action(session)
        assert dump(engine) == before, what


def test_log_command_prints_the_events(engine, database_url, tmp_path):
    url = database_url
    assert cli(url, "tariffs", "load", TARIFFS).exit_code == 0
    assert cli(url, "agencies", "import", write(tmp_path, "agencies.toml", WORLD_AGENCIES)).exit_code == 0
    assert cli(url, "volumes", "import", write_volumes(tmp_path, "nov.csv", WORLD_VOLUMES["2012-11"])).exit_code == 0
    assert cli(url, "run", "2012-11", "--date", "2012-12-05").exit_code == 0
    assert cli(url, "credit", "2", "--reason", "Bestriden", "--date", "2012-12-06").exit_code == 0
    assert cli(url, "credit", "2", "--reason", "Igen", "--date", "2012-12-06").exit_code == 1  # refused
    with Session(engine) as session:
        times = [e.occurred_at for e in session.scalars(sa.select(EventRow).order_by(EventRow.id))]

    printed = cli(url, "log")

    assert printed.exit_code == 0
    out = flat(printed.stdout)
    assert "Händelselogg" in out
    actions = ["tariffs.load", "agencies.import", "volumes.import", "run", "credit"]
    positions = [out.index(f"│ {action} │") for action in actions]
    assert positions == sorted(positions)  # oldest first
    assert out.count(f"│ {USER} │") == 5
    assert "period=2012-11, date=2012-12-05" in out
    for argument in ("number=2,", "reason=Bestriden,", "date=2012-12-06"):  # a cell may wrap
        assert argument in out, argument
    assert "reason=Igen" not in out
    assert times[3].isoformat(sep=" ", timespec="seconds") in out
    assert "credit note 4 for invoice 2" in out

    newest = flat(cli(url, "log", "--limit", "2").stdout)
    assert "│ run │" in newest and "│ credit │" in newest
    assert "tariffs.load" not in newest and "volumes.import" not in newest


def test_log_command_prints_file_arguments_in_full(engine, database_url, tmp_path):
    agencies = write(tmp_path / "underlag" / "kundmyndigheter-2012", "agencies.toml", WORLD_AGENCIES)
    assert cli(database_url, "tariffs", "load", TARIFFS).exit_code == 0
    assert cli(database_url, "agencies", "import", agencies).exit_code == 0

    printed = cli(database_url, "log").stdout

    # However the cell wraps, every character of the path is printed.
    cells = "".join(line.split("│")[5].strip() for line in printed.splitlines()
                    if line.count("│") >= 6 and "Argument" not in line)
    assert f"file={agencies}" in cells
