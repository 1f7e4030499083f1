"""Exports have state, on SQLite and PostgreSQL: every export (Peppol, PDF, SIE)
records which documents it wrote, when, by whom and where, and by default
writes only the documents not yet exported in its format; `--all`,
`--numbers` and `--since` choose otherwise; `invoices list` shows the state.

The world of db_helpers billed for 2012-11 on 2012-12-05 (1 Alfaverket,
2 Betaverket, 3 Gammaverket; Gammaverket's payroll agreement given a buyer
reference, which Peppol needs), then Alfaverket's payslips corrected 3 -> 4 and
the month corrected on 2012-12-20: credit note 4 credits 1, invoice 5 replaces it.
By hand (tariffs/standard-2012-06.toml, see test_credit_notes and test_pdf):
invoice 1 is payable 4048 (net 3238.00, VAT 809.50); invoice 5 adds one payslip
at 66.00: net 3304.00, VAT 826.00, payable 4130; credit note 4 is -4048.
"""

from __future__ import annotations

import getpass
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from freezegun import freeze_time
from sqlalchemy.orm import Session

import billing.services.exporting as exporting
from billing.domain.exports import DocumentChoice
from billing.errors import DataError
from billing.files.centre_file import load_centre
from billing.period import Month
from billing.persistence.models import EventRow, ExportBatchRow, ExportRecordRow, InvoiceRow
from billing.services.corrections import correct_month
from billing.services.outputs import export_peppol
from db_helpers import ORG_A, WORLD_AGENCIES, billed, correct_alfaverket_payslips
from helpers_cli import cli, flat
from helpers_concurrency import race

NOVEMBER = Month(2012, 11)
USER = getpass.getuser()
PAYROLL_C = '  area = "payroll"\n  connected_on = 2012-06-01\n\n  [[agencies.agreements]]\n  area = "eprocurement"'
assert WORLD_AGENCIES.count(PAYROLL_C) == 1
AGENCIES = WORLD_AGENCIES.replace(
    PAYROLL_C, PAYROLL_C.replace("2012-06-01\n", '2012-06-01\n  buyer_reference = "C-300"\n'))
LABEL = {"peppol": "Peppol", "pdf": "PDF", "sie": "SIE"}


def bill(engine, tmp_path) -> None:
    billed(engine, tmp_path, agencies_text=AGENCIES)


def correct(engine, tmp_path) -> None:
    correct_alfaverket_payslips(engine, tmp_path)
    with Session(engine) as session, session.begin():
        result = correct_month(session, NOVEMBER, date(2012, 12, 20))
    assert [d.number for d in (*result.credit_notes, *result.invoices)] == [4, 5]


def export(url: str, fmt: str, place: Path, *args):
    """November exported in ``fmt`` to ``place`` (a directory; SIE: a file)."""
    command = {"peppol": ("export", "peppol", "2012-11"), "pdf": ("invoices", "pdf", "2012-11"),
               "sie": ("export", "sie", "2012-11", "--by", "period")}[fmt]
    return cli(url, *command, "--out", place, *args)


def written(fmt: str, place: Path) -> list[int]:
    """The document numbers in what an export wrote: file names, or the SIE file's vouchers."""
    if fmt == "sie":
        return [int(line.split()[2]) for line in place.read_bytes().decode("cp437").splitlines()
                if line.startswith("#VER ")]
    return sorted(int(re.fullmatch(r"[a-z-]+-(\d+)\.(xml|pdf)", p.name).group(1)) for p in place.iterdir())


def records(engine) -> list[tuple]:
    with Session(engine) as session:
        return [tuple(row) for row in session.execute(
            sa.select(ExportRecordRow.invoice_number, ExportRecordRow.format, ExportRecordRow.batch_id)
            .order_by(ExportRecordRow.id))]


def export_events(engine) -> list[tuple]:
    with Session(engine) as session:
        return [(e.action, e.arguments, e.summary) for e in session.scalars(
            sa.select(EventRow).where(EventRow.action.like("export.%")).order_by(EventRow.id))]


@pytest.mark.parametrize("fmt", ["peppol", "pdf", "sie"])
def test_export_correct_export_again_writes_only_the_new_documents(engine, database_url, tmp_path, fmt):
    bill(engine, tmp_path)
    place = lambda name: tmp_path / (f"{name}.se" if fmt == "sie" else name)  # noqa: E731
    first = export(database_url, fmt, place("first"))
    assert first.exit_code == 0, first.output
    assert written(fmt, place("first")) == [1, 2, 3]

    correct(engine, tmp_path)
    second = export(database_url, fmt, place("second"))
    assert second.exit_code == 0, second.output
    assert written(fmt, place("second")) == [4, 5]  # the credit note and the new invoice, nothing else
    said = flat(second.stdout)
    assert f"3 documents exported as {LABEL[fmt]} before were left out (1-3); --all writes them again." in said
    if fmt == "sie":  # 4130 - 4048 = 82 on receivables
        assert "2 vouchers (1 invoice, 1 credit note), receivables 82,00 SEK" in said

    third = export(database_url, fmt, place("third"))
    assert third.exit_code == 0, third.output
    assert (f"Nothing new to write: the 5 documents issued for 2012-11 were exported as {LABEL[fmt]} before "
            "(1-5); --all writes them again. Nothing written.") in flat(third.stdout)
    assert not place("third").exists()

    everything = export(database_url, fmt, place("all"), "--all")
    assert everything.exit_code == 0, everything.output
    assert written(fmt, place("all")) == [1, 2, 3, 4, 5]
    assert (f"5 of them were exported as {LABEL[fmt]} before (1-5); written and recorded again."
            in flat(everything.stdout))
    # Three exports wrote something (batches 1, 2, 3); the --all export is recorded like the others.
    assert records(engine) == [(1, fmt, 1), (2, fmt, 1), (3, fmt, 1), (4, fmt, 2), (5, fmt, 2),
                               *((n, fmt, 3) for n in range(1, 6))]
    assert [arguments.get("all") for _, arguments, _ in export_events(engine)] == [None, None, "yes"]


def test_sie_by_issue_month_books_each_document_once(engine, database_url, tmp_path):
    bill(engine, tmp_path)
    first = cli(database_url, "export", "sie", "2012-12", "--out", tmp_path / "dec-1.se")  # --by issued: the default
    assert first.exit_code == 0, first.output
    # 4048 + 19715 + 8990 = 32753 (test_billing_run)
    assert "3 vouchers (3 invoices, 0 credit notes), receivables 32 753,00 SEK" in flat(first.stdout)
    correct(engine, tmp_path)
    second = cli(database_url, "export", "sie", "2012-12", "--out", tmp_path / "dec-2.se")
    assert second.exit_code == 0, second.output
    assert written("sie", tmp_path / "dec-2.se") == [4, 5]
    assert "2 vouchers (1 invoice, 1 credit note), receivables 82,00 SEK" in flat(second.stdout)
    # The same documents seen as the period billed: every one is booked already.
    by_period = cli(database_url, "export", "sie", "2012-11", "--by", "period", "--out", tmp_path / "nov.se")
    assert by_period.exit_code == 0, by_period.output
    assert "Nothing new to write: the 5 documents issued for 2012-11 were exported as SIE before" \
        in flat(by_period.stdout)
    assert not (tmp_path / "nov.se").exists()


def test_numbers_and_since_choose_the_documents(engine, database_url, tmp_path):
    bill(engine, tmp_path)
    correct(engine, tmp_path)
    url = database_url

    some = cli(url, "invoices", "pdf", "--numbers", "2,4-5", "--out", tmp_path / "a")
    assert some.exit_code == 0, some.output
    assert written("pdf", tmp_path / "a") == [2, 4, 5]
    assert "3 PDF files written to" in flat(some.stdout) and "for the documents numbered 2, 4-5" in flat(some.stdout)
    rest = cli(url, "invoices", "pdf", "--numbers", "1-3", "--out", tmp_path / "b")
    assert written("pdf", tmp_path / "b") == [1, 3]  # 2 was exported as PDF above
    assert "1 documents exported as PDF before were left out (2)" in flat(rest.stdout)

    since = cli(url, "export", "peppol", "--since", "2012-12-20", "--out", tmp_path / "c")
    assert since.exit_code == 0, since.output
    assert written("peppol", tmp_path / "c") == [4, 5]  # issued on 2012-12-20; 1-3 on 2012-12-05
    both = cli(url, "export", "peppol", "2012-11", "--numbers", "1-4", "--out", tmp_path / "d")
    assert both.exit_code == 0 and "1 documents exported as Peppol before were left out (4)" in flat(both.stdout)
    assert written("peppol", tmp_path / "d") == [1, 2, 3]  # 4 was exported in Peppol by --since
    narrowed = cli(url, "export", "peppol", "--numbers", "1-5", "--since", "2012-12-20", "--all",
                   "--out", tmp_path / "e")
    assert narrowed.exit_code == 0 and "2 of them were exported as Peppol before (4-5)" in flat(narrowed.stdout)
    assert written("peppol", tmp_path / "e") == [4, 5]
    # A ledger period narrowed by number: issued in December, numbers 3-4, none booked yet.
    ledger = cli(url, "export", "sie", "2012-12", "--numbers", "3-4", "--out", tmp_path / "f.se")
    assert ledger.exit_code == 0 and "2 vouchers (1 invoice, 1 credit note)" in flat(ledger.stdout)
    assert written("sie", tmp_path / "f.se") == [3, 4]
    beyond = cli(url, "invoices", "pdf", "--numbers", "6-99999999999", "--out", tmp_path / "g")
    assert beyond.exit_code == 0 and "No documents numbered 6-99999999999: nothing written." in flat(beyond.stdout)
    assert not (tmp_path / "g").exists()

    for args, message in ((("--numbers", "5-2"), "not a document number or a range such as 12-40: '5-2'"),
                          (("--numbers", "1,x"), "'x'"), (("--since", "2012-13-01"), "not a date"),
                          ((), "name the documents: a month (YYYY-MM), --numbers or --since")):
        refused = cli(url, "export", "peppol", *args, "--out", tmp_path / "h")
        assert refused.exit_code == 2 and message in flat(refused.output), refused.output
        assert not (tmp_path / "h").exists()


def test_an_export_records_each_document_and_one_event(engine, database_url, tmp_path):
    bill(engine, tmp_path)
    out, ledger = tmp_path / "peppol", tmp_path / "ledger.se"
    before = datetime.now(UTC).replace(tzinfo=None)
    assert cli(database_url, "export", "peppol", "2012-11", "--out", out).exit_code == 0
    assert cli(database_url, "export", "sie", "2012-12", "--numbers", "2-3", "--out", ledger).exit_code == 0
    after = datetime.now(UTC).replace(tzinfo=None)

    with Session(engine) as session:
        batches = session.scalars(sa.select(ExportBatchRow).order_by(ExportBatchRow.id)).all()
        rows = session.scalars(sa.select(ExportRecordRow).order_by(ExportRecordRow.id)).all()
        assert [(b.id, b.format, b.os_user, b.target, b.choice, b.document_count) for b in batches] == [
            (1, "peppol", USER, str(out.absolute()), "issued for 2012-11", 3),
            (2, "sie", USER, str(ledger.absolute()), "issued in 2012-12, numbered 2-3", 2)]
        assert [(r.invoice_number, r.format, r.batch_id, r.os_user, r.path) for r in rows] == [
            *((n, "peppol", 1, USER, str((out / f"invoice-{n}.xml").absolute())) for n in (1, 2, 3)),
            *((n, "sie", 2, USER, str(ledger.absolute())) for n in (2, 3))]
        assert all(before <= r.exported_at <= after for r in rows)
        assert {r.exported_at for r in rows if r.batch_id == 1} == {batches[0].exported_at}
    assert export_events(engine) == [
        ("export.peppol", {"period": "2012-11", "target": str(out.absolute()), "batch": "1"},
         "3 documents written as Peppol: 1-3"),
        ("export.sie", {"issued_in": "2012-12", "numbers": "2-3", "target": str(ledger.absolute()), "batch": "2"},
         "2 documents written as SIE: 2-3")]
    logged = flat(cli(database_url, "log").stdout)
    assert "export.peppol" in logged and "3 documents written as Peppol: 1-3" in logged

    # One document's PDF, named: written whether made before or not, and recorded each time.
    one = tmp_path / "one.pdf"
    assert "Invoice 2 written to" in flat(cli(database_url, "invoice", "pdf", "2", "--out", one).stdout)
    again = cli(database_url, "invoice", "pdf", "2", "--out", one)
    assert "(made as PDF before; recorded again)" in flat(again.stdout)
    assert [r for r in records(engine) if r[1] == "pdf"] == [(2, "pdf", 3), (2, "pdf", 4)]


def test_invoices_list_shows_when_each_document_was_exported(engine, database_url, tmp_path):
    bill(engine, tmp_path)
    with freeze_time("2013-01-10 12:00"):
        assert cli(database_url, "export", "peppol", "2012-11", "--out", tmp_path / "peppol").exit_code == 0
    correct(engine, tmp_path)
    with freeze_time("2013-01-11 12:00"):
        assert cli(database_url, "invoices", "pdf", "--numbers", "2,5", "--out", tmp_path / "pdf").exit_code == 0
        assert cli(database_url, "export", "sie", "2012-12", "--numbers", "4-5",
                   "--out", tmp_path / "l.se").exit_code == 0
    listed = cli(database_url, "invoices", "list", "--period", "2012-11")
    assert listed.exit_code == 0, listed.output
    rows = {cells[0]: cells for cells in ([c.strip() for c in line.split("│")[1:-1]]
                                          for line in listed.stdout.splitlines()) if cells and cells[0].isdigit()}
    # Invoice 1 was credited by 4 and replaced by 5 in the correction: "ersatt".
    assert rows["1"] == ["1", "Faktura", "2012-11", "2012-12-05", ORG_A, "Alfaverket", "ersatt", "3 238,00",
                         "809,50", "4 048,00", "2013-01-10", "–", "–"]
    assert [rows[n][-3:] for n in "2345"] == [["2013-01-10", "2013-01-11", "–"], ["2013-01-10", "–", "–"],
                                              ["–", "–", "2013-01-11"], ["–", "2013-01-11", "2013-01-11"]]
    header = next(line for line in listed.stdout.splitlines() if "Nr" in line and "Kund" in line)
    assert [c.strip() for c in header.split("┃")[1:-1]][-3:] == ["Peppol", "PDF", "SIE"]


def test_a_failure_to_record_writes_nothing(engine, database_url, tmp_path, monkeypatch):
    bill(engine, tmp_path)

    def refused(session, batch):
        raise DataError.single("simulated: the records were refused")

    monkeypatch.setattr(exporting, "record_export", refused)
    result = cli(database_url, "export", "peppol", "2012-11", "--out", tmp_path / "out")
    assert result.exit_code == 1 and "simulated: the records were refused" in flat(result.stderr)
    assert not (tmp_path / "out").exists()
    assert records(engine) == [] and export_events(engine) == []


def test_files_written_but_not_recorded_are_said_so_and_written_again(engine, database_url, tmp_path):
    bill(engine, tmp_path)

    def commit_fails(session):
        raise sa.exc.OperationalError("COMMIT", {}, Exception("simulated: disk I/O error"))

    sa.event.listen(Session, "before_commit", commit_fails)
    try:
        result = cli(database_url, "export", "peppol", "2012-11", "--out", tmp_path / "out")
    finally:
        sa.event.remove(Session, "before_commit", commit_fails)
    assert result.exit_code == 1
    said = flat(result.stderr)
    assert "nothing was changed: OperationalError: simulated: disk I/O error" in said
    assert (f"3 files were written ({tmp_path / 'out' / 'invoice-1.xml'} and others) but the export could "
            "not be recorded: the next export writes these documents again.") in said
    assert written("peppol", tmp_path / "out") == [1, 2, 3]
    assert records(engine) == [] and export_events(engine) == []

    again = cli(database_url, "export", "peppol", "2012-11", "--out", tmp_path / "again")
    assert again.exit_code == 0 and written("peppol", tmp_path / "again") == [1, 2, 3]


def test_two_exports_at_once_write_each_document_once(engine, database_url, tmp_path):
    bill(engine, tmp_path)
    seller, choice = load_centre().seller, DocumentChoice(billed_for=NOVEMBER)
    first, second = race(engine, database_url,
                         lambda s: export_peppol(s, choice, tmp_path / "a", seller),
                         lambda s: export_peppol(s, choice, tmp_path / "b", seller), what="export")
    assert second.error is None, second.error
    assert first.result.chosen.numbers == (1, 2, 3) and written("peppol", tmp_path / "a") == [1, 2, 3]
    # The second waited for the first, then found every document exported.
    assert second.result.chosen.numbers == () and second.result.chosen.left_out == (1, 2, 3)
    assert not (tmp_path / "b").exists()
    assert records(engine) == [(1, "peppol", 1), (2, "peppol", 1), (3, "peppol", 1)]


def test_a_document_that_cannot_be_read_stops_the_pdf_and_sie_exports(engine, database_url, tmp_path):
    bill(engine, tmp_path)
    with engine.begin() as connection:
        connection.execute(sa.update(InvoiceRow).where(InvoiceRow.number == 2).values(kind="debit_note"))
    pdfs = cli(database_url, "invoices", "pdf", "2012-11", "--out", tmp_path / "pdf")
    assert pdfs.exit_code == 1
    assert "document 2 (Betaverket) is of kind 'debit_note', which cannot be made into a PDF" in flat(pdfs.stderr)
    ledger = cli(database_url, "export", "sie", "2012-12", "--out", tmp_path / "l.se")
    assert ledger.exit_code == 1
    assert "document 2 (Betaverket) is of kind 'debit_note', which cannot be made into a voucher" in flat(ledger.stderr)
    assert not (tmp_path / "pdf").exists() and not (tmp_path / "l.se").exists()
    assert records(engine) == [] and export_events(engine) == []
    # Named around it, the others are exported.
    assert cli(database_url, "invoices", "pdf", "--numbers", "1,3", "--out", tmp_path / "pdf").exit_code == 0
    assert written("pdf", tmp_path / "pdf") == [1, 3]
