"""Issue 13, Excel workbooks: accepted wherever a CSV file is, the sheet named
or the only one, read as a stream, every cell taken exactly as the workbook
holds it, and every problem told by sheet, row and column letter."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from factories import D, M, ORG, OTHER_ORG
from openpyxl import Workbook

from billing.errors import DataError, ProblemCollector
from billing.files.catalogue_file import load_catalogue
from billing.files.costs_csv import read_costs
from billing.files.passthrough_csv import read_pass_through, read_supplier_invoices
from billing.files.reading import Reading
from billing.files.volumes_csv import read_volumes, volume_batches
from billing.payments.payments_csv import Payment, read_payments

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = load_catalogue(ROOT / "tariffs" / "catalogue.toml")
HEADER = ["period", "organisation_number", "service", "quantity", "source", "reference"]


def workbook(tmp_path: Path, rows: list[list], title: str = "Blad1", others: tuple[str, ...] = (),
             name: str = "volymer.xlsx", merge: str | None = None) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    for other in others:
        book.create_sheet(other).append(["annat"])
    path = tmp_path / name
    book.save(path)
    return path


def refused(reader, path: Path, **options) -> list[str]:
    """The problems, as printed, with the path written as its name."""
    with pytest.raises(DataError) as caught:
        reader(path, **options)
    assert all(p.file == str(path) for p in caught.value.problems)
    return [str(p).replace(str(path), path.name) for p in caught.value.problems]


def volumes(path: Path, sheet: str | None = None):
    return read_volumes(path, CATALOGUE, sheet)


def test_volumes_from_typed_cells_and_text_cells(tmp_path):
    path = workbook(tmp_path, [
        ["Månad", "Organisationsnummer", "Tjänst", "Antal", "Källa", "Referens"],
        [datetime(2012, 12, 1), ORG, "FIN-ASSET", 76667, "Agresso", None],   # a date cell, an int
        ["2012-12", OTHER_ORG, "PAY-SPEC-STATS", 2.25, "Källsystemet", "uppdrag åäö"],  # a float
        [None, None, None, None, None, None],                                 # blank: skipped
        ["2012-12", OTHER_ORG, "FIN-SPEC-CLOSING", "1 234,5", "", 4711],      # text, an int reference
    ])
    assert [(line, r.period, r.organisation_number, r.service, r.quantity, r.source, r.reference)
            for line, r in volumes(path)] == [
        (2, M("2012-12"), ORG, "FIN-ASSET", D("76667"), "Agresso", ""),
        (3, M("2012-12"), OTHER_ORG, "PAY-SPEC-STATS", D("2.25"), "Källsystemet", "uppdrag åäö"),
        (5, M("2012-12"), OTHER_ORG, "FIN-SPEC-CLOSING", D("1234.5"), "", "4711")]


def test_problems_name_the_sheet_the_row_and_the_column_letter(tmp_path):
    path = workbook(tmp_path, [HEADER,
                               ["2012-12", ORG, "FIN-ASSET", 5],
                               ["2012-12", ORG, "FIN-CUSTINV", -5],
                               ["2012-13", ORG, "PAY-NOPE", 1, None, None, "x"]])
    assert refused(volumes, path) == [
        "volymer.xlsx [Blad1] row 3, column D (quantity): negative quantity -5",
        "volymer.xlsx [Blad1] row 4: a value in column G, which has no name in the header"]
    path = workbook(tmp_path, [HEADER, ["2012-13", ORG, "PAY-NOPE", 1]], name="b.xlsx")
    assert refused(volumes, path) == [
        "b.xlsx [Blad1] row 2, column A (period): month out of range: 13",
        "b.xlsx [Blad1] row 2, column C (service): unknown service PAY-NOPE"]


def test_columns_are_lettered_as_the_sheet_has_them(tmp_path):
    path = workbook(tmp_path, [["Antal", "Tjänst", None, "Orgnr", "Period"],
                               [-1, "FIN-ASSET", None, ORG, "2012-12"]])
    assert refused(volumes, path) == [
        "volymer.xlsx [Blad1] row 2, column A (quantity): negative quantity -1"]


def test_the_only_sheet_or_the_one_named(tmp_path):
    rows = [HEADER, ["2012-12", ORG, "FIN-ASSET", 5]]
    path = workbook(tmp_path, rows, title="Volymer", others=("Anteckningar",))
    assert refused(volumes, path) == [
        "volymer.xlsx [sheet]: the workbook has 2 sheets (Volymer, Anteckningar): name the one "
        "to read (--sheet)"]
    [(_, record)] = volumes(path, "Volymer")
    assert record.quantity == D(5)
    assert refused(volumes, path, sheet="Blad1") == [
        "volymer.xlsx [sheet]: the workbook has no sheet 'Blad1'; its sheets are Volymer, Anteckningar"]


def test_a_float_cell_is_its_exact_decimal(tmp_path):
    # 1234.56 and 0.1 are no binary fractions: the float openpyxl reads is the
    # nearest one, and its repr is the decimal the workbook holds, exactly.
    # C at 0 % states its exemption (issue 12).
    path = workbook(tmp_path, [["period", "organisation_number", "area", "description", "amount",
                                "vat_rate", "vat_exemption_code", "vat_exemption_reason"],
                               ["2012-12", ORG, "payroll", "A", 1234.56, 25],
                               ["2012-12", ORG, "payroll", "B", 0.1, 12.5],
                               ["2012-12", ORG, "payroll", "C", -999999999999.99, 0, "VATEX-EU-132-1A",
                                "Undantaget från skatteplikt: posttjänster"]],
                    name="belopp.xlsx")
    assert [(c.amount, c.vat_rate) for _, c in read_pass_through(path)] == [
        (D("1234.56"), D(25)), (D("0.1"), D("12.5")), (D("-999999999999.99"), D(0))]


def test_float_cells_out_of_precision_or_range(tmp_path):
    path = workbook(tmp_path, [["period", "organisation_number", "area", "description", "amount"],
                               ["2012-12", ORG, "payroll", "A", 1234.5678901],
                               ["2012-12", ORG, "payroll", "B", 1234.567],
                               ["2012-12", ORG, "payroll", "C", 1e15]], name="belopp.xlsx")
    assert refused(read_pass_through, path) == [
        "belopp.xlsx [Blad1] row 2, column E (amount): the cell holds 1234.5678901, more than 6 "
        "decimals (the binary rest of a calculation?): round it in the sheet (AVRUNDA/ROUND) or "
        "type the number",
        "belopp.xlsx [Blad1] row 3, column E (amount): an amount has at most two decimals (öre): "
        "1234.567",
        "belopp.xlsx [Blad1] row 4, column E (amount): out of range (at most 12 digits before "
        "the decimal point, 6 after): '1000000000000000'"]


def test_a_percentage_cell_is_the_per_cent_it_shows_and_only_a_vat_rate_may_be_one(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "Blad1"
    sheet.append(["period", "organisation_number", "area", "description", "amount", "vat_rate"])
    sheet.append(["2012-12", ORG, "payroll", "A", 100, 0.25])   # shown as 25 %
    sheet.append(["2012-12", ORG, "payroll", "B", 100, 0.125])  # shown as 12.5 %
    sheet.append(["2012-12", ORG, "payroll", "C", 100, 6])      # a plain number: 6
    sheet["F2"].number_format = sheet["F3"].number_format = "0%"
    path = tmp_path / "belopp.xlsx"
    book.save(path)
    assert [c.vat_rate for _, c in read_pass_through(path)] == [D("25"), D("12.5"), D("6")]
    sheet["E4"].number_format = "0.00%"
    book.save(path)
    assert refused(read_pass_through, path) == [
        "belopp.xlsx [Blad1] row 4, column E (amount): a percentage cell (100 shown as a per "
        "cent) where a number is expected: format the cell as a number"]


def test_date_true_false_and_time_cells(tmp_path):
    path = workbook(tmp_path, [HEADER,
                               [date(2012, 12, 15), ORG, "FIN-ASSET", 1],
                               [datetime(2012, 12, 1, 8, 30), ORG, "FIN-ASSET", 2],
                               ["2012-12", ORG, "FIN-ASSET", True],
                               ["2012-12", ORG, "FIN-ASSET", 3, date(2012, 12, 1)]])
    assert refused(volumes, path) == [
        "volymer.xlsx [Blad1] row 2, column A (period): a date (2012-12-15) where a month is "
        "expected: write the month (2012-12) or its first day",
        "volymer.xlsx [Blad1] row 3, column A (period): a date and time (2012-12-01 08:30:00) "
        "where a month is expected",
        "volymer.xlsx [Blad1] row 4, column D (quantity): a TRUE/FALSE cell (True) where text or "
        "a number is expected",
        "volymer.xlsx [Blad1] row 5, column E (source): a date cell (2012-12-01) where text or a "
        "number is expected"]


def test_decimal_marks_of_text_cells_are_one_per_column_and_number_cells_have_none(tmp_path):
    path = workbook(tmp_path, [HEADER,
                               ["2012-12", OTHER_ORG, "PAY-SPEC-STATS", "2,25"],
                               ["2012-12", ORG, "PAY-SPEC-STATS", 1.5],      # a number cell: no mark
                               ["2012-12", ORG, "FIN-SPEC-CLOSING", "3.5"]])
    assert refused(volumes, path) == [
        "volymer.xlsx [Blad1] row 4, column D (quantity): decimal point in '3.5', but a decimal "
        "comma on row 2: write the numbers of a column one way"]


# --- sheets that are not tables ------------------------------------------------------------

def test_an_empty_sheet_is_refused(tmp_path):
    for rows in ([], [[None, None], [None]]):
        path = workbook(tmp_path, rows)
        assert refused(volumes, path) == [
            "volymer.xlsx [Blad1] row 1: the sheet 'Blad1' is empty: its first row must name the "
            "columns"]


def test_a_merged_title_above_the_header_is_refused_saying_where_the_names_are(tmp_path):
    path = workbook(tmp_path, [["Volymer december 2012"], HEADER, ["2012-12", ORG, "FIN-ASSET", 5]],
                    merge="A1:F1")
    found = refused(volumes, path)
    assert found[0] == ("volymer.xlsx [Blad1] row 1: missing column(s): period, "
                        "organisation_number, service, quantity")
    assert found[1].startswith("volymer.xlsx [Blad1] row 1: unknown column(s): Volymer december 2012")
    assert found[2] == ("volymer.xlsx [Blad1] row 2: the column names are on row 2: the first row "
                        "must name the columns (remove the rows above it)")
    assert len(found) == 3


def test_a_header_below_empty_rows_is_refused_saying_where_it_is(tmp_path):
    path = workbook(tmp_path, [[], [], HEADER, ["2012-12", ORG, "FIN-ASSET", 5]])
    assert refused(volumes, path) == [
        "volymer.xlsx [Blad1] row 1: missing column(s): period, organisation_number, service, "
        "quantity",
        "volymer.xlsx [Blad1] row 3: the column names are on row 3: the first row must name the "
        "columns (remove the rows above it)"]


def test_an_old_xls_a_broken_workbook_and_a_sheet_named_for_a_csv_file(tmp_path):
    xls = tmp_path / "volymer.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    assert refused(volumes, xls) == [
        "volymer.xls:1: an Excel 97-2003 workbook (.xls): save it as an Excel workbook (.xlsx) or "
        "as CSV"]
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04" + bytes(100))
    [message] = refused(volumes, broken)
    assert message.startswith("broken.xlsx:1: cannot read the file as an Excel workbook (.xlsx): ")
    csv = tmp_path / "v.csv"
    csv.write_text(",".join(HEADER) + "\n", encoding="utf-8")
    assert refused(volumes, csv, sheet="Blad1") == [
        "v.csv [sheet]: a sheet is named (Blad1), but the file is CSV text, not an Excel workbook"]


def test_a_sheet_broken_inside_the_archive_is_told_from_where_it_breaks(tmp_path):
    import zipfile
    good = workbook(tmp_path, [HEADER, ["2012-12", ORG, "FIN-ASSET", 5],
                               ["2012-12", ORG, "FIN-CUSTINV", 6]], name="good.xlsx")
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[:data.index(b"FIN-CUSTINV") - 40]  # cut inside row 3
            target.writestr(item, data)
    [message] = refused(volumes, broken)
    assert message.startswith("broken.xlsx [Blad1] row 3: cannot read the sheet from here on: ")


def test_a_workbook_is_known_by_its_content_not_its_name(tmp_path):
    path = workbook(tmp_path, [HEADER, ["2012-12", ORG, "FIN-ASSET", 5]], name="volymer.csv")
    [(_, record)] = volumes(path)
    assert record.quantity == D(5)


# --- streaming, and what was read -------------------------------------------------------------

def test_rows_are_read_as_a_stream(tmp_path):
    """The first batch comes before the sheet's last row is read: a bad last
    row is not yet known when the first batch is taken in."""
    rows = [["2012-12", ORG, "PAY-SLIP-DEV", 1, "", f"R{n}"] for n in range(6)]
    path = workbook(tmp_path, [HEADER, *rows, ["2012-12", ORG, "PAY-SLIP-DEV", -1, "", "last"]])
    problems = ProblemCollector(str(path))
    batches = volume_batches(path, CATALOGUE, problems, size=2)
    assert [line for line, _ in next(batches)] == [2, 3]
    assert problems.count == 0
    assert [[line for line, _ in batch] for batch in batches] == [[4, 5], [6, 7]]
    assert [(p.line, p.column, p.message) for p in problems.problems] == [
        (8, "D", "negative quantity -1")]


def test_what_was_read_is_counted_for_the_summary(tmp_path):
    path = workbook(tmp_path, [HEADER,
                               ["2012-12", ORG, "FIN-ASSET", 76667],
                               ["2012-12", OTHER_ORG, "FIN-ASSET", 1000, "", "b"],
                               ["2012-11", OTHER_ORG, "PAY-SPEC-STATS", "2,25"],
                               ["2012-11", OTHER_ORG, "PAY-SPEC-STATS", 1.5, "", "b"]])
    reading = Reading()
    list(volume_batches(path, CATALOGUE, ProblemCollector(str(path)), None, reading=reading))
    summary = reading.summary()
    # FIN-ASSET 76667 + 1000 = 77667; PAY-SPEC-STATS 2.25 + 1.5 = 3.75 hours
    assert summary.rows == 4 and summary.agencies == 2
    assert summary.months == (M("2012-11"), M("2012-12"))
    assert summary.quantities == (("FIN-ASSET", D("77667")), ("PAY-SPEC-STATS", D("3.75")))
    assert summary.form == "sheet Blad1, decimal comma"


# --- the other files ----------------------------------------------------------------------

def test_supplier_invoices_costs_and_payments_from_workbooks(tmp_path):
    invoices = workbook(tmp_path, [["Månad", "Leverantör", "Referens", "Område", "Beskrivning",
                                    "Belopp", "Nyckel", "Moms"],
                                   ["2012-12", "Försäkringskassan", "FK-1", "payroll", "POL",
                                    812345.67, "employees", 25]], name="invoices.xlsx")
    [invoice] = read_supplier_invoices(invoices, CATALOGUE)
    assert (invoice.amount, invoice.vat_rate, invoice.key) == (D("812345.67"), D(25), "employees")
    costs = workbook(tmp_path, [["Period", "Område", "Kostnad"], [date(2012, 12, 1), "payroll", 1250000]],
                     title="Kostnader", others=("Diagram",), name="costs.xlsx")
    assert read_costs(costs, "Kostnader") == {(M("2012-12"), "payroll"): D(1250000)}
    bank = workbook(tmp_path, [["Referens", "Belopp", "Datum"], [133, 4048, datetime(2013, 1, 3)],
                               ["", 7.5, "2013-01-05"]], name="bank.xlsx")
    assert read_payments(bank) == (Payment(2, "133", D("4048.00"), date(2013, 1, 3)),
                                   Payment(3, "", D("7.50"), date(2013, 1, 5)))
