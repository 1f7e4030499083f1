"""Long work tells a plain callable how far it has come (billing/progress.py);
the command line draws bars from it on stderr, and only on a terminal."""

from __future__ import annotations

import io
from datetime import date

from sqlalchemy.orm import Session

import factories as f
from billing.cli import progress as cli_progress
from billing.cli.width import OutputConsole
from billing.domain.exports import DocumentChoice
from billing.files.centre_file import DEFAULT_CENTRE_FILE, load_centre
from billing.ledger.export import Selection
from billing.period import Month
from billing.progress import silent, tracked
from billing.quoting.whatif import compare_price_lists
from billing.services.agencies import import_agencies
from billing.services.audit import run_audit
from billing.services.billing_run import run_month
from billing.services.outputs import export_pdfs, export_peppol, export_sie
from billing.services.passthrough import import_pass_through
from billing.services.tariffs import load_tariffs
from billing.services.volumes import import_volumes
from db_helpers import (ORG_A, ORG_B, POSTAGE, TARIFFS, WORLD_AGENCIES, WORLD_VOLUMES, billed, load_world,
                        write, write_amounts, write_volumes)
from helpers_cli import cli

NOVEMBER = Month(2012, 11)


class Recorder:
    def __init__(self):
        self.calls: list[tuple[str, int, int | None]] = []

    def __call__(self, step, done, total):
        self.calls.append((step, done, total))

    def of(self, step):
        return [(done, total) for s, done, total in self.calls if s == step]


def test_tracked_tells_before_the_first_item_and_after_each():
    told = Recorder()
    assert list(tracked(["a", "b", "c"], "Letters", told)) == ["a", "b", "c"]
    assert told.calls == [("Letters", 0, 3), ("Letters", 1, 3), ("Letters", 2, 3), ("Letters", 3, 3)]
    assert list(tracked([], "Nothing", silent)) == []


def test_the_run_tells_each_agency_rated(engine, tmp_path):
    told = Recorder()
    with Session(engine) as session, session.begin():
        load_world(session, tmp_path)
        issued = run_month(session, NOVEMBER, date(2012, 12, 5), progress=told).invoices
    assert len(issued) == 3
    assert told.of("Rating agencies") == [(0, 3), (1, 3), (2, 3), (3, 3)]


def test_a_volume_import_tells_the_lines_read_batch_by_batch(engine, tmp_path):
    told = Recorder()
    with Session(engine) as session, session.begin():
        load_world(session, tmp_path, months=())
        path = write_volumes(tmp_path, "nov.csv", WORLD_VOLUMES["2012-11"])  # lines 2-7
        assert import_volumes(session, path, batch_size=2, progress=told).added == 6
    # Batches of two records: lines 2-3, 4-5, 6-7; the total is not known before the end.
    assert told.of("Reading nov.csv (lines)") == [(0, None), (3, None), (5, None), (7, None)]


def test_an_agency_import_tells_each_agency(engine, tmp_path):
    told = Recorder()
    with Session(engine) as session, session.begin():
        load_tariffs(session, TARIFFS)
        assert import_agencies(session, write(tmp_path, "a.toml", WORLD_AGENCIES), told).added == 3
    # Alfaverket, Betaverket and Gammaverket: three agencies, each told once stored.
    assert told.of("Importing agencies") == [(0, 3), (1, 3), (2, 3), (3, 3)]


def test_a_pass_through_import_tells_each_amount_checked_and_stored(engine, tmp_path):
    told = Recorder()
    amounts = write_amounts(tmp_path, "amounts.csv", [
        f"2012-11,{ORG_A},payroll,Porto november,10.00,0,Postnord,P-1,{POSTAGE}",
        f"2012-11,{ORG_B},payroll,Porto november,20.00,0,Postnord,P-2,{POSTAGE}"])
    with Session(engine) as session, session.begin():
        load_world(session, tmp_path, months=())
        assert import_pass_through(session, amounts, progress=told).added == 2
    # Two lines: each checked against the agencies' agreements, then each stored.
    assert told.of("Checking pass-through amounts") == [(0, 2), (1, 2), (2, 2)]
    assert told.of("Storing pass-through amounts") == [(0, 2), (1, 2), (2, 2)]


# Gammaverket with a buyer reference, which an e-invoice needs.
REFERENCED = WORLD_AGENCIES.replace('''name = "Gammaverket"
address = { street = "Box 1004", postal_code = "103 14", city = "Stockholm" }
sizes = [ { from = 2012-06-01, employees = 4 } ]

  [[agencies.agreements]]
  area = "payroll"
  connected_on = 2012-06-01
''', '''name = "Gammaverket"
address = { street = "Box 1004", postal_code = "103 14", city = "Stockholm" }
sizes = [ { from = 2012-06-01, employees = 4 } ]

  [[agencies.agreements]]
  area = "payroll"
  connected_on = 2012-06-01
  buyer_reference = "C-300"
''')


def test_exports_and_the_audit_tell_each_document_and_check(engine, tmp_path):
    assert REFERENCED != WORLD_AGENCIES
    billed(engine, tmp_path, agencies_text=REFERENCED)
    centre = load_centre(DEFAULT_CENTRE_FILE)
    told = Recorder()
    with Session(engine) as session:
        november = DocumentChoice(billed_for=NOVEMBER)
        export_peppol(session, november, tmp_path / "peppol", centre.seller, told)
        export_sie(session, NOVEMBER, Selection.PERIOD, tmp_path / "nov.se", centre, date(2013, 1, 1),
                   progress=told)
        export_pdfs(session, november, centre.seller, tmp_path / "pdf", told)
        run_audit(session, NOVEMBER, NOVEMBER, progress=told)
    for step in ("Making e-invoices", "Booking vouchers", "Rendering PDFs"):
        assert told.of(step) == [(0, 3), (1, 3), (2, 3), (3, 3)], step
    # Re-rating, arithmetic, completeness, numbering, integrity, the variance of
    # the one month, the sample, revenue and the receivables' reconciliation: nine checks.
    assert told.of("Auditing")[-1] == (9, 9) and len(told.of("Auditing")) == 10


def test_a_what_if_tells_each_agency_month():
    told = Recorder()
    agencies = {1: f.agency(f.agreement(f.PAYROLL), employees=10, org="100000-0001"),
                2: f.agency(f.agreement(f.PAYROLL), employees=10, org="100000-0002")}
    volumes = {NOVEMBER: {}, Month(2012, 12): {}}
    compare_price_lists(f.catalogue(), (f.price_list(),), f.price_list("utkast"), agencies, volumes, told)
    # Two agencies in two months.
    assert told.of("Re-rating agency months") == [(0, 4), (1, 4), (2, 4), (3, 4), (4, 4)]


def test_no_bar_when_stderr_is_not_a_terminal(engine, database_url, tmp_path):
    assert cli(database_url, "tariffs", "load", TARIFFS).exit_code == 0
    agencies = write(tmp_path, "a.toml", WORLD_AGENCIES)
    assert cli(database_url, "agencies", "import", agencies).exit_code == 0
    volumes = write_volumes(tmp_path, "nov.csv", [f"2012-11,{ORG_A},PAY-SLIP-DEV,3,Palasso,"])
    amounts = write_amounts(tmp_path, "amounts.csv", [
        f"2012-11,{ORG_A},payroll,Porto november,10.00,0,Postnord,P-1,{POSTAGE}"])
    for args in (("volumes", "import", volumes), ("passthrough", "import", amounts),
                 ("run", "2012-11", "--date", "2012-12-05"), ("audit", "2012-11")):
        result = cli(database_url, *args)
        assert result.stderr == "", args  # CliRunner's stderr is no terminal


def test_bars_are_drawn_on_a_terminal_and_vanish(monkeypatch):
    screen = io.StringIO()
    monkeypatch.setattr(cli_progress, "errors", OutputConsole(file=screen, force_terminal=True, width=80))
    with cli_progress.progress_bars() as progress:
        assert progress is not silent
        for done in range(4):
            progress("Rating agencies", done, 3)
    assert "Rating agencies" in screen.getvalue() and "3/3" in screen.getvalue()
    monkeypatch.setattr(cli_progress, "errors", OutputConsole(file=io.StringIO(), force_terminal=False))
    with cli_progress.progress_bars() as progress:
        assert progress is silent
