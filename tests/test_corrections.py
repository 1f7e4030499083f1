"""Corrections of a billed month (issue 3) on SQLite and PostgreSQL: corrected
and late volumes supersede the old records, and `correct_month` reverses each
changed agency's invoice with a credit note and issues a new invoice, while
every issued document stays as it was.

The scenario, worked out by hand from tariffs/standard-2012-06.toml
(check_assumed_prices() fails if those prices change):

    ORG_NY Nyverket  10 employees, payroll from 2012-06-01 (buyer reference N-100)
    ORG_XI Xiverket   2 employees, payroll from 2012-06-01 (buyer reference X-200)

    volumes 2012-11:  Ny PAY-SLIP-DEV 12,  Xi PAY-SLIP-DEV 5

Run of 2012-11, dated 2012-12-05, numbers in organisation-number order:

    1  Ny fixed 1 x 3000.00 = 3000.00; variable 10 x 40.00 = 400.00;
          payslips 12 x 66.00 = 792.00.  net 4192.00, VAT 25 % 1048.00,
          gross 5240.00, rounding 0.00, payable 5240
    2  Xi 3000.00 + 2 x 40.00 = 80.00 + 5 x 66.00 = 330.00.  net 3410.00,
          VAT 852.50, gross 4262.50, rounding +0.50, payable 4263

Correction: Ny's payslips 12 -> 15 (correct_volumes, with a reason), then
correct_month 2012-11 dated 2012-12-20:

    3  credit note for 1: -1 x 3000.00 = -3000.00; -10 x 40.00 = -400.00;
          -12 x 66.00 = -792.00.  net -4192.00, VAT -1048.00, gross -5240.00,
          rounding 0.00, payable -5240; due on its own date
    4  invoice for Ny replacing 1: 3000.00 + 400.00 + 15 x 66.00 = 990.00.
          net 4390.00, VAT 1097.50, gross 5487.50, rounding +0.50, payable 5488
    Xi unchanged: nothing.

    balance Ny = 5240 - 5240 + 5488 = 5488;  balance Xi = 4263.
"""

from __future__ import annotations

import getpass
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from billing.domain.agency import FeePart
from billing.errors import DataError
from billing.invoicing.document import DocumentKind
from billing.period import Month
from billing.persistence.documents import read_documents
from billing.persistence.models import (AgencyRow, ImportBatch, InvoiceLineRow, InvoiceLineVolume,
                                        InvoiceRow, InvoiceVatRow, NumberSeries, VolumeRow)
from billing.services.agencies import import_agencies
from billing.services.billing_run import run_month
from billing.services.corrections import DEFAULT_REASON, correct_month, month_balance
from billing.services.volumes import correct_volumes, import_volumes
from db_helpers import (ORG_D, ORG_NY, ORG_UNKNOWN, ORG_XI, TARIFFS, check_assumed_prices, dump,
                        scalar, setup_world, write, write_volumes)
from helpers_cli import cli, flat

NOVEMBER, DECEMBER = Month(2012, 11), Month(2012, 12)
RUN_DATE, CORRECTION_DATE = date(2012, 12, 5), date(2012, 12, 20)
REASON = "Palasso levererade tre lönespecifikationer för sent"

SCENARIO_AGENCIES = f"""\
[[agencies]]
organisation_number = "{ORG_NY}"
name = "Nyverket"
address = {{ street = "Box 1013", postal_code = "103 23", city = "Stockholm" }}
sizes = [ {{ from = 2012-06-01, employees = 10 }} ]

  [[agencies.agreements]]
  area = "payroll"
  connected_on = 2012-06-01
  buyer_reference = "N-100"

[[agencies]]
organisation_number = "{ORG_XI}"
name = "Xiverket"
address = {{ street = "Box 1014", postal_code = "103 24", city = "Stockholm" }}
sizes = [ {{ from = 2012-06-01, employees = 2 }} ]

  [[agencies.agreements]]
  area = "payroll"
  connected_on = 2012-06-01
  buyer_reference = "X-200"
"""

# Delta joins the file later (after the November run), with an agreement in force in November.
DELTA = f"""
[[agencies]]
organisation_number = "{ORG_D}"
name = "Deltaverket"
address = {{ street = "Box 1015", postal_code = "103 25", city = "Stockholm" }}
sizes = [ {{ from = 2012-06-01, employees = 3 }} ]

  [[agencies.agreements]]
  area = "payroll"
  connected_on = 2012-06-01
"""

NOVEMBER_VOLUMES = [
    f"2012-11,{ORG_NY},PAY-SLIP-DEV,12,Palasso,",   # line 2
    f"2012-11,{ORG_XI},PAY-SLIP-DEV,5,Palasso,",    # line 3
]
CORRECTED_NY = [f"2012-11,{ORG_NY},PAY-SLIP-DEV,15,Palasso,"]


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def billed_scenario(engine, tmp_path):
    """The two agencies, November's volumes, and the run of November (invoices 1 and 2)."""
    check_assumed_prices()
    setup_world(engine, tmp_path, months=(), agencies_text=SCENARIO_AGENCIES)
    original = write_volumes(tmp_path, "november.csv", NOVEMBER_VOLUMES)
    with Session(engine) as session, session.begin():
        import_volumes(session, original)
    with Session(engine) as session, session.begin():
        issued = run_month(session, NOVEMBER, RUN_DATE).invoices
    assert [(i.number, i.organisation_number, i.totals.payable) for i in issued] == [
        (1, ORG_NY, Decimal("5240")), (2, ORG_XI, Decimal("4263"))]
    return original


def correct_file(engine, path, reason=REASON):
    with Session(engine) as session, session.begin():
        return correct_volumes(session, path, reason)


def correct(engine, month=NOVEMBER, issue=CORRECTION_DATE, agency=None, reason=DEFAULT_REASON):
    with Session(engine) as session, session.begin():
        return correct_month(session, month, issue, agency, reason)


def documents(engine, *criteria):
    with Session(engine) as session:
        return read_documents(session, *criteria)


def balance(engine, month=NOVEMBER):
    with Session(engine) as session:
        return month_balance(session, month)


def numbers(engine):
    with engine.connect() as connection:
        return list(connection.scalars(sa.select(InvoiceRow.number).order_by(InvoiceRow.number)))


def next_number(engine):
    return scalar(engine, sa.select(NumberSeries.next_number).where(NumberSeries.name == "invoice"))


def document_rows(engine, number):
    """Every stored row of one document: header, lines, VAT, basis links."""
    with engine.connect() as connection:
        return {
            table.name: [tuple(row) for row in connection.execute(
                sa.select(table).where(column == number).order_by(*table.primary_key.columns))]
            for table, column in ((InvoiceRow.__table__, InvoiceRow.number),
                                  (InvoiceLineRow.__table__, InvoiceLineRow.invoice_number),
                                  (InvoiceVatRow.__table__, InvoiceVatRow.invoice_number),
                                  (InvoiceLineVolume.__table__, InvoiceLineVolume.invoice_number))}


def shape(document):
    """(part, service, quantity, unit price, amount) of every line."""
    return [(line.part, line.service_code, line.quantity, line.unit_price, line.amount)
            for line in document.lines]


def totals(document):
    t = document.totals
    return (t.net, t.vat, t.gross, t.rounding, t.payable)


D = Decimal


# --- 1. the scenario ------------------------------------------------------------------------


def test_correction_scenario_worked_out_by_hand(engine, tmp_path):
    billed_scenario(engine, tmp_path)
    [original_ny] = documents(engine, InvoiceRow.number == 1)
    assert shape(original_ny) == [
        (FeePart.BASE_FIXED, None, D("1"), D("3000.00"), D("3000.00")),
        (FeePart.BASE_VARIABLE, None, D("10"), D("40.00"), D("400.00")),
        (FeePart.TRANSACTION, "PAY-SLIP-DEV", D("12"), D("66.00"), D("792.00"))]
    assert totals(original_ny) == (D("4192.00"), D("1048.00"), D("5240.00"), D("0.00"), D("5240"))

    imported = correct_file(engine, write_volumes(tmp_path, "corrected.csv", CORRECTED_NY))
    assert (imported.added, imported.skipped, imported.superseded) == (1, 0, 1)
    result = correct(engine, reason="Rättade volymer från Palasso")

    # Only Ny changed: its credit note first, then its new invoice; Xi gets nothing.
    [credit_note] = result.credit_notes
    [new_invoice] = result.invoices
    assert (credit_note.number, new_invoice.number) == (3, 4)
    assert numbers(engine) == [1, 2, 3, 4] and next_number(engine) == 5

    # The credit note reverses invoice 1 in full, line by line, to the öre.
    assert credit_note.kind is DocumentKind.CREDIT_NOTE
    assert (credit_note.credits, credit_note.replaces) == (1, None)
    assert (credit_note.organisation_number, credit_note.agency_name, credit_note.buyer_reference,
            credit_note.period) == (ORG_NY, "Nyverket", "N-100", NOVEMBER)
    assert (credit_note.issue_date, credit_note.due_date) == (CORRECTION_DATE, CORRECTION_DATE)
    assert credit_note.reason == "Rättade volymer från Palasso"
    assert shape(credit_note) == [
        (FeePart.BASE_FIXED, None, D("-1"), D("3000.00"), D("-3000.00")),
        (FeePart.BASE_VARIABLE, None, D("-10"), D("40.00"), D("-400.00")),
        (FeePart.TRANSACTION, "PAY-SLIP-DEV", D("-12"), D("66.00"), D("-792.00"))]
    assert totals(credit_note) == (D("-4192.00"), D("-1048.00"), D("-5240.00"), D("0.00"), D("-5240"))
    assert totals(credit_note) == tuple(-x for x in totals(original_ny))

    # The new invoice: 15 payslips, replacing invoice 1.
    assert new_invoice.kind is DocumentKind.INVOICE
    assert (new_invoice.credits, new_invoice.replaces) == (None, 1)
    assert (new_invoice.organisation_number, new_invoice.period) == (ORG_NY, NOVEMBER)
    assert (new_invoice.issue_date, new_invoice.due_date) == (CORRECTION_DATE, date(2013, 1, 19))
    assert new_invoice.reason == "Rättade volymer från Palasso"
    assert shape(new_invoice) == [
        (FeePart.BASE_FIXED, None, D("1"), D("3000.00"), D("3000.00")),
        (FeePart.BASE_VARIABLE, None, D("10"), D("40.00"), D("400.00")),
        (FeePart.TRANSACTION, "PAY-SLIP-DEV", D("15"), D("66.00"), D("990.00"))]
    assert totals(new_invoice) == (D("4390.00"), D("1097.50"), D("5487.50"), D("0.50"), D("5488"))

    # What is stored reads back as issued, and Xi has only its original invoice.
    assert documents(engine, InvoiceRow.number.in_([3, 4])) == [credit_note, new_invoice]
    assert [d.number for d in documents(engine, InvoiceRow.organisation_number == ORG_XI)] == [2]

    # 5240 - 5240 + 5488 = 5488 for Ny; 4263 for Xi.
    assert balance(engine) == {ORG_NY: D("5488"), ORG_XI: D("4263")}


def test_superseded_record_stays_readable_with_who_when_and_why(engine, tmp_path):
    billed_scenario(engine, tmp_path)
    before = utcnow()
    correct_file(engine, write_volumes(tmp_path, "corrected.csv", CORRECTED_NY))
    after = utcnow()
    correct(engine)

    with Session(engine) as session:
        a = session.scalars(sa.select(AgencyRow.id).where(AgencyRow.organisation_number == ORG_NY)).one()
        first, second = session.scalars(
            sa.select(VolumeRow).where(VolumeRow.agency_id == a, VolumeRow.period == NOVEMBER,
                                       VolumeRow.service_code == "PAY-SLIP-DEV")
            .order_by(VolumeRow.revision)).all()
        assert (first.revision, first.quantity, first.superseded_by_id) == (1, D("12"), second.id)
        assert (second.revision, second.quantity, second.superseded_by_id) == (2, D("15"), None)
        assert (second.source, second.reference, second.period) == ("Palasso", "", NOVEMBER)
        original_batch = session.get(ImportBatch, first.import_id)
        batch = session.get(ImportBatch, second.import_id)
        assert (original_batch.kind, original_batch.reason) == ("volumes", "")
        assert (batch.kind, batch.reason, batch.imported_by) == ("volume_corrections", REASON,
                                                                 getpass.getuser())
        assert batch.file_name.endswith("corrected.csv")
        assert (batch.records_added, batch.records_skipped) == (1, 0)
        assert before <= batch.imported_at <= after
        # The basis of each document: the original and its credit note priced
        # revision 1, the new invoice revision 2.
        links = dict(session.execute(
            sa.select(InvoiceLineVolume.invoice_number, InvoiceLineVolume.volume_record_id)
            .where(InvoiceLineVolume.invoice_number.in_([1, 3, 4]))).all())
        assert links == {1: first.id, 3: first.id, 4: second.id}


def test_issued_documents_are_never_changed_by_a_correction(engine, tmp_path):
    billed_scenario(engine, tmp_path)
    rows_1, rows_2 = document_rows(engine, 1), document_rows(engine, 2)
    assert len(rows_1["invoice_lines"]) == 3 and len(rows_1["invoice_line_volumes"]) == 1

    correct_file(engine, write_volumes(tmp_path, "corrected.csv", CORRECTED_NY))
    correct(engine)

    assert document_rows(engine, 1) == rows_1
    assert document_rows(engine, 2) == rows_2


def test_correcting_back_to_the_original_quantity_reverses_the_correction(engine, tmp_path):
    # 12 -> 15 -> 12: revision 3; invoice 4 (5488) is credited by 5, and 6
    # bills 12 payslips again: 4192.00 net, payable 5240 as in invoice 1.
    # Balance: 5240 - 5240 + 5488 - 5488 + 5240 = 5240.
    billed_scenario(engine, tmp_path)
    correct_file(engine, write_volumes(tmp_path, "corrected.csv", CORRECTED_NY))
    correct(engine)
    back = correct_file(engine, write_volumes(tmp_path, "back.csv", NOVEMBER_VOLUMES[:1]),
                        reason="Palassos rättelse var fel")
    assert (back.added, back.superseded) == (1, 1)

    result = correct(engine, issue=date(2012, 12, 28))

    assert [(d.number, d.credits) for d in result.credit_notes] == [(5, 4)]
    assert [(d.number, d.replaces) for d in result.invoices] == [(6, 4)]
    assert totals(result.credit_notes[0]) == (D("-4390.00"), D("-1097.50"), D("-5487.50"),
                                              D("-0.50"), D("-5488"))
    assert totals(result.invoices[0]) == (D("4192.00"), D("1048.00"), D("5240.00"), D("0.00"), D("5240"))
    assert balance(engine) == {ORG_NY: D("5240"), ORG_XI: D("4263")}
    with Session(engine) as session:
        revisions = session.execute(sa.select(VolumeRow.revision, VolumeRow.quantity,
                                              VolumeRow.superseded_by_id.is_(None))
                                    .join(AgencyRow).where(AgencyRow.organisation_number == ORG_NY)
                                    .order_by(VolumeRow.revision)).all()
    assert [tuple(r) for r in revisions] == [(1, D("12"), False), (2, D("15"), False), (3, D("12"), True)]


# --- 2. late volumes ------------------------------------------------------------------------


def test_late_volumes_of_a_new_service_are_a_correction(engine, tmp_path):
    billed_scenario(engine, tmp_path)
    late = write_volumes(tmp_path, "late.csv", [f"2012-11,{ORG_NY},PAY-EXPENSE,4,Palasso,"])
    before = dump(engine)

    with pytest.raises(DataError) as refused, Session(engine) as session, session.begin():
        import_volumes(session, late)

    message = str(refused.value)
    assert f"{late}:2 [period]" in message and "2012-11" in message
    assert "billing volumes correct" in message
    assert dump(engine) == before

    taken = correct_file(engine, late, reason="Utlägg rapporterades för sent")
    assert (taken.added, taken.skipped, taken.superseded) == (1, 0, 0)

    # Ny: 4192.00 + 4 x 18.00 = 72.00 -> 4264.00 net, VAT 1066.00, gross 5330.00, payable 5330.
    result = correct(engine)
    assert [(d.number, d.credits) for d in result.credit_notes] == [(3, 1)]
    [new] = result.invoices
    assert (new.number, new.replaces, new.organisation_number) == (4, 1, ORG_NY)
    assert (FeePart.TRANSACTION, "PAY-EXPENSE", D("4"), D("18.00"), D("72.00")) in shape(new)
    assert totals(new) == (D("4264.00"), D("1066.00"), D("5330.00"), D("0.00"), D("5330"))
    assert balance(engine) == {ORG_NY: D("5330"), ORG_XI: D("4263")}


def test_late_volumes_of_an_agency_not_invoiced_in_the_billed_month(engine, tmp_path):
    # Delta (3 employees) is added after the November run: it has no invoice for
    # November, but November is billed, so its volumes are late and a correction.
    billed_scenario(engine, tmp_path)
    with Session(engine) as session, session.begin():
        import_agencies(session, write(tmp_path, "agencies2.toml", SCENARIO_AGENCIES + DELTA))
    late = write_volumes(tmp_path, "delta.csv", [f"2012-11,{ORG_D},PAY-SLIP-DEV,5,Palasso,"])
    before = dump(engine)

    with pytest.raises(DataError) as refused, Session(engine) as session, session.begin():
        import_volumes(session, late)
    assert "billing volumes correct" in str(refused.value)
    assert dump(engine) == before

    assert correct_file(engine, late, reason="Ny kund, volymer i efterhand").added == 1
    # Delta: 3000.00 + 3 x 40.00 = 120.00 + 5 x 66.00 = 330.00 -> 3450.00,
    # VAT 862.50, gross 4312.50, rounding +0.50, payable 4313. No credit note:
    # there was no invoice to reverse.
    result = correct(engine)
    assert result.credit_notes == ()
    [new] = result.invoices
    assert (new.number, new.organisation_number, new.replaces) == (3, ORG_D, None)
    assert totals(new) == (D("3450.00"), D("862.50"), D("4312.50"), D("0.50"), D("4313"))
    assert balance(engine) == {ORG_NY: D("5240"), ORG_XI: D("4263"), ORG_D: D("4313")}


def test_reimporting_the_original_file_after_a_correction_changes_nothing(engine, tmp_path):
    original = billed_scenario(engine, tmp_path)
    correct_file(engine, write_volumes(tmp_path, "corrected.csv", CORRECTED_NY))
    correct(engine)
    before = dump(engine)

    with Session(engine) as session, session.begin():
        again = import_volumes(session, original)

    # Both records are recognised (Ny's as an earlier revision), none is added
    # or superseded; only the import itself is logged.
    assert (again.added, again.skipped, again.superseded) == (0, 2, 0)
    after = dump(engine)
    for table in ("volume_records", "invoices", "invoice_lines", "number_series"):
        assert after[table] == before[table], table
    result = correct(engine)
    assert (result.credit_notes, result.invoices) == ((), ())
    assert balance(engine) == {ORG_NY: D("5488"), ORG_XI: D("4263")}


def test_correcting_to_the_same_quantity_changes_nothing(engine, tmp_path):
    original = billed_scenario(engine, tmp_path)
    same = correct_file(engine, original)
    assert (same.added, same.skipped, same.superseded) == (0, 2, 0)
    before = dump(engine)
    result = correct(engine)
    assert (result.credit_notes, result.invoices) == ((), ())
    assert dump(engine) == before


# --- 3. idempotency and --agency ------------------------------------------------------------


def test_correcting_again_issues_and_writes_nothing(engine, tmp_path):
    billed_scenario(engine, tmp_path)
    correct_file(engine, write_volumes(tmp_path, "corrected.csv", CORRECTED_NY))
    assert len(correct(engine).invoices) == 1
    before = dump(engine)

    again = correct(engine, issue=date(2012, 12, 21))

    assert (again.credit_notes, again.invoices) == ((), ())
    assert dump(engine) == before  # no document, no number, no event


def test_correcting_a_month_with_nothing_changed_writes_nothing(engine, tmp_path):
    billed_scenario(engine, tmp_path)
    before = dump(engine)
    result = correct(engine)
    assert (result.credit_notes, result.invoices) == ((), ())
    assert dump(engine) == before


def test_agency_option_restricts_the_correction_to_that_agency(engine, tmp_path):
    # Both agencies' payslips change: Ny 12 -> 15 (payable 5488, as above), Xi 5 -> 6:
    # 3000.00 + 80.00 + 6 x 66.00 = 396.00 -> 3476.00, VAT 869.00, payable 4345.
    billed_scenario(engine, tmp_path)
    correct_file(engine, write_volumes(tmp_path, "both.csv", [
        CORRECTED_NY[0], f"2012-11,{ORG_XI},PAY-SLIP-DEV,6,Palasso,"]))

    only_b = correct(engine, agency=ORG_XI.replace("-", ""))  # the dash is optional

    assert [(d.number, d.credits, d.organisation_number) for d in only_b.credit_notes] == [(3, 2, ORG_XI)]
    assert [(d.number, d.replaces, d.organisation_number) for d in only_b.invoices] == [(4, 2, ORG_XI)]
    assert totals(only_b.invoices[0]) == (D("3476.00"), D("869.00"), D("4345.00"), D("0.00"), D("4345"))
    assert balance(engine) == {ORG_NY: D("5240"), ORG_XI: D("4345")}

    rest = correct(engine)  # the whole month: only Ny is left to correct
    assert [(d.number, d.credits) for d in rest.credit_notes] == [(5, 1)]
    assert [(d.number, d.replaces) for d in rest.invoices] == [(6, 1)]
    assert balance(engine) == {ORG_NY: D("5488"), ORG_XI: D("4345")}
    assert numbers(engine) == [1, 2, 3, 4, 5, 6]


# --- 4. refusals ------------------------------------------------------------------------------


def test_correcting_a_month_never_billed_is_refused(engine, tmp_path):
    billed_scenario(engine, tmp_path)
    before = dump(engine)
    with pytest.raises(DataError, match=r"2012-12 has never been billed.*billing run 2012-12"):
        correct(engine, month=DECEMBER, issue=date(2013, 1, 7))
    assert dump(engine) == before


def test_correcting_before_the_month_has_ended_is_refused(engine, tmp_path):
    billed_scenario(engine, tmp_path)
    correct_file(engine, write_volumes(tmp_path, "corrected.csv", CORRECTED_NY))
    before = dump(engine)
    with pytest.raises(DataError, match="in arrears"):
        correct(engine, issue=date(2012, 11, 30))
    assert dump(engine) == before


def test_correcting_an_unknown_agency_is_refused(engine, tmp_path):
    billed_scenario(engine, tmp_path)
    correct_file(engine, write_volumes(tmp_path, "corrected.csv", CORRECTED_NY))
    before = dump(engine)
    with pytest.raises(DataError, match=f"unknown agency {ORG_D}"):
        correct(engine, agency=ORG_D)
    with pytest.raises(DataError, match=r"\[organisation_number\]"):
        correct(engine, agency="202100-0002")  # bad check digit
    assert dump(engine) == before


def test_a_correction_dated_before_the_invoice_it_credits_is_refused(engine, tmp_path):
    billed_scenario(engine, tmp_path)  # invoices dated 2012-12-05
    correct_file(engine, write_volumes(tmp_path, "corrected.csv", CORRECTED_NY))
    before = dump(engine)
    with pytest.raises(DataError, match="before"):
        correct(engine, issue=date(2012, 12, 1))
    assert dump(engine) == before


@pytest.mark.parametrize("reason", ["", "   "])
def test_correcting_volumes_without_a_reason_is_refused(engine, tmp_path, reason):
    billed_scenario(engine, tmp_path)
    corrected = write_volumes(tmp_path, "corrected.csv", CORRECTED_NY)
    before = dump(engine)
    with pytest.raises(DataError, match=r"\[reason\]: a correction needs a reason"):
        correct_file(engine, corrected, reason=reason)
    assert dump(engine) == before


# --- the command line -----------------------------------------------------------------------


def test_volumes_correct_and_correct_on_the_command_line(engine, database_url, tmp_path):
    url = database_url
    assert cli(url, "tariffs", "load", TARIFFS).exit_code == 0
    assert cli(url, "agencies", "import", write(tmp_path, "agencies.toml", SCENARIO_AGENCIES)).exit_code == 0
    assert cli(url, "volumes", "import", write_volumes(tmp_path, "nov.csv", NOVEMBER_VOLUMES)).exit_code == 0
    assert cli(url, "run", "2012-11", "--date", "2012-12-05").exit_code == 0
    corrected = write_volumes(tmp_path, "corrected.csv", CORRECTED_NY)

    refused = cli(url, "volumes", "import", corrected)
    assert refused.exit_code == 1
    assert "billing volumes correct" in flat(refused.stderr)

    no_reason = cli(url, "volumes", "correct", corrected)
    assert no_reason.exit_code == 2  # --reason is required

    taken = cli(url, "volumes", "correct", corrected, "--reason", REASON)
    assert taken.exit_code == 0, taken.stderr
    assert "1 record taken in, of which 1 supersede earlier ones; 0 unchanged." in flat(taken.stdout)

    before = dump(engine)
    never = cli(url, "correct", "2012-12", "--date", "2013-01-07")
    assert never.exit_code == 1
    assert "2012-12 has never been billed" in flat(never.stderr)
    assert "[YYYY-MM]: 2012-12 has never been billed" in flat(never.stderr)
    unknown = cli(url, "correct", "2012-11", "--agency", ORG_UNKNOWN, "--date", "2012-12-20")
    assert unknown.exit_code == 1
    assert f"[--agency]: unknown agency {ORG_UNKNOWN}" in flat(unknown.stderr)
    assert dump(engine) == before

    issued = cli(url, "correct", "2012-11", "--agency", ORG_NY, "--reason", "Rättade volymer",
                 "--date", "2012-12-20")
    assert issued.exit_code == 0, issued.stderr
    out = flat(issued.stdout)
    assert "1 credit note and 1 invoice issued for 2012-11." in out
    # The credit note is printed first, then the new invoice.
    assert out.index("Kreditfakturanummer 3") < out.index("Fakturanummer 4")
    for expected in ("Krediterar faktura 1", "Ersätter faktura 1", "Orsak Rättade volymer",
                     "Kreditbelopp (SEK) -5 240,00", "Att betala (SEK) 5 488,00"):
        assert expected in out, expected

    before = dump(engine)
    again = cli(url, "correct", "2012-11", "--date", "2012-12-21")
    assert again.exit_code == 0
    assert "Nothing changed in 2012-11: no document issued." in flat(again.stdout)
    assert dump(engine) == before
