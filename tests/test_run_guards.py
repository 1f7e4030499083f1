"""Guards before anything is issued (issue 11): a month whose volumes look
missing, a month billed out of order, a document dated before the newest one.
Each refusal names why and changes nothing; the deliberate override is kept
in the event log with its reason."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from billing.audit.numbering import dates_backwards
from billing.audit.volume_guards import volume_findings
from billing.domain.catalogue import Catalogue, Charge, Service, ServiceArea, Tier
from billing.errors import AlreadyDone, DataError
from billing.period import Month
from billing.persistence.models import EventRow, InvoiceRow
from billing.services.audit import run_audit
from billing.services.billing_run import Override, run_month
from billing.services.corrections import correct_month, credit_invoice
from billing.services.volumes import correct_volumes, import_volumes
from db_helpers import (ORG_A, ORG_B, WORLD_VOLUMES, billed, correct_alfaverket_payslips, dump, setup_world,
                        write_volumes)
from helpers_cli import cli, flat

NOV, DEC = Month(2012, 11), Month(2012, 12)
JAN_5 = date(2013, 1, 5)


def _run(engine, month, issue, override=Override()):
    with Session(engine) as session, session.begin():
        return run_month(session, month, issue, override)


def _import(engine, tmp_path, name, rows):
    with Session(engine) as session, session.begin():
        import_volumes(session, write_volumes(tmp_path, name, rows))


def _events(engine, action):
    with Session(engine) as session:
        return [(e.arguments, e.summary) for e in
                session.scalars(sa.select(EventRow).where(EventRow.action == action).order_by(EventRow.id))]


# December as in November, so that only what a test changes looks missing.
FULL_DECEMBER = [row.replace("2012-11", "2012-12") for row in WORLD_VOLUMES["2012-11"]]


# --- the pure rules --------------------------------------------------------------------

def _service(code, tier):
    return Service(code, ServiceArea.PAYROLL, tier, Charge.PER_UNIT, code, "st", "EA")


CATALOGUE = Catalogue((_service("BASIC-1", Tier.BASIC), _service("EXTRA-1", Tier.ADDITIONAL)))


def test_no_volumes_at_all_is_a_finding_for_the_whole_month():
    [finding] = volume_findings(CATALOGUE, DEC, {}, NOV, {("A", "BASIC-1"): Decimal(3)})
    assert finding.organisation_number is None
    assert "2012-12 has no volume records at all" in finding.message
    assert finding.allowed_by({"all"}) and not finding.allowed_by({"A"})


def test_an_agency_without_its_basic_services_is_named():
    previous = {("A", "BASIC-1"): Decimal(3), ("B", "BASIC-1"): Decimal(3), ("B", "EXTRA-1"): Decimal(1)}
    # B still uses BASIC-1; A now has only an additional service: A is missing.
    current = {("A", "EXTRA-1"): Decimal(1), ("B", "BASIC-1"): Decimal(3)}
    findings = volume_findings(CATALOGUE, DEC, current, NOV, previous, {"A": "Alfa"})
    # EXTRA-1 stays 1 -> 1; BASIC-1 falls 6 -> 3, exactly 50 %: not more than the threshold.
    assert [(f.organisation_number, f.message) for f in findings] == [
        ("A", "A Alfa had basic-service volumes in 2012-11 but has none in 2012-12")]


def test_a_fall_of_more_than_the_threshold_is_a_finding():
    previous = {("A", "BASIC-1"): Decimal(100)}
    # 100 -> 49 is a fall of 51 %: over 50, under 60.
    current = {("A", "BASIC-1"): Decimal(49)}
    [finding] = volume_findings(CATALOGUE, DEC, current, NOV, previous)
    assert "BASIC-1 falls by 51.0 % (100 in 2012-11, 49 in 2012-12)" in finding.message
    assert volume_findings(CATALOGUE, DEC, current, NOV, previous, drop_threshold=Decimal(60)) == ()


def test_the_first_month_billed_has_nothing_to_compare_with():
    assert volume_findings(CATALOGUE, NOV, {("A", "EXTRA-1"): Decimal(1)}, None, {}) == ()


def test_dates_going_backwards_along_the_series_are_found():
    dated = [(1, date(2013, 1, 5)), (2, date(2013, 1, 5)), (3, date(2013, 1, 4)), (4, date(2013, 2, 1))]
    assert [(f.document, f.code, f.message) for f in dates_backwards(dated)] == [
        (3, "date_backwards", "dokument 3 är daterat 2013-01-04, före dokument 2 (2013-01-05)")]


# --- volumes that look missing ---------------------------------------------------------

def test_a_month_with_no_volumes_is_refused_and_nothing_changes(engine, tmp_path):
    billed(engine, tmp_path)
    before = dump(engine)
    with pytest.raises(DataError, match="2012-12 has no volume records at all") as raised:
        _run(engine, DEC, JAN_5)
    assert "--allow-missing all --reason TEXT" in str(raised.value)
    assert dump(engine) == before


def test_an_agency_missing_its_basic_volumes_is_refused_by_name(engine, tmp_path):
    billed(engine, tmp_path)
    # Alfaverket's payslips (PAY-SLIP-DEV, basic) are missing from December.
    _import(engine, tmp_path, "dec.csv", [r for r in FULL_DECEMBER if ORG_A not in r])
    before = dump(engine)
    with pytest.raises(DataError, match=f"{ORG_A} Alfaverket had basic-service volumes in 2012-11 "
                                        f"but has none in 2012-12") as raised:
        _run(engine, DEC, JAN_5)
    assert f"--allow-missing {ORG_A} --reason TEXT" in str(raised.value)
    assert dump(engine) == before


def test_a_service_falling_by_more_than_the_threshold_is_refused(engine, tmp_path):
    billed(engine, tmp_path)
    # FIN-ASSET 200 -> 90: a fall of 55 %.
    _import(engine, tmp_path, "dec.csv",
            [r.replace("FIN-ASSET,200", "FIN-ASSET,90") for r in FULL_DECEMBER])
    before = dump(engine)
    with pytest.raises(DataError, match=r"FIN-ASSET falls by 55.0 % \(200 in 2012-11, 90 in 2012-12\)"):
        _run(engine, DEC, JAN_5)
    assert dump(engine) == before
    # At a threshold of 60 % the same month is billed.
    assert len(_run(engine, DEC, JAN_5, Override(drop_threshold=Decimal(60))).invoices) == 3


def test_billing_anyway_is_deliberate_and_kept_in_the_event_log(engine, tmp_path):
    billed(engine, tmp_path)
    _import(engine, tmp_path, "dec.csv", [r for r in FULL_DECEMBER if ORG_A not in r])
    # Naming another agency does not allow Alfaverket's finding.
    with pytest.raises(DataError, match="Alfaverket had basic-service volumes"):
        _run(engine, DEC, JAN_5, Override.of([ORG_B], "fel kund"))
    with pytest.raises(DataError, match="needs a reason"):
        Override.of([ORG_A], None)
    result = _run(engine, DEC, JAN_5, Override.of([ORG_A], "Alfaverket hade inga anställda i december"))
    assert len(result.invoices) == 3
    [(arguments, summary)] = _events(engine, "run")[-1:]
    assert arguments["allow_missing"] == ORG_A
    assert arguments["reason"] == "Alfaverket hade inga anställda i december"
    assert "Alfaverket had basic-service volumes in 2012-11 but has none in 2012-12" in summary


def test_the_dry_run_shows_the_findings_and_the_refusal(database_url, engine, tmp_path):
    url = database_url
    billed(engine, tmp_path)
    before = dump(engine)
    shown = cli(url, "run", "2012-12", "--date", "2013-01-05", "--dry-run")
    assert shown.exit_code == 0, shown.output
    text = flat(shown.output)
    assert "Volumes look missing (stops the run): 2012-12 has no volume records at all" in text
    assert "Dry run: the run of 2012-12 would be refused; nothing was written." in text
    refused = cli(url, "run", "2012-12", "--date", "2013-01-05")
    assert refused.exit_code == 1 and "2012-12 has no volume records at all" in flat(refused.output)
    assert dump(engine) == before
    allowed = cli(url, "run", "2012-12", "--date", "2013-01-05", "--allow-missing", "all",
                  "--reason", "Inga volymer i december")
    assert allowed.exit_code == 0, allowed.output
    assert "Volumes look missing (allowed)" in flat(allowed.output)
    assert _events(engine, "run")[-1][0]["reason"] == "Inga volymer i december"


# --- months in order, dates never backwards ------------------------------------------------

def test_a_month_is_not_billed_while_an_earlier_one_is_unbilled(engine, tmp_path):
    billed(engine, tmp_path)
    _import(engine, tmp_path, "jan.csv", [r.replace("2012-11", "2013-01") for r in WORLD_VOLUMES["2012-11"]])
    before = dump(engine)
    # December has agreements in force and no run: January waits for it.
    with pytest.raises(DataError, match=r"2012-12 has agreements in force and is not billed; "
                                        r"bill it first \('billing run 2012-12'\)"):
        _run(engine, Month(2013, 1), date(2013, 2, 5))
    assert dump(engine) == before


def test_a_month_before_a_billed_one_is_refused(engine, tmp_path):
    setup_world(engine, tmp_path, months=("2012-11", "2012-12"))
    _run(engine, DEC, JAN_5)  # the first month billed in a database is free
    before = dump(engine)
    with pytest.raises(DataError, match="2012-12 is already billed, so 2012-11 cannot be billed after it"):
        _run(engine, NOV, date(2013, 1, 6))
    assert dump(engine) == before


def test_a_document_dated_before_the_newest_is_refused(engine, tmp_path):
    billed(engine, tmp_path)  # invoices 1-3 dated 2012-12-05
    _import(engine, tmp_path, "dec.csv", FULL_DECEMBER)
    with Session(engine) as session, session.begin():
        credit_invoice(session, 1, "fel mottagare", date(2013, 1, 10))  # credit note 4
    before = dump(engine)
    with pytest.raises(DataError, match="the date 2013-01-05 is before document 4's 2013-01-10"):
        _run(engine, DEC, JAN_5)
    with pytest.raises(DataError, match="before document 4's 2013-01-10"):
        with Session(engine) as session, session.begin():
            credit_invoice(session, 2, "fel mottagare", date(2013, 1, 9))
    assert dump(engine) == before
    assert len(_run(engine, DEC, date(2013, 1, 10)).invoices) == 3


# --- an invoice credited on its own leaves the agency unbilled ---------------------------

def test_run_and_audit_name_the_agency_credited_on_its_own(engine, tmp_path):
    billed(engine, tmp_path)  # invoices 1 A, 2 B, 3 C for November
    with Session(engine) as session, session.begin():
        credit_invoice(session, 2, "fel mottagare", date(2012, 12, 10))  # credit note 4
    with pytest.raises(AlreadyDone) as raised:
        _run(engine, NOV, date(2012, 12, 10))
    assert (f"{ORG_B} Betaverket is unbilled for 2012-11: its invoice 2 was credited on its own; bill it "
            f"again with 'billing correct 2012-11 --agency {ORG_B}'") in str(raised.value)
    with Session(engine) as session:
        report = run_audit(session, NOV, NOV, seed=1)
    [completeness] = [c for c in report.checks if c.name == "completeness"]
    # Its volume records are on no invoice in force, too (found beside it).
    assert [(f.code, f.message) for f in completeness.findings if "Betaverket" in f.message] == [
        ("credited_alone",
         f"{ORG_B} Betaverket är ofakturerad för 2012-11: faktura 2 krediterades ensam med kreditnota 4; "
         f"fakturera på nytt med 'billing correct 2012-11 --agency {ORG_B}'")]


def test_the_audit_finds_a_document_dated_before_the_one_before_it(engine, tmp_path):
    billed(engine, tmp_path)
    with engine.begin() as connection:  # as a run before the guard could have left it
        connection.execute(sa.update(InvoiceRow).where(InvoiceRow.number == 3)
                           .values(issue_date=date(2012, 12, 4)))
    with Session(engine) as session:
        report = run_audit(session, NOV, NOV, seed=1)
    [numbering] = [c for c in report.checks if c.name == "numbering"]
    assert "dokument 3 är daterat 2012-12-04, före dokument 2 (2012-12-05)" in [
        f.message for f in numbering.findings]


# --- corrections: a dry run, a summary per agency, the reasons of the volume corrections ---

def test_a_correction_carries_the_reason_given_to_the_volume_correction(engine, tmp_path):
    billed(engine, tmp_path)
    correct_alfaverket_payslips(engine, tmp_path, reason="en lönespecifikation saknades")
    with Session(engine) as session, session.begin():
        result = correct_month(session, NOV, date(2012, 12, 20))
    [note], [invoice] = result.credit_notes, result.invoices
    assert note.reason == invoice.reason == "en lönespecifikation saknades"
    [change] = result.changes
    assert (change.organisation_number, change.reason) == (ORG_A, "en lönespecifikation saknades")
    # What Alfaverket owed is what invoice 1 asked, and what it owes now invoice 5's amount.
    assert change.old_payable == -note.totals.payable and change.new_payable == invoice.totals.payable
    assert change.difference == invoice.totals.payable + note.totals.payable
    assert change.difference > 0  # one payslip more


def test_a_reason_given_to_the_correction_wins(engine, tmp_path):
    billed(engine, tmp_path)
    correct_alfaverket_payslips(engine, tmp_path)
    with Session(engine) as session, session.begin():
        result = correct_month(session, NOV, date(2012, 12, 20), reason="Ny lönekörning")
    assert {d.reason for d in result.credit_notes + result.invoices} == {"Ny lönekörning"}


def test_the_correction_dry_run_shows_the_summary_and_writes_nothing(database_url, engine, tmp_path):
    billed(engine, tmp_path)
    correct_alfaverket_payslips(engine, tmp_path, reason="en lönespecifikation saknades")
    before = dump(engine)
    shown = cli(database_url, "correct", "2012-11", "--date", "2012-12-20", "--dry-run")
    assert shown.exit_code == 0, shown.output
    text = flat(shown.output)
    assert "Tidigare att betala" in text and "Skillnad" in text
    assert ORG_A in text and "Alfaverket" in text and "en lönespecifikation saknades" in text
    assert "Dry run: 1 credit note and 1 invoice would be issued for 2012-11; nothing was written." in text
    assert dump(engine) == before
    done = cli(database_url, "correct", "2012-11", "--date", "2012-12-20")
    assert done.exit_code == 0, done.output
    assert "en lönespecifikation saknades" in flat(done.output) and "Skillnad" in flat(done.output)
    assert dump(engine) != before


def test_reasons_too_long_together_ask_for_one(engine, tmp_path):
    billed(engine, tmp_path)
    # Two corrections of Alfaverket's November (the second a late record of its
    # own, so both are in force), each with a reason of 300 characters:
    # together (with "; ") 602, more than the 500 a document's reason holds.
    correct_alfaverket_payslips(engine, tmp_path, reason="a" * 300)
    again = write_volumes(tmp_path, "again.csv", [f"2012-11,{ORG_A},PAY-SLIP-DEV,1,Palasso,late-1"])
    with Session(engine) as session, session.begin():
        correct_volumes(session, again, "b" * 300)
    before = dump(engine)
    with pytest.raises(DataError, match="longer than 500 characters: give one"):
        with Session(engine) as session, session.begin():
            correct_month(session, NOV, date(2012, 12, 20))
    assert dump(engine) == before


def test_the_reasons_of_several_volume_corrections_are_joined(engine, tmp_path):
    billed(engine, tmp_path)
    correct_alfaverket_payslips(engine, tmp_path, reason="ett lönebesked saknades")
    late = write_volumes(tmp_path, "late.csv", [f"2012-11,{ORG_A},PAY-SLIP-DEV,1,Palasso,late-1"])
    with Session(engine) as session, session.begin():
        correct_volumes(session, late, "ett sent lönebesked")
    with Session(engine) as session, session.begin():
        result = correct_month(session, NOV, date(2012, 12, 20))
    # In the order the corrections were made.
    assert {d.reason for d in result.credit_notes + result.invoices} == {
        "ett lönebesked saknades; ett sent lönebesked"}
